// status.synchronization as Argo keeps it. `holding` lists the locks this workflow holds (with its
// holder keys); `waiting` lists the locks it waits for, each with the keys currently holding them.
import type { SemaphoreHolding, SynchronizationStatus, Workflow } from '../../model/workflow.js';
import type { LockType } from './lock-name.js';

// Each function here returns whether it changed the workflow's status: the operator writes the
// workflow when one says so, and a pass that only repeats what the status already says must not
// count as a change (a node waiting for a lock asks again on every pass).

/**
 * Argo creates the (possibly empty) section for a lock type as soon as a lock of that type is used;
 * returns whether it had to.
 */
export function ensureSection(wf: Workflow, type: LockType): boolean {
  const status = (wf.status ??= {});
  const field = type === 'semaphore' ? 'semaphore' : 'mutex';
  if (status.synchronization?.[field]) return false;
  (status.synchronization ??= {})[field] = {};
  return true;
}

/** The workflow's synchronization status once it has the section for `type`; `changed`: added now. */
function sectionsOf(wf: Workflow, type: LockType): { changed: boolean; sync: SynchronizationStatus } {
  const changed = ensureSection(wf, type);
  return { changed, sync: wf.status!.synchronization! };
}

/** Records that the workflow waits for `lockKey`; returns whether the status changed. */
export function lockWaiting(
  wf: Workflow,
  type: LockType,
  lockKey: string,
  currentHolders: string[],
): boolean {
  const { changed, sync } = sectionsOf(wf, type);
  if (type === 'semaphore') {
    const section = sync.semaphore!;
    const waiting = (section.waiting ??= []);
    const i = waiting.findIndex((w) => w.semaphore === lockKey);
    // Argo rewrites this entry on every attempt; only a different list of holders is a change.
    if (i >= 0 && sameHolders(waiting[i].holders ?? [], currentHolders)) return changed;
    if (i >= 0) waiting[i] = semaphoreHolding(lockKey, currentHolders);
    else waiting.push(semaphoreHolding(lockKey, currentHolders));
    return true;
  }
  if (currentHolders.length === 0) return changed;
  const section = sync.mutex!;
  const waiting = (section.waiting ??= []);
  const entry = waiting.find((w) => w.mutex === lockKey);
  if (!entry) {
    waiting.push({ mutex: lockKey, holder: currentHolders[0] });
    return true;
  }
  if (entry.holder !== currentHolders[0]) {
    entry.holder = currentHolders[0];
    return true;
  }
  return changed;
}

/** Records that `holderKey` holds `lockKey`; returns whether the status changed. */
export function lockAcquired(wf: Workflow, type: LockType, holderKey: string, lockKey: string): boolean {
  const { changed, sync } = sectionsOf(wf, type);
  let updated = changed;
  if (type === 'semaphore') {
    const section = sync.semaphore!;
    const holding = (section.holding ??= []);
    const entry = holding.find((h) => h.semaphore === lockKey);
    if (!entry) {
      holding.push({ semaphore: lockKey, holders: [holderKey] });
      updated = true;
    } else if (!entry.holders?.includes(holderKey)) {
      entry.holders = [...(entry.holders ?? []), holderKey];
      updated = true;
    }
    // Argo drops the holder key from the waiting entry's holder list (where it rarely appears).
    const waiting = section.waiting ?? [];
    const w = waiting.findIndex((x) => x.semaphore === lockKey);
    if (w >= 0) {
      const before = waiting[w].holders ?? [];
      const after = before.filter((k) => k !== holderKey);
      if (after.length === 0) {
        waiting.splice(w, 1);
        if (waiting.length === 0) delete section.waiting;
        updated = true;
      } else if (after.length !== before.length) {
        waiting[w].holders = after;
        updated = true;
      }
    }
    return updated;
  }
  const section = sync.mutex!;
  const holding = (section.holding ??= []);
  const entry = holding.find((h) => h.mutex === lockKey);
  if (!entry) {
    holding.push({ mutex: lockKey, holder: holderKey });
    return true;
  }
  if (entry.holder !== holderKey) {
    entry.holder = holderKey;
    return true;
  }
  return updated;
}

/** Records that `holderKey` gave `lockKey` back; returns whether the status changed. */
export function lockReleased(wf: Workflow, type: LockType, holderKey: string, lockKey: string): boolean {
  const sync = wf.status?.synchronization;
  if (type === 'semaphore') {
    const section = sync?.semaphore;
    const entry = section?.holding?.find((h) => h.semaphore === lockKey);
    if (!entry) return false;
    const holders = (entry.holders ?? []).filter((k) => k !== holderKey);
    // The entry stays with no holders, as Argo leaves it.
    if (holders.length) entry.holders = holders;
    else delete entry.holders;
    return true;
  }
  const section = sync?.mutex;
  const holding = section?.holding ?? [];
  const i = holding.findIndex((h) => h.mutex === lockKey);
  if (i < 0 || holding[i].holder !== holderKey) return false;
  holding.splice(i, 1);
  if (holding.length === 0) delete section!.holding;
  return true;
}

function sameHolders(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function semaphoreHolding(lockKey: string, holders: string[]): SemaphoreHolding {
  return holders.length ? { semaphore: lockKey, holders: [...holders] } : { semaphore: lockKey };
}

/** Every (lock, holder key) pair the status says this workflow holds. */
export function recordedHolds(wf: Workflow): { type: LockType; lockKey: string; holderKey: string }[] {
  const sync = wf.status?.synchronization;
  const out: { type: LockType; lockKey: string; holderKey: string }[] = [];
  for (const h of sync?.semaphore?.holding ?? []) {
    for (const k of h.holders ?? [])
      if (h.semaphore) out.push({ type: 'semaphore', lockKey: h.semaphore, holderKey: k });
  }
  for (const h of sync?.mutex?.holding ?? []) {
    if (h.mutex && h.holder) out.push({ type: 'mutex', lockKey: h.mutex, holderKey: h.holder });
  }
  return out;
}
