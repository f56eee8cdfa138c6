// A spinner on stderr while the CLI waits, only when stderr is a terminal (never in pipes, logs or
// CI), so stdout stays exactly what Argo prints. ora loads only when one is shown.
export interface Spinner {
  /** Runs `write` with the spinner line cleared, then redraws it. */
  pause<T>(write: () => Promise<T>): Promise<T>;
  stop(): void;
}

const none: Spinner = { pause: (write) => write(), stop: () => undefined };

export function spinnerWanted(stream: NodeJS.WriteStream = process.stderr, env = process.env): boolean {
  // A terminal that reports no width (some pseudo-terminals) cannot be redrawn in place.
  return stream.isTTY === true && (stream.columns ?? 0) > 0 && !env.CI && env.TERM !== 'dumb';
}

export async function startSpinner(
  text: string,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<Spinner> {
  if (!spinnerWanted(stream)) return none;
  const { default: ora } = await import('ora');
  // discardStdin off: Ctrl+C must reach our SIGINT handler, which hands the engine off.
  const s = ora({ text, stream, discardStdin: false }).start();
  return {
    async pause(write) {
      s.clear();
      try {
        return await write();
      } finally {
        s.render();
      }
    },
    stop: () => s.stop(),
  };
}
