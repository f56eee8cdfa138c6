// Signals as argoexec handles them: the command runs as the leader of its own process group, so a
// signal goes to the whole group (a shell's children too), and an exit by signal is reported as
// 128 + its number, as a shell and Kubernetes report it.
import { constants } from 'node:os';

/**
 * What the emissary passes on to its command. Upstream catches every signal but SIGCHLD and SIGURG;
 * Node cannot listen for SIGKILL, SIGSTOP or the fault signals, and SIGPIPE stays ignored so a
 * closed log reader does not kill the user's command.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGALRM',
  'SIGWINCH',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGIO',
  'SIGPWR',
  'SIGABRT',
  'SIGTRAP',
  'SIGSYS',
];

export function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig];
}

/** The exit code of a process ended by `sig`. */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + signalNumber(sig);
}

/** Sends `sig` to the process group led by `pid`, or to `pid` alone once the group is gone. */
export function signalGroup(pid: number, sig: NodeJS.Signals | number): boolean {
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false;
    }
  }
}
