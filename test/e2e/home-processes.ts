// The processes a test's ARGO_HOME still has when the test is over: the detached controller a
// command started on purpose (it stays up until it has been idle a while) and what it runs. They
// write into the home (controller.log, the store, the archive), so removing the home under them
// fails with ENOTEMPTY, or leaves them writing into a folder that is gone: they are stopped first.
import { readdirSync, readFileSync } from 'node:fs';
import { isZombie } from '../../src/executor/proc-stat.js';

/** Processes of this user whose environment has ARGO_HOME=`home` (Linux: read from /proc). */
export function processesOfHome(home: string): number[] {
  const wanted = `ARGO_HOME=${home}`;
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids; // No /proc: nothing to find.
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(wanted)) pids.push(pid);
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  if (isZombie(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERMs the home's processes (a controller then stops its engine and closes the store, as on
 * any stop) and waits until they are gone; ones still there after `timeoutMs` are SIGKILLed.
 */
export async function stopProcessesOfHome(home: string, timeoutMs = 10_000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // Gone already.
    }
  };
  let pids = processesOfHome(home);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Looked up again: a controller stopping may hand unfinished work to one it spawns.
    pids = processesOfHome(home).filter(alive);
    if (Date.now() > deadline) {
      for (const pid of pids) signal(pid, 'SIGKILL');
      return;
    }
    for (const pid of pids) signal(pid, 'SIGTERM');
  }
}
