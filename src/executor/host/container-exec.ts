// pods/exec as far as the host runtime can serve it. Its containers share the host's PID
// namespace, so "PID 1" is not the container's own process and no command can be run as if in
// the container's namespaces after the fact; what it does serve is the one exec controllers make:
// signalling a container's entrypoint, `kill -SIG 1` in a shell or `argoexec kill SIG 1` (the
// command upstream's controller runs to end sidecars). The signal goes to the container's process
// group, as PID 1 of a container would receive it. Any other command is refused, saying why.
import path from 'node:path';
import { constants } from 'node:os';
import { goSignalText, parseSignal } from '../argoexec/kill.js';

/** What ran: the command's exit code and output (the channel protocol's outcome). */
export interface ContainerExecOutcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export class ContainerExecError extends Error {}

const SHELL_KILL = /^kill\s+-(\w+)\s+1$/;

/** The signal number a kill-PID-1 command sends, or undefined for any other command. */
export function killOfEntrypoint(command: string[]): number | undefined {
  const [file, ...args] = command;
  const base = path.basename(file ?? '');
  let text: string | undefined;
  if ((base === 'sh' || base === 'bash') && args.length === 2 && args[0] === '-c')
    text = SHELL_KILL.exec(args[1].trim())?.[1];
  else if (base === 'argoexec' && args.length === 3 && args[0] === 'kill' && args[2] === '1') text = args[1];
  if (text === undefined) return undefined;
  try {
    return parseSignal(text);
  } catch {
    return undefined;
  }
}

/** The Node name of a signal number. */
export function signalName(signum: number): NodeJS.Signals | undefined {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signum);
  return entry?.[0] as NodeJS.Signals | undefined;
}

/**
 * Runs an exec of a kill-PID-1 command through `signal` (which signals the container's processes
 * and tells whether it was running). Rejects with a ContainerExecError for anything else.
 */
export function execKill(
  command: string[],
  signal: (sig: NodeJS.Signals) => boolean,
  where: string,
): ContainerExecOutcome {
  const signum = killOfEntrypoint(command);
  const sig = signum === undefined ? undefined : signalName(signum);
  if (signum === undefined || !sig)
    throw new ContainerExecError(
      `the host runtime execs only a signal to the container's entrypoint (kill -SIGNAL 1), not: ${command.join(' ')}`,
    );
  if (!signal(sig)) throw new ContainerExecError(`container not found or not running (${where})`);
  const argoexec = path.basename(command[0]) === 'argoexec';
  return { exitCode: 0, stdout: argoexec ? `killing 1 with ${goSignalText(signum)}\n` : undefined };
}
