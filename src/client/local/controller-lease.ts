// The lease one engine per ARGO_HOME holds, and who holds it, in a form that says which process of
// which machine it is, so a command can tell a controller that died (kill -9, a crash) from one
// that runs. Light on purpose: every command of the local backend reads it.
import os from 'node:os';
import { isZombie } from '../../executor/proc-stat.js';

export const CONTROLLER_LEASE = 'workflow-controller';

/** The lease holder identity of an engine in this process: host, pid and a random part. */
export function localHolderIdentity(): string {
  return `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The pid `holder` names when it is a process of this machine, else undefined. */
function localHolderPid(holder: string): number | undefined {
  const host = os.hostname();
  if (!holder.startsWith(`${host}-`)) return undefined;
  const [pidText] = holder.slice(host.length + 1).split('-');
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `holder` names this process (an engine of it, whichever). */
export function holderIsThisProcess(holder: string): boolean {
  return localHolderPid(holder) === process.pid;
}

/** True when `holder` names a process of this machine that no longer exists. */
export function holderProcessGone(holder: string): boolean {
  const pid = localHolderPid(holder);
  if (pid === undefined) return false;
  // A killed controller stays a zombie until it is reaped, which a machine's init may be slow to do.
  if (isZombie(pid)) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
