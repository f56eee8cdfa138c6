// The runtime's side of argo-launch (see launcher-source.ts): one helper process per runtime
// starts every container, so Node never forks. Each launched process looks like the part of a
// ChildProcess that ContainerProcess uses: `spawn`, `exit`, `close` and `error` events, and
// stdout/stderr emitting `data`.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { signalGroup } from './container-process.js';
import { LAUNCHER_SOURCE } from './launcher-source.js';
import { compileHelper } from './native-helper.js';

export interface LaunchRequest {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** What ContainerProcess needs of a started process; Node's ChildProcess has it too. */
export interface ProcessHandle extends EventEmitter {
  readonly pid?: number;
  readonly stdout: EventEmitter | null;
  readonly stderr: EventEmitter | null;
}

class LaunchedProcess extends EventEmitter implements ProcessHandle {
  pid?: number;
  constructor(readonly file: string) {
    super();
  }

  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  exited = false;
  closed = false;
}

/** Frames the helper sends: type, id, length, then the data. */
const HEADER = 9;

export class ProcessLauncher {
  private readonly running = new Map<number, LaunchedProcess>();
  private nextId = 1;
  private pending = Buffer.alloc(0);
  private gone = false;
  /** Let go of on purpose (release()): its children are not ours to kill. */
  private released = false;

  private constructor(private readonly helper: ChildProcess) {
    helper.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    helper.on('exit', () => this.lost());
    helper.on('error', () => this.lost());
    // Writes to a helper that died fail here; lost() has already failed what was running.
    helper.stdin!.on('error', () => this.lost());
    this.idle();
  }

  /** Starts the helper, compiling it under `dir` first; undefined where it cannot run (no Linux, no compiler). */
  static async start(dir: string): Promise<ProcessLauncher | undefined> {
    if (process.platform !== 'linux') return undefined;
    const file = await compileHelper(dir, 'argo-launch', LAUNCHER_SOURCE);
    if (!file) return undefined;
    // Its own session: a Ctrl+C at the terminal goes to the CLI, which stops the runtime in order;
    // the helper must not die of it first.
    const helper = spawn(file, [], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const started = await new Promise<boolean>((resolve) => {
      helper.once('spawn', () => resolve(true));
      helper.once('error', () => resolve(false));
    });
    return started ? new ProcessLauncher(helper) : undefined;
  }

  /** The helper's process id. */
  get pid(): number | undefined {
    return this.helper.pid;
  }

  /** True while the helper runs; once it has gone, callers spawn directly. */
  get usable(): boolean {
    return !this.gone;
  }

  launch(req: LaunchRequest): ProcessHandle {
    const proc = new LaunchedProcess(req.file);
    const id = this.nextId++;
    this.running.set(id, proc);
    if (this.running.size === 1) this.busy();
    const strings = [req.cwd ?? '', req.file, req.file, ...req.args];
    for (const [k, v] of Object.entries(req.env)) strings.push(`${k}=${v}`);
    const refusal = this.gone ? new Error('the process launcher has exited') : nulByteError(strings);
    if (refusal) {
      queueMicrotask(() => this.fail(id, refusal));
      return proc;
    }
    const body = Buffer.from(strings.join('\0') + '\0');
    const head = Buffer.alloc(17);
    head.writeUInt32LE(13 + body.length, 0);
    head.write('L', 4, 'latin1');
    head.writeUInt32LE(id, 5);
    head.writeUInt32LE(1 + req.args.length, 9);
    head.writeUInt32LE(Object.keys(req.env).length, 13);
    this.helper.stdin!.write(Buffer.concat([head, body]));
    return proc;
  }

  /** Ends the helper; it kills the process groups of whatever it still runs. */
  stop(): void {
    if (this.gone) return;
    this.gone = true;
    const kill = Buffer.alloc(5);
    kill.writeUInt32LE(1, 0);
    kill.write('K', 4, 'latin1');
    this.helper.stdin!.end(kill);
  }

  /**
   * Ends the helper and leaves what it started running (under their shims, for a later runtime
   * to adopt); what this process still waits on exits here as killed, and is not signalled.
   */
  release(): void {
    this.released = true;
    this.gone = true;
    this.helper.stdin!.end();
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= HEADER) {
      const len = buf.readUInt32LE(off + 5);
      if (buf.length - off - HEADER < len) break;
      const type = String.fromCharCode(buf[off]);
      const id = buf.readUInt32LE(off + 1);
      const data = buf.subarray(off + HEADER, off + HEADER + len);
      off += HEADER + len;
      this.dispatch(type, id, data);
    }
    buf = buf.subarray(off);
    // Copied, so a kept remainder does not pin the whole chunk it came in.
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }

  private dispatch(type: string, id: number, data: Buffer): void {
    const proc = this.running.get(id);
    if (!proc) return;
    switch (type) {
      case 'S':
        proc.pid = data.readUInt32LE(0);
        proc.emit('spawn');
        return;
      case 'F':
        this.fail(id, errnoError(data.readUInt32LE(0), proc.file));
        return;
      case 'O':
        // The helper reuses its buffer only after the write; this chunk is ours to keep.
        proc.stdout.emit('data', Buffer.from(data));
        return;
      case 'E':
        proc.stderr.emit('data', Buffer.from(data));
        return;
      case 'X': {
        const status = data.readUInt32LE(0);
        proc.exited = true;
        const sig = status & 0x7f;
        if (sig === 0) proc.emit('exit', (status >> 8) & 0xff, null);
        else proc.emit('exit', null, signalName(sig));
        this.settle(id, proc);
        return;
      }
      case 'C':
        proc.closed = true;
        this.settle(id, proc);
        return;
    }
  }

  private settle(id: number, proc: LaunchedProcess): void {
    if (!proc.exited || !proc.closed) return;
    this.running.delete(id);
    proc.emit('close');
    if (this.running.size === 0) this.idle();
  }

  private fail(id: number, err: Error): void {
    const proc = this.running.get(id);
    if (!proc) return;
    this.running.delete(id);
    proc.emit('error', err);
    if (this.running.size === 0) this.idle();
  }

  /**
   * The helper died. Its containers run on (each under its shim): unless this runtime let the
   * helper go on purpose, their groups are killed here, since nobody would watch them any more.
   */
  private lost(): void {
    this.gone = true;
    for (const [id, proc] of [...this.running]) {
      if (proc.pid === undefined) {
        this.fail(id, new Error('the process launcher exited before starting the command'));
        continue;
      }
      if (!proc.exited && !this.released) signalGroup(proc.pid, 'SIGKILL');
      proc.exited = proc.closed = true;
      proc.emit('exit', null, 'SIGKILL');
      this.settle(id, proc);
    }
  }

  // While containers run, the helper's pipe keeps Node alive (a CLI waiting on them must not
  // exit); idle, it must not keep a CLI that is done from exiting.
  private busy(): void {
    this.helper.ref();
    (this.helper.stdout as unknown as { ref?(): void }).ref?.();
  }

  private idle(): void {
    this.helper.unref();
    (this.helper.stdout as unknown as { unref?(): void }).unref?.();
    (this.helper.stdin as unknown as { unref?(): void }).unref?.();
  }
}

/** NUL ends a string in the protocol (and in exec's arguments): refused, as Node's spawn refuses it. */
function nulByteError(strings: string[]): NodeJS.ErrnoException | undefined {
  const bad = strings.find((x) => x.includes('\0'));
  if (bad === undefined) return undefined;
  const err: NodeJS.ErrnoException = new Error(
    `an argument or variable contains a NUL byte: ${JSON.stringify(bad)}`,
  );
  err.code = 'ERR_INVALID_ARG_VALUE';
  return err;
}

function signalName(n: number): NodeJS.Signals {
  const found = Object.entries(constants.signals).find(([, v]) => v === n);
  return (found?.[0] ?? 'SIGKILL') as NodeJS.Signals;
}

/** An error shaped like the one Node's spawn raises, so callers map ENOENT and EACCES alike. */
function errnoError(errno: number, file: string): NodeJS.ErrnoException {
  const code = Object.entries(constants.errno).find(([, v]) => v === errno)?.[0] ?? `E${errno}`;
  const err: NodeJS.ErrnoException = new Error(`spawn ${file} ${code}`);
  err.code = code;
  err.errno = -errno;
  return err;
}
