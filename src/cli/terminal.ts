// Whether a file descriptor is a terminal, without loading node:tty where it cannot be one:
// node:tty brings Node's network and stream modules (some 30, 5 to 9 ms of every command that
// asks), and a pipe or a file, what scripts and tests give the CLI, is never a terminal. A
// terminal is a character device, so only for one of those is node:tty asked.
import { fstatSync } from 'node:fs';

export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}
