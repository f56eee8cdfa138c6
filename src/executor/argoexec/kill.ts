// `argoexec kill SIGNAL PID`: signals a process in the container it runs in. The controller execs
// `argoexec kill 15 1` in a container to signal its entrypoint (the emissary, which passes it on),
// since images without a shell have no kill of their own. Upstream takes SIGNAL as a number only;
// a name (TERM, SIGTERM) is accepted too, since the numbers differ between platforms.
import { constants } from 'node:os';
import { writeTerminateMessage } from './terminate-message.js';

/** Go's names for Linux signals (syscall.Signal's String), which upstream prints. */
const GO_SIGNAL_TEXT: Record<number, string> = {
  1: 'hangup',
  2: 'interrupt',
  3: 'quit',
  4: 'illegal instruction',
  5: 'trace/breakpoint trap',
  6: 'aborted',
  7: 'bus error',
  8: 'floating point exception',
  9: 'killed',
  10: 'user defined signal 1',
  11: 'segmentation fault',
  12: 'user defined signal 2',
  13: 'broken pipe',
  14: 'alarm clock',
  15: 'terminated',
  16: 'stack fault',
  17: 'child exited',
  18: 'continued',
  19: 'stopped (signal)',
  20: 'stopped',
  21: 'stopped (tty input)',
  22: 'stopped (tty output)',
  23: 'urgent I/O condition',
  24: 'CPU time limit exceeded',
  25: 'file size limit exceeded',
  26: 'virtual timer expired',
  27: 'profiling timer expired',
  28: 'window changed',
  29: 'I/O possible',
  30: 'power failure',
  31: 'bad system call',
};

export class KillError extends Error {}

/** strconv.Atoi's syntax: optional sign, decimal digits, nothing else. */
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

export function parseSignal(text: string): number {
  const n = atoi(text);
  if (n !== undefined) return n;
  const upper = text.toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
  const num = (constants.signals as Record<string, number | undefined>)[name];
  if (num === undefined) throw new KillError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return num;
}

export function parsePid(text: string): number {
  const n = atoi(text);
  if (n === undefined) throw new KillError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return n;
}

export function goSignalText(signum: number): string {
  return GO_SIGNAL_TEXT[signum] ?? `signal ${signum}`;
}

/** The errors os.Process.Signal gives, in its words. */
function killErrorText(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ESRCH':
      return 'os: process already finished';
    case 'EPERM':
      return 'operation not permitted';
    case 'EINVAL':
    case 'ERR_UNKNOWN_SIGNAL':
      return 'invalid argument';
    default:
      return (err as Error).message;
  }
}

/** Resolves to the exit code: 0 once the signal is sent, 64 (upstream's error code) otherwise. */
export async function runKill(
  signal: string,
  pid: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const signum = parseSignal(signal);
    const target = parsePid(pid);
    if (target === 0) throw new KillError('os: process not initialized');
    process.stdout.write(`killing ${target} with ${goSignalText(signum)}\n`);
    try {
      process.kill(target, signum);
    } catch (err) {
      throw new KillError(killErrorText(err));
    }
    return 0;
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`${message}\n`);
    writeTerminateMessage(message, env);
    return 64;
  }
}
