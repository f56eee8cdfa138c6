// What /proc/PID/stat says of a process (Linux): its state and when it started. Read by the
// runtime to tell its own processes from later ones that reused their pid, and by commands to
// tell a dead controller (a zombie not reaped yet counts as dead) from a live one.
import { readFileSync } from 'node:fs';

/** The fields after the command name (state first), or undefined when there is no such process. */
export function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after it are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22: when the process started, in clock ticks since boot ('' off Linux or when gone). */
export function startTicks(pid: number): string {
  return procStat(pid)?.[19] ?? '';
}

/** A process killed and not reaped yet (an init may be slow to): dead all the same. */
export function isZombie(pid: number): boolean {
  return procStat(pid)?.[0] === 'Z';
}
