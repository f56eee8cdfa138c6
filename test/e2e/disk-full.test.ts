// $ARGO_HOME on a 2 MB disk and a step that writes more log than fits: the node fails naming its
// log and "no space left on device", its pod folder is gone, the engine lives on and runs the next
// workflow. Kept full from outside, the store's refusals are told in one line naming argo.db and the
// workflow ends once space returns. Needs a tmpfs mount (root); skipped, saying why, where mounting is
// not permitted.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_EXIT_ENV } from '../../src/client/local/controller-process.js';
import { fileLines, until } from '../helpers/until.js';
import { cliWithHome, fixture, repoRoot, twoStepsOnHost, type Cli } from './cli.js';
import { stopProcessesOfHome } from './home-processes.js';

function mountTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Unmounts once the background controller (idle-exiting after a second) has let go; detached if it never does. */
async function unmount(dir: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      return;
    } catch {
      if (Date.now() > deadline) {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The background controller the CLI starts exits a second after its work, so the disk can be unmounted. */
const ENV = { [IDLE_EXIT_ENV]: '1' };

let cli: Cli;
let skipReason: string | undefined;

beforeAll(() => {
  cli = cliWithHome();
  skipReason = process.platform === 'linux' ? mountTmpfs(cli.home) : 'tmpfs needs Linux';
  if (skipReason) console.warn(`disk-full tests skipped: ${skipReason}`);
});

afterAll(async () => {
  try {
    if (!skipReason) await unmount(cli.home);
  } finally {
    await cli.dispose();
  }
}, 30_000);

interface WorkflowJson {
  status: { phase: string; nodes: Record<string, { type: string; phase: string; message?: string }> };
}

/** Submits and waits for a workflow that fails: its name and its pod's node. */
async function submitFailing(
  file: string,
): Promise<{ name: string; pod: { phase: string; message?: string } }> {
  const run = await cli.run(['submit', '--wait', '-o', 'name', fixture(file)], {
    env: ENV,
    timeoutMs: 60_000,
  });
  expect(run.code).not.toBe(0);
  const name = run.stdout.trim().split('\n')[0];
  const got = await cli.run(['get', name, '-o', 'json'], { env: ENV });
  const wf = JSON.parse(got.stdout) as WorkflowJson;
  expect(wf.status.phase).toBe('Failed');
  return { name, pod: Object.values(wf.status.nodes).find((n) => n.type === 'Pod')! };
}

const mainLog = (name: string): string => path.join(cli.home, 'logs', 'default', name, 'main.log');

async function nextWorkflowSucceeds(): Promise<void> {
  const next = await cli.run(['submit', '--wait', fixture('succeed.yaml')], { env: ENV, timeoutMs: 60_000 });
  expect(next.stderr).toBe('');
  expect(next.stdout).toMatch(/Succeeded/);
}

/**
 * The step of `file` fills the disk: its node fails naming its log and the cause, its folder is
 * gone, and the engine, alive, runs the next workflow to the end in the space that freed.
 */
async function failsNamingTheLog(file: string): Promise<void> {
  const { name, pod } = await submitFailing(file);
  expect(pod.phase).toBe('Failed');
  expect(pod.message).toContain(`writing ${mainLog(name)}: no space left on device`);
  expect(readdirSync(path.join(cli.home, 'pods', 'default'))).toEqual([]);
  await nextWorkflowSucceeds();
}

describe('a full disk', () => {
  it('filled by the log of a step fails its node, and the engine goes on', async (ctx) => {
    if (skipReason) ctx.skip();
    await failsNamingTheLog('fill-disk.yaml');
  }, 150_000);

  it('filled by a file of a step fails its node (its stderr has nowhere to go), and the engine goes on', async (ctx) => {
    if (skipReason) ctx.skip();
    await failsNamingTheLog('fill-disk-file.yaml');
  }, 150_000);
});

/** Fills the disk under `dir` with one file, to the last block; returns its path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return filler;
}

interface GatedRun {
  /** Each step adds its number here when it starts, then waits for `gate` to exist. */
  runs: string;
  gate: string;
  waiter: ChildProcess;
  /** What the waiter printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
  /** Fills the disk once step one runs. */
  fillWhenStepOneRuns(): Promise<void>;
  /** Gives the space back. */
  free(): void;
  /** Frees the disk, kills the waiter if it still runs, removes the steps' folder. */
  dispose(): void;
}

/** `argo submit --wait` of two gated steps (workflow `name`), with the engine in its process. */
async function submitGated(name: string): Promise<GatedRun> {
  // The host folder the steps share through a hostPath volume, off the full disk.
  const marks = mkdtempSync(`/var/tmp/argo-disk-${name}-`);
  const runs = path.join(marks, 'runs');
  const gate = path.join(marks, 'gate');
  const wf = path.join(marks, 'wf.yaml');
  const script = `echo {{inputs.parameters.num}} >> ${runs}; while [ ! -e ${gate} ]; do sleep 0.1; done`;
  writeFileSync(wf, twoStepsOnHost(name, marks, script));
  // The tests before left controllers for the home (a command hands unfinished work to one, and
  // each stays up a second): one of them would run the workflow and the waiter's engine would
  // only wait in the wings, so what the engine says would go to controller.log. None runs now.
  await stopProcessesOfHome(cli.home);
  const waiter = spawn(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'submit', '--wait', wf], {
    env: { ...process.env, ARGO_HOME: cli.home, ARGO_LOCAL: 'true', NO_COLOR: '1', ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  waiter.stdout.on('data', (d: Buffer) => (output += d.toString()));
  waiter.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => waiter.once('exit', resolve));
  let filler: string | undefined;
  const free = (): void => {
    if (filler) rmSync(filler, { force: true });
    filler = undefined;
  };
  return {
    runs,
    gate,
    waiter,
    output: () => output,
    exited,
    fillWhenStepOneRuns: async () => {
      await until('step one to start', 30_000, () => (fileLines(runs).length >= 1 ? true : undefined));
      filler = fillDisk(cli.home);
    },
    free,
    dispose: () => {
      free();
      if (waiter.exitCode === null) waiter.kill('SIGKILL');
      rmSync(marks, { recursive: true, force: true });
    },
  };
}

describe('a disk kept full from outside', () => {
  it('keeps the engine alive, names argo.db, and the workflow ends once space returns', async (ctx) => {
    if (skipReason) ctx.skip();
    const { runs, gate, waiter, output, exited, fillWhenStepOneRuns, free, dispose } =
      await submitGated('kept-full');
    try {
      await fillWhenStepOneRuns();
      // Step one ends while nothing more fits; step two starts (or tries to) on the full disk.
      writeFileSync(gate, '');
      // The store refuses the step's status in one line naming its file; the engine waits, alive.
      const refused = `writing ${path.join(cli.home, 'argo.db')}: no space left on device`;
      await until('the engine to meet the full disk', 30_000, () =>
        output().includes(refused) || waiter.exitCode !== null ? true : undefined,
      );
      expect(output(), output()).toContain(refused);
      expect(output()).not.toMatch(/^\s+at /m);
      expect(waiter.exitCode).toBe(null);
      free();
      // Space is back. Either every refused write was the step's status, which waited and now goes
      // in, so step two runs and the workflow ends as it would have; or the step's outputs were
      // refused, and its node ended in error saying so (`wait: Error (exit code 64): saving the
      // outputs: writing …/argo.db: no space left on device`), and so the workflow, without step two.
      await exited;
      const got = await cli.run(['get', 'kept-full', '-o', 'json'], { env: ENV });
      const status = (JSON.parse(got.stdout) as WorkflowJson).status;
      if (status.phase === 'Succeeded') {
        expect(waiter.exitCode, output()).toBe(0);
        expect(fileLines(runs)).toEqual(['1', '2']);
      } else {
        expect(['Failed', 'Error'], output()).toContain(status.phase);
        const pod = Object.values(status.nodes).find((n) => n.type === 'Pod' && n.phase !== 'Succeeded');
        expect(pod?.message, JSON.stringify(status.nodes)).toContain(refused);
        expect(fileLines(runs)).toEqual(['1']);
      }
    } finally {
      dispose();
    }
  }, 150_000);
});

describe('a disk filled while a step runs', () => {
  it('has the waiting CLI say that its engine cannot write its lease, and the workflow ends once space returns', async (ctx) => {
    if (skipReason) ctx.skip();
    const { runs, gate, waiter, output, exited, fillWhenStepOneRuns, free, dispose } =
      await submitGated('lease-refused');
    try {
      await fillWhenStepOneRuns();
      // The lease's renewal (every 2 s) meets the full disk: the engine of the CLI says so on stderr.
      const refused = `controller lease: writing ${path.join(cli.home, 'argo.db')}: no space left on device`;
      await until('the engine to say it cannot write its lease', 30_000, () =>
        output().includes(refused) || waiter.exitCode !== null ? true : undefined,
      );
      expect(output(), output()).toContain(refused);
      expect(output()).not.toMatch(/^\s+at /m);
      expect(waiter.exitCode).toBe(null);
      free();
      writeFileSync(gate, '');
      // Its lease lapsed, the engine lets step one go and takes it back once it can write again, adopting
      // it: step one ran once, and step two followed.
      expect(await exited, output()).toBe(0);
      expect(fileLines(runs)).toEqual(['1', '2']);
    } finally {
      dispose();
    }
  }, 150_000);
});
