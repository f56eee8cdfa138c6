// What the image of deploy/Dockerfile would hold, without building it (no container builder here):
// the npm package packed as `npm pack` makes it, installed into an empty prefix with the
// Dockerfile's own `npm install` arguments, and run through the Dockerfile's ENTRYPOINT as the
// controller, the server and the executor.
//
// Two things differ from the image build, both to keep this light on a shared machine: the
// install prefers the local npm cache (the registry is asked only for what it lacks), and
// better-sqlite3's install script (which downloads or compiles its native binding, minutes of
// C++ here) is skipped; the binding that the repository's own install made for the same version
// of better-sqlite3 is put in its place instead.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowTaskResult } from '../../src/model/workflow.js';
import { podIn, runPod } from '../helpers/argoexec-pod.js';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { repoRoot, runProcess, type CliResult } from './cli.js';

const dockerfile = readFileSync(path.join(repoRoot, 'deploy/Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let prefix: string;
let entrypoint: string;

/** The Dockerfile's `COPY <tarball> <dest>` destination and its `RUN npm install ...` arguments. */
function dockerInstall(): { copiedTo: string; npmArgs: string[] } {
  const copy = /^COPY\s+\S+\s+(\S+)$/m.exec(dockerfile);
  const run = /^RUN npm (install [^\\&\n]+)/m.exec(dockerfile);
  if (!copy || !run)
    throw new Error('deploy/Dockerfile has no `COPY <tarball> <dest>` or no `RUN npm install`');
  return { copiedTo: copy[1], npmArgs: run[1].trim().split(/\s+/) };
}

function dockerEntrypoint(): string[] {
  const m = /^ENTRYPOINT\s+(\[.*\])$/m.exec(dockerfile);
  if (!m) throw new Error('deploy/Dockerfile has no ENTRYPOINT in exec form');
  return JSON.parse(m[1]) as string[];
}

/** The package.json of every package directly in a node_modules folder (scoped ones included). */
function installedPackages(modules: string): { dependencies?: Record<string, string> }[] {
  const dirs = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(path.join(modules, name)).map((n) => `${name}/${n}`) : [name],
  );
  return dirs
    .map((d) => path.join(modules, d, 'package.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { dependencies?: Record<string, string> });
}

function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing of this repository's npm run (vitest is started by npm test) may steer the install.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

async function must(what: string, p: Promise<CliResult>): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Runs the image's entrypoint with these arguments, on the local backend in a fresh ARGO_HOME. */
function argo(args: string[], timeoutMs = 20_000): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ARGO_HOME: path.join(work, 'home'), ARGO_LOCAL: 'true' };
  for (const k of ['ARGO_SERVER', 'ARGO_TOKEN', 'ARGO_NAMESPACE', 'KUBECONFIG', 'NODE_PATH']) delete env[k];
  return runProcess(entrypoint, args, env, work, timeoutMs);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-image-'));
  prefix = path.join(work, 'usr-local');
  mkdirSync(prefix);
  // dist/ is built before e2e tests run, so pack without running `prepare` (tsc) again.
  const packed = JSON.parse(
    await must(
      'npm pack',
      runProcess(
        'npm',
        ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
        npmEnv(),
        repoRoot,
        60_000,
      ),
    ),
  ) as { filename: string }[];
  const tarball = path.join(work, packed[0].filename);

  const { copiedTo, npmArgs } = dockerInstall();
  const args = npmArgs.map((a) => (a === copiedTo ? tarball : a));
  expect(args).toContain(tarball);
  await must(
    'npm install',
    runProcess(
      'npm',
      [...args, '--prefix', prefix, '--prefer-offline', '--ignore-scripts'],
      npmEnv(),
      work,
      100_000,
    ),
  );

  const installed = path.join(prefix, 'lib/node_modules', pkg.name, 'node_modules/better-sqlite3');
  const ours = path.join(repoRoot, 'node_modules/better-sqlite3');
  const version = (dir: string) =>
    (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  expect(version(installed)).toBe(version(ours));
  mkdirSync(path.join(installed, 'build/Release'), { recursive: true });
  copyFileSync(
    path.join(ours, 'build/Release/better_sqlite3.node'),
    path.join(installed, 'build/Release/better_sqlite3.node'),
  );

  const [command] = dockerEntrypoint();
  entrypoint = path.join(prefix, 'bin', command);
}, 150_000);

// The installed package is some 13,000 files, and this disk is mounted with online discard, where
// unlinking them takes 20-30 s on a busy machine: longer than a hook's deadline. A detached `rm`
// removes the folder without holding the suite on the disk.
afterAll(() => {
  if (work) spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
});

describe('the image deploy/Dockerfile builds', () => {
  it('holds the runtime dependencies and, of the development ones, only what a runtime one needs', () => {
    const modules = path.join(prefix, 'lib/node_modules', pkg.name, 'node_modules');
    for (const dep of Object.keys(pkg.dependencies))
      expect(existsSync(path.join(modules, dep)), dep).toBe(true);
    // @kubernetes/client-node depends on @types/js-yaml, say: that one is installed for it.
    const needed = new Set(installedPackages(modules).flatMap((p) => Object.keys(p.dependencies ?? {})));
    const devOnly = Object.keys(pkg.devDependencies).filter((dep) => !needed.has(dep));
    expect(devOnly).toContain('vitest');
    for (const dep of devOnly) expect(existsSync(path.join(modules, dep)), dep).toBe(false);
  });

  it.each([
    ['workflow-controller', 'run the workflow controller'],
    ['server', 'start the Argo Server'],
    ['argoexec', 'argoexec is the executor sidecar to workflow containers'],
  ])('runs `argo %s --help` through its entrypoint', async (command, summary) => {
    const r = await argo([command, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(summary);
    expect(r.stdout).toContain(`Usage:\n  argo ${command}`);
  });

  it('runs a pod of the argoexec layout with the installed executor: init, emissary and wait report to the API', async () => {
    const api = await startFakeApiServer();
    try {
      const dir = path.join(work, 'pod');
      const kubeconfig = api.writeKubeconfig(work, { file: 'pod.kubeconfig' });
      const out = path.join(dir, 'out');
      mkdirSync(out, { recursive: true });
      const p = podIn(
        dir,
        kubeconfig,
        {
          name: 'gen',
          container: { image: 'alpine', command: ['sh', '-c'], args: [`printf 42 > ${out}/p.txt`] },
          outputs: { parameters: [{ name: 'p', valueFrom: { path: `${out}/p.txt` } }] },
        },
        'wf-1-image',
      );
      const r = await runPod(p, ['sh', '-c', `echo from the image; printf 42 > ${out}/p.txt`], entrypoint);
      expect(r.init.code, r.init.stderr).toBe(0);
      // The emissary init copied is the installed package's, not this checkout's.
      expect(readFileSync(path.join(p.root, 'var/run/argo/argoexec'), 'utf8')).toContain(prefix);
      expect(r.main?.code, r.main?.stderr).toBe(0);
      expect(r.main?.stdout).toContain('from the image');
      expect(r.wait?.code, r.wait?.stderr).toBe(0);
      const result = await api.store.get<WorkflowTaskResult>('WorkflowTaskResult', 'default', 'wf-1-image');
      expect(result?.outputs?.parameters).toEqual([
        { name: 'p', value: '42', valueFrom: { path: `${out}/p.txt` } },
      ]);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('runs a workflow from the installed package alone: embedded store, controller and executor', async () => {
    const manifest = path.join(work, 'hello.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata:',
        '  name: hello-image',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '    - name: main',
        '      container:',
        '        image: busybox',
        '        command: [sh, -c, "echo hello from the image"]',
        '',
      ].join('\n'),
    );
    const submitted = await argo(['submit', '--wait', manifest], 60_000);
    expect(submitted.stderr).toBe('');
    expect(submitted.stdout).toContain('hello-image Succeeded');
    const logs = await argo(['logs', 'hello-image']);
    expect(logs.stdout).toBe('hello-image: hello from the image\n');
  }, 70_000);
});
