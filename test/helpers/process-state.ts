import { readFileSync } from 'node:fs';

/**
 * Whether a process runs. A killed one whose parent is gone waits as a zombie until init reaps
 * it (which some sandboxes' init does late), so a zombie counts as gone.
 */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
