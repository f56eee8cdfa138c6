// A Go program writing into a pipe whose reader has gone (`argo list | head -2`) is ended by
// SIGPIPE without a word. Node ignores SIGPIPE, so the write fails with EPIPE and, unhandled,
// ends the process with a stack trace. Here the process ends as quietly instead, with exit 0: the
// reader has all it asked for.
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/**
 * Whether process.stdout or process.stderr may have been made: true unless onFirstUse watches for
 * it (in the CLI, from its start), so code run otherwise (a test, the library) uses the streams.
 */
export const streamMade = { stdout: true, stderr: true };

/**
 * As endQuietlyOnClosedPipe for process.stdout and process.stderr, attached when each is first
 * used. Node makes those streams on first use, and for a pipe that loads its network and stream
 * modules (some 30 of them, 5 to 9 ms): a command that prints through stdout.ts's direct writes
 * never needs them.
 */
export function endQuietlyOnClosedPipes(): void {
  onFirstUse('stdout', endQuietlyOnClosedPipe);
  onFirstUse('stderr', endQuietlyOnClosedPipe);
}

function onFirstUse(name: 'stdout' | 'stderr', use: (stream: NodeJS.WriteStream) => void): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  if (!made?.get || !made.configurable) {
    streamMade[name] = true;
    use(process[name]);
    return;
  }
  streamMade[name] = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable,
    get() {
      // Node's own getter from now on (it keeps the stream it made).
      Object.defineProperty(process, name, made);
      const stream = made.get!.call(process) as NodeJS.WriteStream;
      streamMade[name] = true;
      use(stream);
      return stream;
    },
  });
}
