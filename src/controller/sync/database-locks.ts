// Database locks (`database: true` mutexes, `database:` semaphores) for the synchronous operator.
// The operation cannot wait on the database, so an acquisition runs in the background: the first
// call puts the holder in line and starts an attempt, and when the attempt has taken the lock (or
// found an error) the workflow is queued again and the next call reports it. The database decides
// who holds what; this class remembers only what this controller's holders took, so a workflow
// that already holds its locks is answered without a round trip.
import { DatabaseUnreachableError } from '../../persist/database-reachability.js';
import type { SyncDatabase } from '../../persist/sync-database.js';
import { SYNC_DEFAULTS } from '../../persist/sync-database.js';
import { workflowKeyOfHolder, type LockName, type LockType } from './lock-name.js';
import { sameWorkflowAndLevel } from './semaphore.js';

export interface DatabaseLockRequest {
  /** The key status.synchronization records: `<ns>/Database/<name>`. */
  lockKey: string;
  type: LockType;
  name: LockName;
}

export interface DatabaseAcquireResult {
  acquired: boolean;
  message: string;
  failedLockName: string;
  error?: string;
  /** Holders of each lock as last read, by lock key. */
  holders: Record<string, string[]>;
}

export interface DatabaseLocksOptions {
  /** Queues workflows (`<ns>/<name>`) whose lock request has news. */
  wake(workflowKeys: string[]): void;
  /** Whether a workflow still exists; rows of workflows that do not are removed. */
  workflowExists?(workflowKey: string): boolean;
  log?(msg: string): void;
  pollSeconds?: number;
  heartbeatSeconds?: number;
}

interface Attempt {
  running: boolean;
  result?: DatabaseAcquireResult;
  /** The result has been reported to the operation. */
  delivered: boolean;
}

/** After losing the race for the cross-controller row lock, try again this soon. */
const BUSY_RETRY_MS = 100;
/** After the database failed, try again this much later, doubling up to a minute. */
const FAILED_RETRY_MS = 1000;

/** The rows upstream writes: `sem/<ns>/<key>` or `mtx/<ns>/<name>`, and the limit row `<ns>/<key>`. */
export function databaseKeys(req: Pick<DatabaseLockRequest, 'type' | 'name'>): {
  limit: string;
  state: string;
} {
  const limit = `${req.name.namespace}/${req.name.resourceName}`;
  return { limit, state: `${req.type === 'mutex' ? 'mtx' : 'sem'}/${limit}` };
}

export class DatabaseLocks {
  private readonly attempts = new Map<string, Attempt>();
  /** What this controller's holders hold: holder key to lock keys. */
  private readonly held = new Map<string, Set<string>>();
  /** Every lock this controller has used, by state name, for the periodic notification. */
  private readonly known = new Map<string, DatabaseLockRequest>();
  /** Database work runs one piece at a time, in the order asked: a release lands before a later acquisition. */
  private chain: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  /** The wait before trying again after a failed database call; 0 while the database answers. */
  private failureDelay = 0;
  /** Whether this controller's row is written: other controllers' waiters see it as alive. */
  private announced = false;
  private readonly log: (msg: string) => void;

  constructor(
    readonly db: SyncDatabase,
    private readonly opts: DatabaseLocksOptions,
  ) {
    this.log = opts.log ?? (() => undefined);
  }

  /** Announces this controller and starts its heartbeat and the periodic check of waiters. */
  async start(): Promise<void> {
    // A database that cannot be reached yet (logged once by its session) is announced to by the
    // next heartbeat; the controller starts meanwhile and database locks wait.
    await this.db
      .heartbeat()
      .then(() => {
        this.announced = true;
      })
      .catch((err: unknown) => {
        if (!(err instanceof DatabaseUnreachableError)) throw err;
      });
    const every = (seconds: number, fn: () => Promise<unknown>): void => {
      const t = setInterval(() => void this.serial(fn), seconds * 1000);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.heartbeatSeconds ?? SYNC_DEFAULTS.heartbeatSeconds, () => this.db.heartbeat());
    every(this.opts.pollSeconds ?? SYNC_DEFAULTS.pollSeconds, () => this.poll());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.chain.catch(() => undefined);
  }

  /** Resolves once every database operation asked for so far has run (for tests and shutdown). */
  settled(): Promise<void> {
    return this.chain.then(
      () => undefined,
      () => undefined,
    );
  }

  tryAcquire(
    holderKey: string,
    priority: number,
    creationTime: Date,
    requests: DatabaseLockRequest[],
  ): DatabaseAcquireResult {
    for (const r of requests) this.known.set(databaseKeys(r).state, r);
    const mine = this.held.get(holderKey);
    if (mine && requests.every((r) => mine.has(r.lockKey)))
      return { acquired: true, message: '', failedLockName: '', holders: {} };

    let attempt = this.attempts.get(holderKey);
    if (attempt?.result && !attempt.delivered) {
      attempt.delivered = true;
      const r = attempt.result;
      if (r.acquired || r.error) {
        this.attempts.delete(holderKey);
        if (r.acquired) this.remember(holderKey, requests);
        return r;
      }
      return r;
    }
    if (!attempt) {
      attempt = { running: false, delivered: true };
      this.attempts.set(holderKey, attempt);
    }
    if (!attempt.running) this.startAttempt(holderKey, attempt, priority, creationTime, requests);
    return (
      attempt.result ?? {
        acquired: false,
        message: `Waiting for ${requests[0].lockKey} lock (${databaseKeys(requests[0]).state})`,
        failedLockName: requests[0].lockKey,
        holders: {},
      }
    );
  }

  /** Records a hold found in a workflow's status at controller start; the row is written if missing. */
  restoreHeld(holderKey: string, req: DatabaseLockRequest): void {
    this.known.set(databaseKeys(req).state, req);
    this.remember(holderKey, [req]);
    void this.serial(() => this.db.markHeld(this.db.session, databaseKeys(req).state, holderKey));
  }

  release(holderKey: string, req: DatabaseLockRequest): void {
    const mine = this.held.get(holderKey);
    mine?.delete(req.lockKey);
    if (mine?.size === 0) this.held.delete(holderKey);
    this.attempts.delete(holderKey);
    const state = databaseKeys(req).state;
    void this.serial(async () => {
      await this.db.releaseHeld(state, holderKey);
      await this.db.removeFromQueue(state, holderKey);
      await this.notifyWaiters(state, req);
    });
  }

  /** Gives back everything a workflow (`<ns>/<name>`) holds or waits for. */
  releaseWorkflow(workflowKey: string): void {
    const belongs = (k: string): boolean => k === workflowKey || k.startsWith(`${workflowKey}/`);
    for (const k of [...this.held.keys()]) if (belongs(k)) this.held.delete(k);
    for (const k of [...this.attempts.keys()]) if (belongs(k)) this.attempts.delete(k);
    void this.serial(async () => {
      const names = await this.db.releaseWorkflow(workflowKey);
      for (const n of names) {
        const req = this.known.get(n);
        if (req) await this.notifyWaiters(n, req);
      }
    });
  }

  // ---- internals ------------------------------------------------------------------------------

  private remember(holderKey: string, requests: DatabaseLockRequest[]): void {
    const set = this.held.get(holderKey) ?? new Set<string>();
    for (const r of requests) set.add(r.lockKey);
    this.held.set(holderKey, set);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch((err: Error) => {
      if (!(err instanceof DatabaseUnreachableError)) this.log(`synchronization database: ${err.message}`);
    });
    return next;
  }

  private startAttempt(
    holderKey: string,
    attempt: Attempt,
    priority: number,
    creationTime: Date,
    requests: DatabaseLockRequest[],
  ): void {
    attempt.running = true;
    const first = attempt.result === undefined;
    // A failure is logged by serial(); the holder keeps waiting and tries again after a growing pause.
    void this.serial(() => this.attempt(holderKey, priority, creationTime, requests))
      .then(
        (result): DatabaseAcquireResult & { busy?: boolean; failed?: boolean } => {
          this.failureDelay = 0;
          return result;
        },
        (err: Error): DatabaseAcquireResult & { busy?: boolean; failed?: boolean } => {
          this.failureDelay = Math.min(this.failureDelay * 2 || FAILED_RETRY_MS, 60_000);
          return {
            acquired: false,
            message: `Waiting for ${requests[0].lockKey} lock: the synchronization database failed: ${err.message}`,
            failedLockName: requests[0].lockKey,
            holders: attempt.result?.holders ?? {},
            failed: true,
          };
        },
      )
      .then((result) => {
        attempt.running = false;
        if (this.attempts.get(holderKey) !== attempt || this.stopped) return;
        attempt.result = result;
        attempt.delivered = false;
        const wfKey = workflowKeyOfHolder(holderKey);
        if (result.busy || result.failed) {
          const t = setTimeout(
            () => this.opts.wake([wfKey]),
            result.busy ? BUSY_RETRY_MS : this.failureDelay,
          );
          t.unref();
        } else if (first || result.acquired || result.error) {
          this.opts.wake([wfKey]);
        }
      });
  }

  /** One acquisition, as upstream's: in line, the row locks taken, then all or nothing in a transaction. */
  private async attempt(
    holderKey: string,
    priority: number,
    creationTime: Date,
    requests: DatabaseLockRequest[],
  ): Promise<DatabaseAcquireResult & { busy?: boolean }> {
    const db = this.db;
    // Not announced at start (the database was down): a waiter in line needs its controller's row.
    if (!this.announced) {
      await db.heartbeat();
      this.announced = true;
    }
    const keys = requests.map(databaseKeys);
    const holders: Record<string, string[]> = {};
    const limits: number[] = [];
    for (const [i, r] of requests.entries()) {
      const limit = r.type === 'mutex' ? 1 : ((await db.getLimit(keys[i].limit)) ?? 0);
      if (limit <= 0)
        return {
          acquired: false,
          message: 'failed to initialize lock',
          failedLockName: r.lockKey,
          error: `failed to initialize semaphore ${r.lockKey} with limit: no limit above 0 for ${keys[i].limit} in ${db.tables.limitTable}`,
          holders,
        };
      limits.push(limit);
    }
    for (const k of keys) await db.addToQueue(k.state, holderKey, priority, creationTime);
    const locked: string[] = [];
    try {
      for (const [i, k] of keys.entries()) {
        if (!(await db.lock(k.state)))
          return {
            acquired: false,
            message: 'failed to lock()',
            failedLockName: requests[i].lockKey,
            holders,
            busy: true,
          };
        locked.push(k.state);
      }
      return await db.session.transaction(async (tx) => {
        let message = '';
        let failedLockName = '';
        const toTake: string[] = [];
        for (const [i, k] of keys.entries()) {
          const current = await db.holders(k.state, tx);
          holders[requests[i].lockKey] = current;
          if (current.includes(holderKey)) continue;
          const limit = limits[i];
          const waiting = `Waiting for ${requests[i].lockKey} lock (${k.state}). Lock status: ${current.length}/${limit}`;
          let free = current.length < limit;
          if (free) {
            const line = await db.queue(k.state, tx);
            const front = line[0];
            if (!front || front.controller !== db.controllerName) free = false;
            else if (!sameWorkflowAndLevel(holderKey, front.key)) {
              free = false;
              this.opts.wake([workflowKeyOfHolder(front.key)]);
            }
          }
          if (free) toTake.push(k.state);
          else {
            message ||= waiting;
            failedLockName ||= requests[i].lockKey;
          }
        }
        if (failedLockName) return { acquired: false, message, failedLockName, holders };
        for (const [i, k] of keys.entries()) {
          if (!toTake.includes(k.state)) continue;
          await db.markHeld(tx, k.state, holderKey);
          holders[requests[i].lockKey] = [...(holders[requests[i].lockKey] ?? []), holderKey];
        }
        return { acquired: true, message: '', failedLockName: '', holders };
      });
    } finally {
      for (const l of locked) await db.unlock(l);
    }
  }

  /** Queues this controller's waiters first in line for the free slots of a lock. */
  private async notifyWaiters(state: string, req: DatabaseLockRequest): Promise<void> {
    const limit = req.type === 'mutex' ? 1 : ((await this.db.getLimit(databaseKeys(req).limit)) ?? 0);
    const holders = await this.db.holders(state);
    const line = await this.db.queue(state);
    const wake = line
      .slice(0, Math.max(0, limit - holders.length))
      .filter((e) => e.controller === this.db.controllerName)
      .map((e) => workflowKeyOfHolder(e.key));
    if (wake.length) this.opts.wake(wake);
  }

  /** The periodic round: waiters woken, dead controllers' row locks expired, orphaned rows removed. */
  private async poll(): Promise<void> {
    for (const [state, req] of this.known) await this.notifyWaiters(state, req);
    const expired = await this.db.expireInactiveLocks();
    if (expired) this.log(`synchronization database: expired ${expired} lock(s) of inactive controllers`);
    const exists = this.opts.workflowExists;
    if (!exists) return;
    const gone = new Set<string>();
    for (const row of await this.db.ownState()) {
      const wfKey = workflowKeyOfHolder(row.key);
      if (!exists(wfKey)) gone.add(wfKey);
    }
    for (const wfKey of gone) await this.db.releaseWorkflow(wfKey);
  }
}
