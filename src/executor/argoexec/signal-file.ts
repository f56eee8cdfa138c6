// The wait container cannot signal a process in another container, so it writes the signal's
// number to ctr/<name>/signal and the emissary there delivers it (15 to ask, 9 after the grace
// period). The file is removed once read, so the same number written again is a new request.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseIntFile, watchFile } from './watch-file.js';

/** Calls `deliver` with each signal number written to `file` until `signal` aborts. */
export function watchSignalFile(file: string, deliver: (signum: number) => void, signal: AbortSignal): void {
  watchFile(
    file,
    () => {
      let n: number | undefined;
      try {
        n = parseIntFile(readFileSync(file, 'utf8'));
      } catch {
        return;
      }
      if (n === undefined || n <= 0) return;
      rmSync(file, { force: true });
      deliver(n);
    },
    signal,
  );
}

/** Asks the emissary watching `file` to send `signum` to its command. */
export function writeSignalFile(file: string, signum: number): void {
  // Other containers may run as other users and must be able to remove the file once read.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o777 });
  writeFileSync(file, String(signum), { mode: 0o666 });
}
