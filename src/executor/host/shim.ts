// The runtime's side of argo-shim (see shim-source.ts): the command line that starts a container
// under its shim, and reading what a shim recorded: whether it started, whether it still runs,
// how its container ended. A container whose runtime died is watched here until its shim records
// the end, by the runtime that adopts it.
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessExit } from './container-process.js';
import { compileHelper } from './native-helper.js';
import { isZombie, startTicks } from '../proc-stat.js';
import { NS_HELPER_SOURCE } from './ns-helper.js';
import { SHIM_SOURCE } from './shim-source.js';
import { errnoName, writeFailure } from './write-failure.js';

const PID_FILE = 'pid';
const EXIT_FILE = 'exit';
const STDOUT_FILE = 'stdout';

/** How long a launch asked of a runtime that then died may take to show up as a started shim. */
const START_GRACE_MS = 2000;
/** How often an adopted shim is looked at besides the file system's notices (which may be missed). */
const POLL_MS = 500;

/** The shim's path under `dir`, compiled on first use; undefined where it cannot be built. */
export function compileShim(dir: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return Promise.resolve(undefined);
  // argo-ns comes along (its main renamed), so a container's process does its work without an exec.
  const source = `#define main argo_ns_main\n${NS_HELPER_SOURCE}\n#undef main\n${SHIM_SOURCE}`;
  return compileHelper(dir, 'argo-shim', source);
}

export interface ShimPlan {
  /** The compiled shim. */
  file: string;
  /** Its state folder: one per container start, made before the start. */
  dir: string;
  /** The container's log, which the shim appends to. */
  logFile: string;
  /** The runtime's argo-ns (isolation.ts): a command that runs it gets its work done by the shim's own copy. */
  namespaceHelper?: string;
}

/** The command that runs `file args` under the shim. */
export function shimCommand(
  plan: ShimPlan,
  captureStdout: number,
  file: string,
  args: string[],
): { file: string; args: string[] } {
  const rest = [plan.dir, plan.logFile, String(captureStdout)];
  if (file === plan.namespaceHelper) return { file: plan.file, args: ['-n', ...rest, 'argo-ns', ...args] };
  return { file: plan.file, args: [...rest, file, ...args] };
}

/** The exit code a wait status stands for, as a container's (128+N when killed by signal N). */
function waitStatusExit(status: number): ProcessExit {
  const sig = status & 0x7f;
  return { exitCode: sig === 0 ? (status >> 8) & 0xff : 128 + sig };
}

/**
 * How the container under a shim ended, once its shim recorded it; undefined before. Read
 * synchronously: two small files, read when a container ends, on the way to the next one.
 */
export function recordedExit(
  dir: string,
  captureStdout: number,
  command = 'command',
): ProcessExit | undefined {
  const text = readOrUndefined(path.join(dir, EXIT_FILE))?.toString('utf8');
  const m = /^(status|error|logerror) (\d+)(?: (\d+) (.*))?/.exec(text ?? '');
  if (!m) return undefined;
  const value = Number(m[2]);
  if (m[1] === 'logerror') {
    // The log could not be written, so the shim killed the container: that is why it failed.
    return {
      ...waitStatusExit(Number(m[3])),
      reason: 'Error',
      message: writeFailure(m[4], errnoName(value)),
    };
  }
  if (m[1] === 'error') {
    const code = errnoName(value);
    return {
      exitCode: code === 'ENOENT' ? 127 : 126,
      message: `failed to start command: spawn ${command} ${code}`,
    };
  }
  const exit = waitStatusExit(value);
  if (captureStdout > 0) exit.stdout = readOrUndefined(path.join(dir, STDOUT_FILE)) ?? Buffer.alloc(0);
  return exit;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

export interface ShimStart {
  /** The shim's pid, also the container's process group. */
  pid: number;
  /** Its start in clock ticks since boot, which tells it from a later process with its pid. */
  ticks: string;
  /** When it started (ms since the epoch). */
  startedMs: number;
}

/**
 * Whether a container was started under `dir`: its shim's pid and start, or undefined if it
 * never started (a launch asked for just before its runtime died gets a short while to show up).
 */
export async function shimStarted(dir: string): Promise<ShimStart | undefined> {
  const until = Date.now() + START_GRACE_MS;
  for (;;) {
    const found = await readStart(dir);
    if (found) return found;
    // No state folder at all: nothing was ever asked to start.
    if (!(await stat(dir).catch(() => undefined)) || Date.now() >= until) return undefined;
    await sleep(50);
  }
}

async function readStart(dir: string): Promise<ShimStart | undefined> {
  const file = path.join(dir, PID_FILE);
  const [text, st] = await Promise.all([
    readFile(file, 'utf8').catch(() => ''),
    stat(file).catch(() => undefined),
  ]);
  const [pid, ticks] = text.trim().split(' ');
  if (!st || !Number(pid)) return undefined;
  return { pid: Number(pid), ticks, startedMs: st.mtimeMs };
}

/** Whether the shim that wrote `dir`'s pid file still runs (not a later process with its pid). */
async function shimAlive(dir: string): Promise<boolean> {
  const start = await readStart(dir);
  return start !== undefined && startTicks(start.pid) === start.ticks && !isZombie(start.pid);
}

/**
 * Resolves with the container's end once its shim has recorded it, with the time of the record;
 * a shim that is gone without a record was killed (SIGKILL, by a stop or the kernel): 137.
 * `stop()` gives up watching.
 */
export function awaitShimExit(
  dir: string,
  captureStdout: number,
): { exited: Promise<ProcessExit>; stop(): void } {
  let watcher: FSWatcher | undefined;
  let settle!: (exit: ProcessExit) => void;
  let checking = false;
  const exited = new Promise<ProcessExit>((resolve) => (settle = resolve));
  const stop = (): void => {
    watcher?.close();
    clearInterval(timer);
  };
  const timer = setInterval(() => void check(), POLL_MS);
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const exit = recordedExit(dir, captureStdout);
      if (exit) return finish(exit);
      // Gone without a word: read the record once more, it may have come just before.
      if (!(await shimAlive(dir)))
        finish(recordedExit(dir, captureStdout) ?? { exitCode: 128 + constants.signals.SIGKILL });
    } finally {
      checking = false;
    }
  };
  const finish = (exit: ProcessExit): void => {
    stop();
    // It may have ended long before it was looked at (no runtime ran then): when is the record's.
    const recordedMs = statSync(path.join(dir, EXIT_FILE), { throwIfNoEntry: false })?.mtimeMs;
    settle(recordedMs === undefined ? exit : { ...exit, finishedMs: recordedMs });
  };
  try {
    watcher = watch(dir, () => void check());
    watcher.on('error', () => undefined);
  } catch {
    // No notices here: the poll alone finds the end.
  }
  void check();
  return { exited, stop };
}

/** Whether a shim recorded in `dir` still runs; its pid if so. */
export async function liveShimPid(dir: string): Promise<number | undefined> {
  const start = await readStart(dir);
  return start && (await shimAlive(dir)) ? start.pid : undefined;
}
