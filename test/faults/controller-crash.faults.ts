// Fault injection: kill -9 of the local controller (the detached `argo workflow-controller`, or
// `argo submit --wait` running it in-process) at random points of a 30-step workflow, sequential
// and as a DAG of parallel chains. Each step appends a line to a host file, so a step started twice
// shows as a duplicate line. After each kill the test runs one ordinary command (`argo list`),
// which must start a controller; the workflow is then watched in the store only, with no `argo
// wait`, so it finishes only if that command resumed it. Kill points: right after a step's line
// appears (its container still runs: the step has started and not ended), or a random moment up
// to 300 ms later (between steps, mid-controller pass). The seed is printed; ARGO_FAULT_SEED
// replays one. Run time: about 3 to 5 minutes on a busy 2-core machine (`npm run test:faults`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { readLease } from '../../src/store/lease.js';
import { openStore } from '../../src/store/index.js';
import type { ResourceStore } from '../../src/store/types.js';
import { processRunning as running } from '../helpers/process-state.js';
import { fileLines, until } from '../helpers/until.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/argo.js');
const STEPS = 30;
const KILLS_PER_SUITE = 20;
const KILLS_PER_RUN = 5;
const NS = 'default';

const seed = Number(process.env.ARGO_FAULT_SEED ?? Date.now() % 1_000_000);
let state = seed;
/** A small seeded generator (mulberry32), so a failing sequence of kill points can be replayed. */
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

let dir: string;
let home: string;
let env: NodeJS.ProcessEnv;
let store: ResourceStore;
const figures: string[] = [];
/** Processes this test killed. */
const killed = new Set<number>();

beforeAll(() => {
  // Not under /tmp: containers get a private /tmp, and the step file must be the host's.
  dir = mkdtempSync('/var/tmp/argo-faults-');
  home = path.join(dir, 'home');
  env = {
    ...process.env,
    ARGO_HOME: home,
    ARGO_LOCAL: 'true',
    NO_COLOR: '1',
    ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2',
  };
  for (const k of ['ARGO_SERVER', 'ARGO_TOKEN', 'ARGO_NAMESPACE', 'KUBECONFIG']) delete env[k];
  console.log(`controller-crash faults: seed ${seed} (ARGO_FAULT_SEED=${seed} replays it)`);
});

afterAll(async () => {
  // Whatever controller is left goes too (it would exit on its own once idle).
  if (store) {
    const pid = await holderPid().catch(() => undefined);
    if (pid) killQuietly(pid);
    await store.close();
  }
  for (const f of figures) console.log(f);
  // ARGO_FAULT_KEEP=1 keeps the home (controller.log, the store, the journals) to look into.
  if (process.env.ARGO_FAULT_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

function argo(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`argo ${args.join(' ')} did not finish within ${timeoutMs} ms\n${out}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function killQuietly(pid: number): void {
  try {
    killed.add(pid);
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** The pid of the process holding the controller lease (holder: host-pid-random), if it runs. */
async function holderPid(): Promise<number | undefined> {
  const holder = (await readLease(store, 'workflow-controller'))?.spec?.holderIdentity;
  const pid = Number(holder?.split('-').at(-2));
  return pid > 0 && running(pid) ? pid : undefined;
}

async function phase(name: string): Promise<string | undefined> {
  return (await store.get<Workflow>('Workflow', NS, name))?.status?.phase;
}

function sequential(name: string, file: string): string {
  const steps = Array.from(
    { length: STEPS },
    (_, i) =>
      `    - - {name: s${i + 1}, template: step, arguments: {parameters: [{name: num, value: '${i + 1}'}]}}`,
  );
  return workflowYaml(name, file, ['  - name: main', '    steps:', ...steps]);
}

/** Ten chains of three: ten tasks run side by side at each level. */
function dag(name: string, file: string): string {
  const tasks = Array.from({ length: STEPS }, (_, i) => {
    const dep = i >= 10 ? `, dependencies: [t${i - 9}]` : '';
    return `      - {name: t${i + 1}, template: step${dep}, arguments: {parameters: [{name: num, value: '${i + 1}'}]}}`;
  });
  return workflowYaml(name, file, ['  - name: main', '    dag:', '      tasks:', ...tasks]);
}

function workflowYaml(name: string, file: string, main: string[]): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Workflow',
    `metadata: {name: ${name}}`,
    'spec:',
    '  entrypoint: main',
    // The steps' shared file is on the host through a volume: the rest of a container's files are its own.
    `  volumes: [{name: marks, hostPath: {path: ${path.dirname(file)}}}]`,
    '  templates:',
    ...main,
    '  - name: step',
    '    inputs: {parameters: [{name: num}]}',
    // The line first, then a while of running: a kill right after the line lands mid-step.
    `    container: {image: busybox, command: [sh, -c, 'echo step-{{inputs.parameters.num}} >> ${file}; sleep 0.3'], volumeMounts: [{name: marks, mountPath: ${path.dirname(file)}}]}`,
    '',
  ].join('\n');
}

interface RunFigures {
  kills: number;
  duplicates: number;
}

/**
 * One workflow under fire: submitted (detached, or `--wait` whose process is the first killed),
 * killed up to KILLS_PER_RUN times, one `argo list` after each kill, then watched in the store.
 */
async function crashRun(name: string, shape: 'steps' | 'dag', viaWait: boolean): Promise<RunFigures> {
  const file = path.join(dir, `${name}.lines`);
  const yaml = path.join(dir, `${name}.yaml`);
  writeFileSync(yaml, shape === 'steps' ? sequential(name, file) : dag(name, file));
  let waiter: ChildProcess | undefined;
  if (viaWait) {
    waiter = spawn(process.execPath, [BIN, 'submit', '--wait', yaml], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    waiter.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    // A submit that fails on its own is a broken test, not a crash: said at once.
    waiter.on(
      'exit',
      (code) => code && !killed.has(waiter!.pid!) && console.error(`submit --wait: ${code} ${err}`),
    );
  } else {
    const submitted = await argo(['submit', yaml]);
    expect(submitted.code, submitted.out).toBe(0);
  }
  let kills = 0;
  while (kills < KILLS_PER_RUN) {
    const seen = fileLines(file).length;
    const target = Math.min(STEPS, seen + between(1, shape === 'steps' ? 5 : 8));
    const reached = await until(`step line ${target} of ${name}`, 60_000, async () =>
      fileLines(file).length >= target ? true : (await phase(name)) === 'Succeeded' ? false : undefined,
    );
    if (!reached || target >= STEPS) break;
    if (random() < 0.5) await new Promise((r) => setTimeout(r, between(0, 300)));
    const pid =
      waiter && kills === 0 ? waiter.pid! : await until(`a controller for ${name}`, 30_000, holderPid);
    if ((await phase(name)) === 'Succeeded') break;
    killed.add(pid);
    process.kill(pid, 'SIGKILL');
    await until(`process ${pid} to die`, 10_000, () => (running(pid) ? undefined : true));
    kills++;
    // The next command, whatever it is, must put an engine back to work.
    const next = await argo(['list']);
    expect(next.code, next.out).toBe(0);
  }
  // No `argo wait`: only a controller started by a command above can finish it.
  const final = await until(`${name} to finish`, 120_000, async () => {
    const p = await phase(name);
    return p === 'Succeeded' || p === 'Failed' || p === 'Error' ? p : undefined;
  });
  waiter?.kill('SIGKILL');
  const lines = fileLines(file);
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
  expect(final, `${name} (seed ${seed})`).toBe('Succeeded');
  expect(
    [...counts.entries()].filter(([, c]) => c !== 1),
    `steps of ${name} not run exactly once (seed ${seed})`,
  ).toEqual([]);
  expect(counts.size).toBe(STEPS);
  return { kills, duplicates };
}

async function suite(shape: 'steps' | 'dag'): Promise<void> {
  store ??= openStore({ path: path.join(home, 'argo.db') });
  let kills = 0;
  let duplicates = 0;
  let runs = 0;
  for (let run = 1; kills < KILLS_PER_SUITE && run <= 10; run++) {
    // Every fourth run starts with `argo submit --wait` holding the engine.
    const r = await crashRun(`${shape}-${run}`, shape, run % 4 === 1);
    kills += r.kills;
    duplicates += r.duplicates;
    runs = run;
  }
  figures.push(
    `${shape}: ${runs} workflows, ${kills} kill -9 of the controller, ${duplicates} steps run twice`,
  );
  expect(kills).toBeGreaterThanOrEqual(KILLS_PER_SUITE);
  expect(duplicates).toBe(0);
  // Nothing of those workflows runs on: every pod's journal is gone once its pod is done.
  const journals = path.join(home, 'host', 'runs', NS);
  await until('the host runtime to finish with every pod', 30_000, () =>
    !existsSync(journals) || readdirSync(journals).length === 0 ? true : undefined,
  );
}

describe.runIf(process.platform === 'linux')('kill -9 of the controller mid-workflow', () => {
  it(
    '30 sequential steps: each runs exactly once, and the next command resumes the work',
    () => suite('steps'),
    600_000,
  );
  it(
    'a DAG of parallel chains: each task runs exactly once, and the next command resumes the work',
    () => suite('dag'),
    600_000,
  );
});
