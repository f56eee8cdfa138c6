// The controller's synchronization: named mutexes and ConfigMap-limited semaphores shared by every
// workflow it runs, and database locks shared with other controllers. Local lock state lives in
// memory; each workflow's status.synchronization records what it holds, so a restarted controller
// rebuilds the holders from the stored workflows. Database locks live in the synchronization
// database (see database-locks.ts).
import type { ConfigMap } from '../../model/meta.js';
import type { Synchronization } from '../../model/template.js';
import type { Workflow } from '../../model/workflow.js';
import { phaseFulfilled, workflowPhaseCompleted } from '../../workflow/phase.js';
import type { SyncHooks } from '../operator.js';
import {
  decodeLockName,
  encodeLockName,
  holderKeyOf,
  isLegacyHolderKey,
  lockNameOf,
  syncItems,
  workflowKeyOf,
  type LockName,
  type LockType,
  type SyncItem,
} from './lock-name.js';
import { DatabaseLocks, type DatabaseLockRequest } from './database-locks.js';
import { PrioritySemaphore } from './semaphore.js';
import { ensureSection, lockAcquired, lockReleased, lockWaiting, recordedHolds } from './status.js';

export interface SyncManagerOptions {
  getConfigMap(namespace: string, name: string): ConfigMap | undefined;
  /** Workflows (`<ns>/<name>`) that may now take a lock they wait for; the controller re-queues them. */
  onLockReleased(workflowKeys: string[]): void;
  now?: () => Date;
  log?: (msg: string) => void;
  /** The synchronization database; without it `database:` locks fail the workflow. */
  database?: DatabaseLocks;
}

export type AcquireResult = ReturnType<SyncHooks['tryAcquire']>;

/** Database-backed locks live in the synchronization database, which this controller does not have. */
const NO_DATABASE =
  'database-backed synchronization needs a synchronization database (`synchronization:` in the controller configuration), which this controller does not have';

export class SyncManager implements SyncHooks {
  private readonly locks = new Map<string, PrioritySemaphore>();
  private readonly now: () => Date;
  private readonly log: (msg: string) => void;
  /** Workflows to wake once the current call returns; batched so the controller sees one call. */
  private wake: Set<string> | undefined;

  constructor(private readonly opts: SyncManagerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => undefined);
  }

  tryAcquire(wf: Workflow, nodeId: string, sync: Synchronization): AcquireResult {
    return this.batched(() => this.acquire(wf, nodeId, sync));
  }

  release(wf: Workflow, nodeId: string, sync: Synchronization | undefined): void {
    if (!sync) return;
    this.batched(() => {
      let items: SyncItem[];
      try {
        items = syncItems(sync);
      } catch {
        return; // nothing was acquired for an invalid block
      }
      const holderKey = holderKeyOf(wf, nodeId);
      for (const item of items) {
        let key: string;
        try {
          key = encodeLockName(lockNameOf(item, wf.metadata.namespace ?? ''));
        } catch {
          return;
        }
        const db = this.databaseRequest(item.type, key);
        if (db) {
          this.opts.database?.release(holderKey, db);
          lockReleased(wf, item.type, holderKey, key);
          continue;
        }
        const lock = this.locks.get(key);
        if (!lock) continue;
        lock.release(holderKey);
        lock.removeFromQueue(holderKey);
        lockReleased(wf, item.type, holderKey, key);
      }
    });
  }

  /** Gives back every lock of a workflow that completed or was deleted, and stops its waiting. */
  releaseAll(wf: Workflow): void {
    this.batched(() => {
      const status = wf.status;
      const sync = status?.synchronization;
      for (const h of sync?.semaphore?.holding ?? []) {
        const lock = h.semaphore ? this.locks.get(h.semaphore) : undefined;
        for (const k of h.holders ?? []) lock?.release(k);
      }
      for (const h of sync?.mutex?.holding ?? []) {
        if (h.mutex && h.holder) this.locks.get(h.mutex)?.release(h.holder);
      }
      for (const node of Object.values(status?.nodes ?? {})) {
        if (node.synchronizationStatus?.waiting) delete node.synchronizationStatus;
      }
      if (status) delete status.synchronization;
      // The status may lag behind memory (a write lost to a conflict, a deleted workflow's last
      // copy): whatever this workflow still holds or waits for in memory goes too.
      const wfKey = workflowKeyOf(wf);
      this.opts.database?.releaseWorkflow(wfKey);
      for (const lock of this.locks.values()) {
        for (const k of [...lock.holders]) if (belongsTo(k, wfKey)) lock.release(k);
        for (const w of [...lock.pending.items()]) if (belongsTo(w.key, wfKey)) lock.removeFromQueue(w.key);
      }
    });
  }

  /**
   * Rebuilds lock state from the workflows in the store when the controller starts: the holders their
   * status records, and the waiters (nodes waiting for a lock, workflows waiting at workflow level)
   * so that priority order holds from the first reconciliation on.
   */
  restore(workflows: Workflow[]): void {
    this.batched(() => {
      const active = workflows.filter(
        (wf) =>
          wf.metadata.labels?.['workflows.argoproj.io/completed'] !== 'true' &&
          !workflowPhaseCompleted(wf.status?.phase),
      );
      for (const wf of active) {
        for (const { type, lockKey, holderKey } of recordedHolds(wf)) {
          const db = this.databaseRequest(type, lockKey);
          if (db && this.opts.database) {
            this.opts.database.restoreHeld(this.upgradeHolderKey(wf, holderKey, lockKey), db);
            continue;
          }
          const lock = this.restoredLock(type, lockKey);
          if (!lock) continue;
          lock.reacquire(this.upgradeHolderKey(wf, holderKey, lockKey));
        }
      }
      for (const wf of active) this.restoreWaiters(wf);
    });
  }

  /** A ConfigMap changed: semaphores it limits take their new limit, and waiters that now fit are woken. */
  configMapChanged(cm: ConfigMap): void {
    this.batched(() => {
      const ns = cm.metadata.namespace ?? '';
      const prefix = `${ns}/ConfigMap/${cm.metadata.name ?? ''}/`;
      for (const [key, lock] of this.locks) {
        if (!key.startsWith(prefix)) continue;
        lock.notifyWaiters();
      }
    });
  }

  /** Holder keys of a lock, for inspection and tests. */
  holders(lockKey: string): string[] {
    return [...(this.locks.get(lockKey)?.holders ?? [])];
  }

  /** Waiting holder keys of a lock, first in line first. */
  waiters(lockKey: string): string[] {
    return (this.locks.get(lockKey)?.pending.items() ?? []).map((w) => w.key);
  }

  // ---- internals ------------------------------------------------------------------------------

  private acquire(wf: Workflow, nodeId: string, sync: Synchronization): AcquireResult {
    // Whether the status changed: true only when the workflow's JSON did (it decides a write).
    let updated = false;
    const fail = (error: string, failedLockName = '', message = ''): AcquireResult => ({
      acquired: false,
      updated,
      message,
      failedLockName,
      error,
    });
    let items: SyncItem[];
    let lockKeys: string[];
    try {
      items = syncItems(sync);
      lockKeys = items.map((item) => encodeLockName(lockNameOf(item, wf.metadata.namespace ?? '')));
    } catch (err) {
      return fail(`requested configuration is invalid: ${(err as Error).message}`);
    }
    const holderKey = holderKeyOf(wf, nodeId);
    const priority = wf.spec.priority ?? 0;
    const created = Date.parse(wf.metadata.creationTimestamp ?? '');
    const creationTime = Number.isNaN(created) ? this.now().getTime() : created;

    // Database locks are decided by the database; the local ones below are checked first.
    const dbRequests: DatabaseLockRequest[] = [];
    const local: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const db = this.databaseRequest(items[i].type, lockKeys[i]);
      if (!db) local.push(i);
      else if (!this.opts.database)
        return fail(
          `database session is not available for ${items[i].type} ${lockKeys[i]}: ${NO_DATABASE}`,
          lockKeys[i],
          'failed to initialize lock',
        );
      else {
        if (ensureSection(wf, items[i].type)) updated = true;
        dbRequests.push(db);
      }
    }
    if (dbRequests.length) {
      items = local.map((i) => items[i]);
      lockKeys = local.map((i) => lockKeys[i]);
    }

    const locks: PrioritySemaphore[] = [];
    for (let i = 0; i < items.length; i++) {
      const got = this.lockFor(items[i].type, lockKeys[i]);
      if (typeof got === 'string') {
        // Nothing is acquired when one lock cannot be set up; take this holder out of line everywhere.
        for (const l of locks) l.removeFromQueue(holderKey);
        return fail(got, lockKeys[i], 'failed to initialize lock');
      }
      if (ensureSection(wf, items[i].type)) updated = true;
      got.addToQueue(holderKey, priority, creationTime);
      locks.push(got);
    }

    // All or nothing: take the locks only when every one of them can be taken now.
    let message = '';
    let failedLockName = '';
    for (let i = 0; i < locks.length; i++) {
      const check = locks[i].checkAcquire(holderKey);
      if (!check.acquirable && !check.already) {
        message ||= check.message;
        failedLockName ||= lockKeys[i];
      }
    }
    let dbResult: ReturnType<DatabaseLocks['tryAcquire']> | undefined;
    if (!failedLockName && dbRequests.length) {
      dbResult = this.opts.database!.tryAcquire(holderKey, priority, new Date(creationTime), dbRequests);
      if (dbResult.error) return fail(dbResult.error, dbResult.failedLockName, dbResult.message);
      if (!dbResult.acquired) {
        message = dbResult.message;
        failedLockName = dbResult.failedLockName;
      }
    }
    if (failedLockName) {
      for (let i = 0; i < locks.length; i++) {
        if (lockWaiting(wf, items[i].type, lockKeys[i], [...locks[i].holders])) updated = true;
      }
      for (const r of dbRequests) {
        if (lockWaiting(wf, r.type, r.lockKey, dbResult?.holders[r.lockKey] ?? [])) updated = true;
      }
      return { acquired: false, updated, message, failedLockName };
    }
    for (const r of dbRequests) {
      if (lockAcquired(wf, r.type, holderKey, r.lockKey)) updated = true;
    }
    for (let i = 0; i < locks.length; i++) {
      const got = locks[i].tryAcquire(holderKey);
      if (!got.acquired) {
        // Checked just above; reaching this would mean the locks changed under us.
        return fail(
          `bug: failed to acquire something that should have been checked: ${got.message}`,
          lockKeys[i],
        );
      }
      if (lockAcquired(wf, items[i].type, holderKey, lockKeys[i])) updated = true;
    }
    return { acquired: true, updated, message: '', failedLockName: '' };
  }

  /** A database lock's request; undefined for the other kinds (and for keys that do not decode). */
  private databaseRequest(type: LockType, key: string): DatabaseLockRequest | undefined {
    let name: LockName;
    try {
      name = decodeLockName(key);
    } catch {
      return undefined;
    }
    return name.kind === 'Database' ? { lockKey: key, type, name } : undefined;
  }

  /** The lock for `key`, created on first use; a string says why it cannot be used. */
  private lockFor(type: LockType, key: string): PrioritySemaphore | string {
    const existing = this.locks.get(key);
    if (existing) return existing;
    const name = decodeLockName(key);
    if (name.kind === 'Database')
      return `database session is not available for ${type} ${key}: ${NO_DATABASE}`;
    if (type === 'mutex') {
      const lock = this.newLock(key, () => 1);
      this.locks.set(key, lock);
      return lock;
    }
    const read = (): number => this.readSemaphoreLimit(name);
    let limit: number;
    try {
      limit = read();
    } catch (err) {
      return `failed to initialize semaphore ${key} with limit: ${(err as Error).message}`;
    }
    if (limit === 0) return `failed to initialize semaphore ${key} with limit: the limit is 0`;
    const lock = this.newLock(key, read);
    lock.limit();
    this.locks.set(key, lock);
    return lock;
  }

  private newLock(key: string, readLimit: () => number): PrioritySemaphore {
    return new PrioritySemaphore(key, readLimit, (wfKey) => this.wake?.add(wfKey));
  }

  /** Argo reads the limit from the ConfigMap key as a base-10 integer. */
  private readSemaphoreLimit(name: LockName): number {
    const cm = this.opts.getConfigMap(name.namespace, name.resourceName);
    if (!cm) throw new Error(`configmaps "${name.resourceName}" not found`);
    const value = cm.data?.[name.key];
    if (value === undefined) throw new Error(`Sync configuration key '${name.key}' not found in ConfigMap`);
    if (!/^[+-]?\d+$/.test(value))
      throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
    return Number.parseInt(value, 10);
  }

  /**
   * A lock named in a stored status. Database locks are left out (their holders surface as errors on
   * the next reconciliation); a semaphore whose limit cannot be read now still records its holders,
   * so nobody else takes their slots before the limit is readable again.
   */
  private restoredLock(type: LockType, key: string): PrioritySemaphore | undefined {
    let name: LockName;
    try {
      name = decodeLockName(key);
    } catch (err) {
      this.log(`cannot restore lock ${key}: ${(err as Error).message}`);
      return undefined;
    }
    if (name.kind === 'Database') {
      this.log(`cannot restore database lock ${key}: ${NO_DATABASE}`);
      return undefined;
    }
    const got = this.lockFor(type, key);
    if (typeof got !== 'string') return got;
    this.log(`restoring lock ${key}: ${got}`);
    const lock = this.newLock(key, () => this.readSemaphoreLimit(name));
    this.locks.set(key, lock);
    return lock;
  }

  /** Argo v3.5 recorded bare names: the workflow name for workflow-level locks, else the node id. */
  private upgradeHolderKey(wf: Workflow, holderKey: string, lockKey: string): string {
    if (!isLegacyHolderKey(holderKey)) return holderKey;
    return this.workflowLevelLockKeys(wf).includes(lockKey)
      ? holderKeyOf(wf, '')
      : holderKeyOf(wf, holderKey);
  }

  private workflowLevelLockKeys(wf: Workflow): string[] {
    const keys: string[] = [];
    for (const sync of [wf.spec.synchronization, wf.status?.storedWorkflowTemplateSpec?.synchronization]) {
      if (!sync) continue;
      try {
        for (const item of syncItems(sync))
          keys.push(encodeLockName(lockNameOf(item, wf.metadata.namespace ?? '')));
      } catch {
        // an invalid block holds nothing
      }
    }
    return keys;
  }

  private restoreWaiters(wf: Workflow): void {
    const priority = wf.spec.priority ?? 0;
    const created = Date.parse(wf.metadata.creationTimestamp ?? '');
    const creationTime = Number.isNaN(created) ? this.now().getTime() : created;
    const queue = (key: string, holderKey: string): void => {
      const lock = this.locks.get(key);
      if (lock && !lock.holders.has(holderKey)) lock.addToQueue(holderKey, priority, creationTime);
    };
    for (const node of Object.values(wf.status?.nodes ?? {})) {
      const waiting = node.synchronizationStatus?.waiting;
      if (waiting && !phaseFulfilled(node.phase)) queue(waiting, holderKeyOf(wf, node.id));
    }
    const wfKeys = this.workflowLevelLockKeys(wf);
    const wfHolder = holderKeyOf(wf, '');
    if (wfKeys.length && !wfKeys.every((k) => this.locks.get(k)?.holders.has(wfHolder))) {
      for (const k of wfKeys) {
        if (!this.locks.has(k)) {
          try {
            const type: LockType = decodeLockName(k).kind === 'ConfigMap' ? 'semaphore' : 'mutex';
            this.lockFor(type, k);
          } catch {
            continue;
          }
        }
        queue(k, wfHolder);
      }
    }
  }

  private batched<T>(fn: () => T): T {
    const outer = this.wake === undefined;
    if (outer) this.wake = new Set();
    try {
      return fn();
    } finally {
      if (outer) {
        const keys = [...this.wake!];
        this.wake = undefined;
        if (keys.length) this.opts.onLockReleased(keys);
      }
    }
  }
}

function belongsTo(holderKey: string, wfKey: string): boolean {
  return holderKey === wfKey || holderKey.startsWith(`${wfKey}/`);
}
