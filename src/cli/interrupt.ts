// Ctrl+C and SIGTERM while a command is about to write. The first signal is noted and the work
// stops at its next checkpoint, which is never inside a store write: a workflow is stored whole or
// not at all, and not after the user gave up. The command then ends with one line saying what was
// done and what was not, and the shell's code for the signal (130, 143). A second signal ends the
// process at once, as an impatient user expects. Long synchronous work that writes nothing (parsing
// a 15 MB manifest takes most of a minute on a loaded machine) runs untrapped, so a signal then
// ends the process at once instead of after it.
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Interrupt = (typeof SIGNALS)[number];

/**
 * 128 + the signal's number, as a shell reports a process the signal ended. `node:os` is read when
 * a signal came, not when the CLI starts: every command loads this module, and os is not among
 * the modules Node has loaded already.
 */
export function signalExitCode(signal: Interrupt): number {
  return 128 + process.getBuiltinModule('node:os').constants.signals[signal];
}

/** The work was stopped by a signal; `message` says what was and was not done. */
export class Interrupted extends Error {
  constructor(
    readonly signal: Interrupt,
    message = `interrupted by ${signal}`,
  ) {
    super(message);
  }

  get exitCode(): number {
    return signalExitCode(this.signal);
  }
}

export interface InterruptTrap {
  /** Aborted, with an Interrupted as its reason, at the first signal. */
  readonly signal: AbortSignal;
  /**
   * Runs long synchronous work that writes nothing (parsing a manifest) with the signals' default
   * action: a handler would only run once the work is done, seconds later, while the default ends
   * the process at once, which is safe where nothing is being written. A signal received just
   * before, not yet handed to its handler when the handlers are removed, is lost with them (Node
   * closes the signal's handle): worth it only for work long enough that ending at once matters more.
   */
  untrapped<T>(work: () => T): T;
  /** Lets signals through (the trap's handlers are removed). */
  release(): void;
}

let trapped = 0;

/** Whether a trap holds signals now; other handlers then leave the signal to it. */
export function interruptsTrapped(): boolean {
  return trapped > 0;
}

export function trapInterrupts(): InterruptTrap {
  const controller = new AbortController();
  const on = (signal: Interrupt): void => {
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    controller.abort(new Interrupted(signal));
  };
  for (const s of SIGNALS) process.on(s, on);
  trapped++;
  let released = false;
  return {
    signal: controller.signal,
    untrapped: <T>(work: () => T): T => {
      if (released) return work();
      for (const s of SIGNALS) process.off(s, on);
      try {
        return work();
      } finally {
        for (const s of SIGNALS) process.on(s, on);
      }
    },
    release: () => {
      if (released) return;
      released = true;
      trapped--;
      for (const s of SIGNALS) process.off(s, on);
    },
  };
}

/**
 * Lets a signal that arrived during synchronous work (reading and validating a large manifest)
 * reach its handler, then throws if one did. Signals are handled between turns of the event loop,
 * which a chain of resolved promises never gives them.
 */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  await new Promise((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
}
