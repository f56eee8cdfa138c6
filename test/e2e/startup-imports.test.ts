// DESIGN.md: `argo version` and `argo --help` must not import the Kubernetes client, fastify,
// SQLite or the PostgreSQL/MySQL drivers, which would make every start-up pay for them; the reads
// (`argo list`, `get`, `logs`) must not import the engine (the controller and the host runtime),
// nor the YAML parsers unless they read YAML. A preloaded module logs what the CLI loads: the files of
// its bundle (scripts/bundle.mjs), each standing for the source files bundled in it, and the
// packages kept out of the bundle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot } from './cli.js';

const HEAVY = ['@kubernetes/client-node', 'fastify', 'better-sqlite3', 'pg', 'mysql2'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'argo-imports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  status: number | null;
  stdout: string;
  /** The heavy packages of HEAVY it loaded. */
  heavy: string[];
  /** The packages of YAML it loaded. */
  yaml: string[];
  /** Our own modules it loaded, as paths under src/ and dist/ (`controller/operator.js`). */
  ours: string[];
  /** How many modules of @kubernetes/client-node it loaded. */
  kubeClientModules: number;
}

const YAML = ['yaml', 'js-yaml'];

const root = `${pathToFileURL(repoRoot).href}/`;
const bundle = `${root}dist/bundle/`;
/** The source files in each file of the bundle, as the bundle build recorded them. */
let bundleInputs: Record<string, string[]> | undefined;

/** The files bundled in a file of the bundle, as URLs of the files they came from. */
function bundledIn(file: string): string[] {
  bundleInputs ??= JSON.parse(readFileSync(path.join(repoRoot, 'dist/bundle/inputs.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const inputs = bundleInputs[file.replace(/[?#].*$/, '')];
  if (!inputs) throw new Error(`dist/bundle/${file} is not in dist/bundle/inputs.json: rebuild`);
  return inputs.map((input) => `${root}${input}`);
}

function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): Loaded {
  const log = path.join(dir, `imports-${Math.random().toString(36).slice(2)}.log`);
  const r = spawnSync(
    process.execPath,
    ['--import', fixture('import-log/register.mjs'), path.join(repoRoot, 'bin/argo.js'), ...args],
    {
      env: { ...process.env, IMPORT_LOG: log, KUBECONFIG: '/dev/null', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // The hook works, and the CLI runs from its bundle: its entry point is in the log.
  expect(loaded.some((u) => u.startsWith(`${bundle}main.cjs`))).toBe(true);
  const urls = loaded.flatMap((u) => (u.startsWith(bundle) ? bundledIn(u.slice(bundle.length)) : [u]));
  const packages = (names: string[]) =>
    names.filter((h) => urls.some((u) => u.includes(`/node_modules/${h}/`)));
  // A module of ours as the engine's rule names it, whether loaded bundled (src/x.ts) or not (dist/x.js).
  const ours = [
    ...new Set(
      urls.flatMap((u) => {
        const m = /^(?:src|dist)\/(.+)\.[jt]s$/.exec(u.startsWith(root) ? u.slice(root.length) : '');
        return m ? [`${m[1]}.js`] : [];
      }),
    ),
  ];
  const kubeClientModules = new Set(urls.filter((u) => u.includes('/node_modules/@kubernetes/client-node/')))
    .size;
  return {
    status: r.status,
    stdout: r.stdout,
    heavy: packages(HEAVY),
    yaml: packages(YAML),
    ours,
    kubeClientModules,
  };
}

/** The Node modules a process running `node <args>` loaded (process.moduleLoadList). */
function builtinsLoadedBy(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; loaded: string[] } {
  const log = path.join(dir, `builtins-${Math.random().toString(36).slice(2)}.log`);
  const r = spawnSync(process.execPath, ['-r', fixture('import-log/builtins.cjs'), ...args], {
    env: { ...process.env, KUBECONFIG: '/dev/null', ...env, BUILTIN_LOG: log },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Modules of the engine: the workflow controller and the executor (host runtime, argoexec). */
// Every local command reads where the host runtime keeps its files (paths.js) and whether the
// process holding the controller lease still lives (proc-stat.js): two leaf modules, not the engine.
const LOCAL_BACKEND_LEAVES = new Set(['executor/paths.js', 'executor/proc-stat.js']);
const engineModules = (ours: string[]) =>
  ours.filter((m) => /^(controller|executor)\//.test(m) && !LOCAL_BACKEND_LEAVES.has(m));

describe('start-up imports', () => {
  it.each([[['version']], [['--help']], [['argoexec', '--help']]])(
    'argo %j loads no heavy module',
    (args) => {
      const r = loadedBy(args);
      expect(r.status).toBe(0);
      expect(r.heavy).toEqual([]);
    },
  );

  it('does see the Kubernetes client when a command talks to Kubernetes', () => {
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]',
        'users: [{name: u, user: {}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const r = loadedBy(['list'], { KUBECONFIG: kubeconfig, ARGO_LOCAL: '', ARGO_SERVER: '' });
    expect(r.status).toBe(1);
    expect(r.heavy).toEqual(['@kubernetes/client-node']);
    // Its configuration, watch and request modules: not the generated client and model of every
    // Kubernetes API (some 800 modules), which took `argo list` a second to load.
    expect(r.kubeClientModules).toBeGreaterThan(0);
    expect(r.kubeClientModules).toBeLessThan(50);
  });
});

describe('reads on the local backend load neither the engine nor a YAML parser', () => {
  let env: NodeJS.ProcessEnv;
  let submit: Loaded;

  beforeAll(() => {
    env = { ARGO_HOME: path.join(dir, 'home'), ARGO_LOCAL: 'true', ARGO_SERVER: '', NO_COLOR: '1' };
    // Something to read: a finished workflow with a pod and its log. Its submit runs the engine
    // in this process, which also shows the hook sees the engine when it is loaded.
    submit = loadedBy(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name'], env);
  });

  it('sees the engine and the YAML parser when a command runs a workflow from a YAML file', () => {
    expect(submit.status).toBe(0);
    expect(submit.stdout).toMatch(/^e2e-succeed-/);
    expect(engineModules(submit.ours)).toContain('controller/operator.js');
    expect(engineModules(submit.ours)).toContain('executor/host/runtime.js');
    expect(submit.yaml).toContain('yaml');
  });

  it.each([
    [['list']],
    [['list', '-o', 'wide']],
    [['list', '-o', 'yaml']],
    [['get', '@latest']],
    [['get', '@latest', '-o', 'json']],
    [['get', '@latest', '-o', 'yaml']],
  ])('argo %j shows the workflow and loads nothing of the engine', (args) => {
    const r = loadedBy(args, env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(submit.stdout.trim());
    expect(engineModules(r.ours)).toEqual([]);
    // Our YAML output is written by our own emitter; the parsers are for reading YAML.
    expect(r.yaml).toEqual([]);
  });

  // An ESM import of node:process makes Node read all of process (process.report's getter loads
  // the report module), one of node:fs its `promises` (fs/promises, which loads readline): reads
  // take their Node modules without that, and fs/promises only when they delete.
  // zlib too: it is for workflows whose nodes the store keeps compressed (a large one), and it
  // brings Node's streams; the bundle loads it on first use (scripts/bundle.mjs, LAZY_BUILTINS).
  // Nor Node's streams, network and tty modules (some 30) for the output: a read writes to its
  // stdout, here a pipe, directly (src/cli/stdout.ts), and asks node:tty only of a character device.
  it.each([[['list']], [['get', '@latest']]])('argo %j loads no Node module it does not use', (args) => {
    const unused = (m: string) =>
      m === 'internal/process/report' ||
      m === 'fs/promises' ||
      m.startsWith('internal/readline/') ||
      m === 'zlib' ||
      m === 'stream' ||
      m === 'net' ||
      m === 'tty';
    // What Node itself loads to run an ES module (Node 20's loader reads files with fs/promises).
    const bare = new Set(builtinsLoadedBy([fixture('import-log/nothing.mjs')]).loaded);
    const r = builtinsLoadedBy([path.join(repoRoot, 'bin/argo.js'), ...args], env);
    expect(r.status).toBe(0);
    // The log works: it has what bin/argo.js itself takes.
    expect(r.loaded).toContain('vm');
    expect(r.loaded.filter((m) => unused(m) && !bare.has(m))).toEqual([]);
  });

  // bin/argo.js is CommonJS (bin/package.json): started as an ES module, Node 20 set up its ES
  // module loader for it (and with it fs/promises and readline), some 10 ms of every command.
  it.each([[['version']], [['list']], [['get', '@latest']]])(
    'argo %j starts as CommonJS, without the ES module loader',
    (args) => {
      const esm = (loaded: string[]) => loaded.filter((m) => m.startsWith('internal/modules/esm/'));
      const bare = new Set(esm(builtinsLoadedBy([fixture('import-log/nothing.cjs')]).loaded));
      const r = builtinsLoadedBy([path.join(repoRoot, 'bin/argo.js'), ...args], env);
      expect(r.status).toBe(0);
      expect(esm(r.loaded).filter((m) => !bare.has(m))).toEqual([]);
    },
  );

  // Waiting on or watching a workflow that is done has nothing for the engine to do.
  it.each([['wait'], ['watch']])(
    'argo %s of a finished workflow shows it and loads nothing of the engine',
    (cmd) => {
      const name = submit.stdout.trim();
      const r = loadedBy([cmd, name], env);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(name);
      expect(r.stdout).toContain('Succeeded');
      expect(engineModules(r.ours)).toEqual([]);
      expect(r.yaml).toEqual([]);
    },
  );

  // The bundle is built once, on one Node, and run on others: on Node 24 reading fs.F_OK warns
  // (DEP0176), so a bundle that read every name of node:fs printed that on each command.
  it.each([[['version']], [['list']], [['get', '@latest']]])(
    'argo %j prints no warning where Node deprecates names of node:fs it does not use',
    (args) => {
      const r = spawnSync(
        process.execPath,
        [
          '-r',
          fixture('newer-node/deprecated-fs-constants.cjs'),
          path.join(repoRoot, 'bin/argo.js'),
          ...args,
        ],
        { env: { ...process.env, KUBECONFIG: '/dev/null', ...env }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
    },
  );

  it('argo logs reads the log with the log reader alone', () => {
    const r = loadedBy(['logs', '@latest'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('said default-word');
    // The host runtime writes pod logs in a format the executor's log reader defines; that reader
    // (and the module reading its timestamps) is all `logs` takes from there.
    expect(engineModules(r.ours).sort()).toEqual(['executor/log-time.js', 'executor/logs.js']);
    expect(r.yaml).toEqual([]);
  });
});
