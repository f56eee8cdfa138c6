// One container as a host process: its own process group (so a kill takes every process it
// started), stdout and stderr into its log, stdout kept for the result when asked, and the exit
// reported the way a container's is (128+N for a process killed by signal N). When the main
// process exits, whatever it left running in its group is killed, as a container's are.
// Started through the runtime's launcher when it has one (Node does not fork then), else spawned.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ProcessHandle, ProcessLauncher } from './launcher.js';
import type { LineLog } from './line-log.js';

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  log: LineLog;
  /** Keep the last this many bytes of stdout (0: keep none). */
  captureStdout: number;
  launcher?: ProcessLauncher;
}

export interface ProcessExit {
  exitCode: number;
  /** Why it could not start, when it could not. */
  message?: string;
  /** The kubelet's reason, when not derived from the exit code. */
  reason?: string;
  stdout?: Buffer;
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
  /** The launcher kills the rest of the group itself, before the leader's pid can be reused. */
  private readonly groupKilledOnExit: boolean;

  constructor(spec: ProcessSpec) {
    const launched = spec.launcher?.usable === true;
    this.groupKilledOnExit = launched;
    const child: ProcessHandle = launched
      ? spec.launcher!.launch({ file: spec.file, args: spec.args, env: spec.env, cwd: spec.cwd })
      : spawn(spec.file, spec.args, {
          cwd: spec.cwd,
          env: spec.env,
          // A new session and process group, whose id is the child's pid.
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    if (child.pid !== undefined) this.pgid = child.pid;
    child.once('spawn', () => {
      this.pgid = child.pid ?? -1;
      if (this.pendingSignal) this.signal(this.pendingSignal);
    });
    this.exited = this.watch(child, spec);
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
    const out = spec.log.stream();
    const err = spec.log.stream();
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
      const finish = (): void => {
        if (this.done || !exit) return;
        this.done = true;
        out.end();
        err.end();
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

export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}
