// The CLI's output, written to file descriptor 1 without Node's stream for it where it can be:
// making process.stdout for a pipe (what a script or a test reading `argo list` gives it) loads
// Node's network and stream modules, a tenth of what a read on the local backend costs.
import { streamMade } from './closed-pipe.js';
import { isTerminal } from './terminal.js';

import { writeSync } from 'node:fs';

/** Whether stdout is a terminal, as process.stdout.isTTY tells, without making the stream. */
export function stdoutIsTTY(): boolean {
  return streamMade.stdout ? process.stdout.isTTY === true : isTerminal(1);
}

/** Set once a direct write could not go on (a non-blocking descriptor was full): the stream takes over. */
let viaStream = false;

/**
 * Writes to stdout and resolves once it is written, so output is complete before an exit. Written
 * with write(2) while nothing went through process.stdout (which writes asynchronously on some
 * platforms, and must not be overtaken); a closed pipe ends the process quietly with 0, as
 * closed-pipe.ts does for the stream.
 */
export function out(text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  if (viaStream || streamMade.stdout) return viaProcessStdout(text);
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written, bytes.length - written);
    return Promise.resolve();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(0);
    if (code !== 'EAGAIN') throw err;
    viaStream = true;
    return viaProcessStdout(bytes.subarray(written));
  }
}

function viaProcessStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(data)) process.stdout.once('drain', () => resolve());
    else resolve();
  });
}
