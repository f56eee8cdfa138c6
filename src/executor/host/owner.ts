// Which runtime owns a running pod, and whether that runtime is still alive. A runtime writes its
// identity on every pod it reports running: boot id, process id and that process's start time (so
// a reused pid is not mistaken for it), and an instance id. A pod whose owner is gone was left
// running by a crash: its process groups are killed and it is run again.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { signalGroup } from './container-process.js';
import { isZombie, procStat, startTicks } from '../proc-stat.js';

/** Instances alive in this process; another instance here is alive only if listed. */
const liveInstances = new Set<string>();

export interface Owner {
  identity: string;
  release(): void;
}

export function claimOwnerIdentity(): Owner {
  const instance = randomUUID();
  liveInstances.add(instance);
  return {
    identity: [bootId(), process.pid, startTicks(process.pid), instance].join('/'),
    release: () => liveInstances.delete(instance),
  };
}

export interface OwnerState {
  alive: boolean;
  /** The machine rebooted since: the owner's processes are gone, and its process ids mean nothing. */
  rebooted: boolean;
}

export function ownerState(identity: string): OwnerState {
  const [boot, pidText, ticks, instance] = identity.split('/');
  if (boot !== bootId()) return { alive: false, rebooted: true };
  if (liveInstances.has(instance)) return { alive: true, rebooted: false };
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return { alive: false, rebooted: false };
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but is not ours to signal.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return { alive: false, rebooted: false };
  }
  return { alive: startTicks(pid) === ticks && !isZombie(pid), rebooted: false };
}

/** SIGKILLs the groups and waits (up to `timeoutMs`) until none of them has a process left. */
export async function killGroups(pgids: number[], timeoutMs = 3000): Promise<void> {
  const groups = [...new Set(pgids.filter((p) => Number.isInteger(p) && p > 1))];
  // Nothing to wait for: no scan of /proc (hundreds of reads on a busy host).
  if (groups.length === 0) return;
  for (const g of groups) signalGroup(g, 'SIGKILL');
  const until = Date.now() + timeoutMs;
  while (liveGroups(groups).length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The groups that still have a running process. A killed process stays a zombie until its parent
 * (often init, for an orphan) reaps it, and signalling a group of zombies succeeds, so on Linux
 * /proc tells running members apart.
 */
function liveGroups(groups: number[]): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return groups.filter((g) => signalGroup(g, 0));
  }
  const live = new Set<number>();
  for (const pid of entries) {
    // After the command name: state, ppid, pgrp, ... (nothing when it went while we looked).
    const [state, , pgrp] = procStat(Number(pid)) ?? [];
    if (state !== undefined && state !== 'Z') live.add(Number(pgrp));
  }
  return groups.filter((g) => live.has(g));
}

let cachedBootId: string | undefined;

function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = '';
    }
  }
  return cachedBootId;
}
