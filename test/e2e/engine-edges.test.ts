// The local engine at its edges, as a user meets them through the CLI: containers whose program
// cannot start, the executor's own logs (init and wait), and what `argo delete` leaves behind.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, type Cli } from './cli.js';

let cli: Cli;
let manifests: string;
beforeAll(() => {
  cli = cliWithHome();
  manifests = mkdtempSync(path.join(os.tmpdir(), 'engine-edges-'));
});
afterAll(() => cli.dispose());

/** Submits `yaml` and waits for it; returns the workflow's name. */
async function submitAndWait(yaml: string): Promise<string> {
  const file = path.join(manifests, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = await cli.run(['submit', file, '--wait', '-o', 'name'], { timeoutMs: 60_000 });
  const name = r.stdout.trim().split('\n')[0];
  expect(name, r.stderr).toMatch(/\S/);
  return name;
}

async function message(name: string): Promise<string> {
  const r = await cli.run(['get', name, '-o', 'json']);
  return (JSON.parse(r.stdout) as { status: { message?: string } }).status.message ?? '';
}

describe('a container whose program cannot start', () => {
  const podWith = (extra: string): string => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: cannot-start-}
spec:
  entrypoint: main
  templates:
  - name: main
${extra}
    container: {image: busybox, command: [sh, -c, 'exit 0']}
`;

  it('fails its node with the reason when a sidecar program does not exist', async () => {
    const name = await submitAndWait(
      podWith('    sidecars: [{name: side, image: busybox, command: [/no/such/binary]}]'),
    );
    expect(await message(name)).toBe(
      'side: Error (exit code 64): fork/exec /no/such/binary: no such file or directory',
    );
  });

  it('fails its node with the reason when an init container program is not executable', async () => {
    // A host file every container sees (its /tmp is its own, so no file of a temporary folder).
    const notExecutable = '/etc/passwd';
    const name = await submitAndWait(
      podWith(
        `    initContainers: [{name: prep, image: busybox, command: [${JSON.stringify(notExecutable)}]}]`,
      ),
    );
    expect(await message(name)).toBe(
      `prep: Error (exit code 64): fork/exec ${notExecutable}: permission denied`,
    );
  });
});

const WITH_OUTPUTS = (gc = ''): string => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: outputs-}
spec:
  entrypoint: main
${gc}
  templates:
  - name: main
    inputs:
      artifacts: [{name: in, path: /tmp/in.txt, raw: {data: hello}}]
    container: {image: busybox, command: [sh, -c, 'cat /tmp/in.txt > /tmp/p; echo a > /tmp/a']}
    outputs:
      parameters: [{name: p, valueFrom: {path: /tmp/p}}]
      artifacts: [{name: a, path: /tmp/a}]
`;

describe('argo logs -c init / -c wait', () => {
  let name: string;
  beforeAll(async () => {
    name = await submitAndWait(WITH_OUTPUTS());
  });

  it('-c init prints the executor placing the input artifacts', async () => {
    const r = await cli.run(['logs', name, '-c', 'init']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${name}: time=`);
    expect(r.stdout).toMatch(/msg="Starting Workflow Executor".* templateName=main/);
    expect(r.stdout).toMatch(/msg="Successfully download file".* name=in path=\/tmp\/in.txt/);
  });

  it('-c wait prints the executor saving the parameters and artifacts', async () => {
    const r = await cli.run(['logs', name, '-c', 'wait']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/msg="Main container completed"/);
    expect(r.stdout).toMatch(/msg="saved parameter".* name=p path=\/tmp\/p value=hello/);
    expect(r.stdout).toMatch(new RegExp(`msg="saved artifact".* name=a key=${name}/${name}/a.tgz`));
  });
});

describe('argo delete', () => {
  const logFolder = (name: string): string => path.join(cli.home, 'logs', 'default', name);
  const artifactFolder = (name: string): string => path.join(cli.home, 'artifacts', name);

  it("removes the workflow's log folders and stored artifacts, and no other workflow's", async () => {
    const gone = await submitAndWait(WITH_OUTPUTS());
    const kept = await submitAndWait(WITH_OUTPUTS());
    for (const name of [gone, kept]) {
      expect(existsSync(logFolder(name))).toBe(true);
      expect(existsSync(artifactFolder(name))).toBe(true);
    }
    const r = await cli.run(['delete', gone]);
    expect(r.stdout).toBe(`Workflow '${gone}' deleted\n`);
    expect(existsSync(logFolder(gone))).toBe(false);
    expect(existsSync(artifactFolder(gone))).toBe(false);
    expect(existsSync(logFolder(kept))).toBe(true);
    expect(existsSync(path.join(artifactFolder(kept), kept, 'a.tgz'))).toBe(true);
  });

  it('keeps the artifacts whose artifactGC strategy is Never', async () => {
    const name = await submitAndWait(WITH_OUTPUTS('  artifactGC: {strategy: Never}'));
    await cli.run(['delete', name]);
    expect(existsSync(logFolder(name))).toBe(false);
    expect(existsSync(path.join(artifactFolder(name), name, 'a.tgz'))).toBe(true);
  });
});
