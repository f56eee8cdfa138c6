// One container as a host process: its own process group (so a kill takes every process it
// started), stdout and stderr into its log, stdout kept for the result when asked, and the exit
// reported the way a container's is (128+N for a process killed by signal N). When the main
// process exits, whatever it left running in its group is killed, as a container's are.
// Started through the runtime's launcher when it has one (Node does not fork then), else spawned.
// Under a shim (shim.ts) the container outlives this process: the shim writes its log and records
// its end, read here when it exits, or by a later runtime that adopts it (ContainerProcess.adopt).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { ProcessHandle, ProcessLauncher } from './launcher.js';
import type { LineLog } from './line-log.js';
import { rfc3339 } from '../../workflow/phase.js';
import { awaitShimExit, recordedExit, shimCommand, type ShimPlan } from './shim.js';

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  log: LineLog;
  /** Keep the last this many bytes of stdout (0: keep none). */
  captureStdout: number;
  launcher?: ProcessLauncher;
  /** Run under this shim, which writes the log and records the exit itself. */
  shim?: ShimPlan;
}

export interface ProcessExit {
  exitCode: number;
  /** Why it could not start, when it could not. */
  message?: string;
  /** The kubelet's reason, when not derived from the exit code. */
  reason?: string;
  stdout?: Buffer;
  /** When it ended (ms since the epoch), where known from its shim's record (an adopted container). */
  finishedMs?: number;
}

/** A container's finishedAt: when its shim recorded its end, else now (it was watched to the end). */
export function finishedAt(exit: ProcessExit): string {
  return rfc3339(exit.finishedMs === undefined ? new Date() : new Date(exit.finishedMs));
}

/** How long to wait for the pipes to close once the process has exited and its group was killed. */
const PIPE_GRACE_MS = 1000;

export class ContainerProcess {
  /** The process group (the process's pid); -1 until it has started. */
  pgid = -1;
  readonly exited: Promise<ProcessExit>;
  private done = false;
  /** A signal asked for before the process had started, sent once it has. */
  private pendingSignal: NodeJS.Signals | undefined;
  /** The launcher (or the shim) kills the rest of the group itself, before the leader's pid can be reused. */
  private groupKilledOnExit = false;
  /** Resolves `exited` at once when this process lets go of the container (see release()). */
  private letGo: (exit: ProcessExit) => void = () => undefined;
  private child: ProcessHandle | undefined;
  private stopWatching: () => void = () => undefined;

  constructor(spec: ProcessSpec | AdoptedSpec) {
    if ('adopt' in spec) {
      this.pgid = spec.adopt.pid;
      const watching = awaitShimExit(spec.adopt.dir, spec.captureStdout);
      this.stopWatching = watching.stop;
      this.exited = this.settled(watching.exited);
      return;
    }
    const launched = spec.launcher?.usable === true;
    this.groupKilledOnExit = launched || spec.shim !== undefined;
    const cmd = spec.shim ? shimCommand(spec.shim, spec.captureStdout, spec.file, spec.args) : spec;
    const child: ProcessHandle = launched
      ? spec.launcher!.launch({ file: cmd.file, args: cmd.args, env: spec.env, cwd: spec.cwd })
      : spawn(cmd.file, cmd.args, {
          cwd: spec.cwd,
          env: spec.env,
          // A new session and process group, whose id is the child's pid.
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    this.child = child;
    if (child.pid !== undefined) this.pgid = child.pid;
    child.once('spawn', () => {
      this.pgid = child.pid ?? -1;
      if (this.pendingSignal) this.signal(this.pendingSignal);
    });
    this.exited = this.settled(this.watch(child, spec));
  }

  /**
   * A container a runtime that died started under its shim: signalled through its group as any
   * other, its end read from what the shim records.
   */
  static adopt(dir: string, pid: number, captureStdout: number): ContainerProcess {
    return new ContainerProcess({ adopt: { dir, pid }, captureStdout });
  }

  /**
   * Lets go of a container that runs under its shim, leaving it running for a later runtime to
   * adopt: `exited` resolves at once (with nothing true to say), and nothing here keeps the
   * process alive for it any more.
   */
  release(): void {
    if (this.done) return;
    this.done = true;
    this.stopWatching();
    const child = this.child as ChildProcess | undefined;
    if (child && typeof child.unref === 'function') {
      child.unref();
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    this.letGo({ exitCode: 128 + constants.signals.SIGKILL, message: 'released to a later runtime' });
  }

  private settled(exit: Promise<ProcessExit>): Promise<ProcessExit> {
    return Promise.race([exit, new Promise<ProcessExit>((resolve) => (this.letGo = resolve))]).finally(
      () => (this.done = true),
    );
  }

  /** Signals the whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (this.done) return;
    if (this.pgid <= 0) {
      if (this.pendingSignal !== 'SIGKILL') this.pendingSignal = sig;
      return;
    }
    signalGroup(this.pgid, sig);
  }

  /** SIGTERM now, SIGKILL after the grace period if the container has not exited by then. */
  terminate(graceMs: number): Promise<ProcessExit> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    return this.exited.finally(() => clearTimeout(timer));
  }

  private watch(child: ProcessHandle, spec: ProcessSpec): Promise<ProcessExit> {
    // A shim makes the log as it starts; without one the log exists from the start all the same.
    if (!spec.shim) spec.log.create();
    const out = spec.log.stream();
    const err = spec.log.stream();
    // Output that cannot be logged stops the container (the shim does the same for its own log).
    spec.log.onFailure = () => this.signal('SIGKILL');
    const captured: Buffer[] = [];
    let capturedBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (spec.captureStdout > 0) {
        captured.push(chunk);
        capturedBytes += chunk.length;
        while (captured.length > 1 && capturedBytes - captured[0].length >= spec.captureStdout) {
          capturedBytes -= captured.shift()!.length;
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => err.write(chunk));
    return new Promise<ProcessExit>((resolve) => {
      let exit: ProcessExit | undefined;
      let closed = false;
      let finished = false;
      const finish = (): void => {
        if (finished || this.done || !exit) return;
        finished = true;
        out.end();
        err.end();
        if (spec.shim) {
          // The shim's record is the truth; its own exit stands in if it was killed before writing one.
          const fallback = exit;
          resolve(recordedExit(spec.shim.dir, spec.captureStdout, spec.file) ?? fallback);
          return;
        }
        if (spec.log.failure) exit = { ...exit, reason: 'Error', message: spec.log.failure };
        if (spec.captureStdout > 0) {
          const all = Buffer.concat(captured);
          exit.stdout = all.length > spec.captureStdout ? all.subarray(all.length - spec.captureStdout) : all;
        }
        resolve(exit);
      };
      child.on('error', (e: NodeJS.ErrnoException) => {
        // Only spawn failures land here (the wrapper or command could not be executed).
        exit ??= {
          exitCode: e.code === 'ENOENT' ? 127 : 126,
          message: `failed to start command: ${e.message}`,
        };
        finish();
      });
      child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        exit = { exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) };
        // PID 1 of a container going takes the rest of the container with it.
        if (this.pgid > 0 && !this.groupKilledOnExit) signalGroup(this.pgid, 'SIGKILL');
        if (closed) finish();
        // A daemonized grandchild (own session) may hold the pipes open: do not wait for it forever.
        else setTimeout(finish, PIPE_GRACE_MS).unref();
      });
      child.on('close', () => {
        closed = true;
        finish();
      });
    });
  }
}

interface AdoptedSpec {
  adopt: { dir: string; pid: number };
  captureStdout: number;
}

export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}
