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
