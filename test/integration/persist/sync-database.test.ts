// Database synchronization against SQLite, PostgreSQL and MariaDB: upstream's tables, semaphore
// limits read from sync_limit, mutexes, waiters woken in priority order, two controllers sharing
// one database, dead controllers' waiters and row locks expired, and rows shaped as Argo's
// controller writes them counted as holders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseLocks, type DatabaseLockRequest } from '../../../src/controller/sync/database-locks.js';
import { decodeLockName, type LockType } from '../../../src/controller/sync/lock-name.js';
import { SyncManager } from '../../../src/controller/sync/sync-manager.js';
import type { Workflow } from '../../../src/model/workflow.js';
import {
  openSession,
  openSyncDatabase,
  SYNC_SCHEMA_VERSION,
  type ArchiveDatabase,
  type SqlSession,
  type SyncDatabase,
} from '../../../src/persist/index.js';
import { testDatabases } from './databases.js';

// Argo v4's util/sync/db/migrate.go has 11 steps, numbered from 0.
const UPSTREAM_SYNC_SCHEMA_VERSION = 10;

function request(type: LockType, lockKey: string): DatabaseLockRequest {
  return { lockKey, type, name: decodeLockName(lockKey) };
}

/** A controller: its database handle and locks, and the workflows it was asked to wake. */
interface Controller {
  db: SyncDatabase;
  locks: DatabaseLocks;
  woken: string[];
}

async function controller(
  where: ArchiveDatabase,
  name: string,
  inactiveSeconds?: number,
): Promise<Controller> {
  const db = await openSyncDatabase(where, {
    controllerName: name,
    inactiveControllerSeconds: inactiveSeconds,
  });
  const woken: string[] = [];
  const locks = new DatabaseLocks(db, { wake: (keys) => woken.push(...keys), pollSeconds: 3600 });
  await locks.start();
  return { db, locks, woken };
}

/** Asks until the answer settles (the attempt ran) and returns it. */
async function acquire(
  c: Controller,
  holderKey: string,
  req: DatabaseLockRequest,
  priority = 0,
  created = new Date('2026-01-01T00:00:00Z'),
): Promise<ReturnType<DatabaseLocks['tryAcquire']>> {
  c.locks.tryAcquire(holderKey, priority, created, [req]);
  await c.locks.settled();
  return c.locks.tryAcquire(holderKey, priority, created, [req]);
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const databases = await testDatabases();

for (const database of databases) {
  if (database.unavailable && !process.env.CI) {
    console.warn(`skipping the synchronization database tests on ${database.label}: ${database.unavailable}`);
    describe.skip(`synchronization database on ${database.label} (skipped: ${database.unavailable})`, () => {
      it('needs the database', () => undefined);
    });
    continue;
  }

  describe(`synchronization database on ${database.label}`, () => {
    let where: ArchiveDatabase;
    let drop: () => Promise<void>;
    let admin: SqlSession;
    const opened: Controller[] = [];
    const open = async (name: string, inactiveSeconds?: number): Promise<Controller> => {
      const c = await controller(where, name, inactiveSeconds);
      opened.push(c);
      return c;
    };

    beforeAll(async () => {
      if (database.unavailable) throw new Error(database.unavailable);
      ({ db: where, drop } = await database.create());
      admin = await openSession(where);
    });

    afterAll(async () => {
      for (const c of opened) {
        await c.locks.stop();
        await c.db.close();
      }
      await admin?.close();
      await drop?.();
    });

    it("migrates to upstream's tables and version, and again without change", async () => {
      const c = await open('migrate');
      await c.db.migrate();
      const v = await admin.query<{ v: number }>('select schema_version as v from sync_schema_history');
      expect(v.map((r) => Number(r.v))).toEqual([UPSTREAM_SYNC_SCHEMA_VERSION]);
      expect(SYNC_SCHEMA_VERSION).toBe(UPSTREAM_SYNC_SCHEMA_VERSION);
      for (const t of ['sync_limit', 'sync_state', 'sync_controller', 'sync_lock'])
        expect(await admin.query(`select * from ${t} where 1 = 0`)).toEqual([]);
    });

    it('admits as many holders as sync_limit says, and wakes the next in line on release', async () => {
      const a = await open('ctrl-a');
      await a.db.createLimit('ns1/gpu', 2);
      const sem = request('semaphore', 'ns1/Database/gpu');
      expect((await acquire(a, 'ns1/wf1', sem)).acquired).toBe(true);
      expect((await acquire(a, 'ns1/wf2', sem, 0, new Date('2026-01-01T00:00:01Z'))).acquired).toBe(true);
      const third = await acquire(a, 'ns1/wf3', sem, 0, new Date('2026-01-01T00:00:02Z'));
      expect(third.acquired).toBe(false);
      expect(third.message).toBe('Waiting for ns1/Database/gpu lock (sem/ns1/gpu). Lock status: 2/2');
      expect(third.holders['ns1/Database/gpu']?.sort()).toEqual(['ns1/wf1', 'ns1/wf2']);
      expect(await a.db.holders('sem/ns1/gpu')).toHaveLength(2);

      a.woken.length = 0;
      a.locks.release('ns1/wf1', sem);
      await a.locks.settled();
      expect(a.woken).toEqual(['ns1/wf3']);
      expect((await acquire(a, 'ns1/wf3', sem)).acquired).toBe(true);
      expect((await a.db.holders('sem/ns1/gpu')).sort()).toEqual(['ns1/wf2', 'ns1/wf3']);

      // A raised limit lets the next one in.
      await a.db.updateLimit('ns1/gpu', 3);
      expect((await acquire(a, 'ns1/wf4', sem)).acquired).toBe(true);
    });

    it('fails a semaphore without a limit row, as upstream does', async () => {
      const a = await open('ctrl-nolimit');
      const r = await acquire(a, 'ns1/wfx', request('semaphore', 'ns1/Database/missing'));
      expect(r.acquired).toBe(false);
      expect(r.error).toMatch(/failed to initialize semaphore ns1\/Database\/missing with limit/);
    });

    it('serves a mutex to one holder at a time across two controllers, higher priority first', async () => {
      const a = await open('ctrl-m1');
      const b = await open('ctrl-m2');
      const mtx = request('mutex', 'ns2/Database/one');
      expect((await acquire(a, 'ns2/first/node-1', mtx)).acquired).toBe(true);
      const low = await acquire(b, 'ns2/low', mtx, 1, new Date('2026-01-01T00:00:00Z'));
      const high = await acquire(a, 'ns2/high', mtx, 5, new Date('2026-01-01T00:01:00Z'));
      expect([low.acquired, high.acquired]).toEqual([false, false]);
      expect(high.message).toBe('Waiting for ns2/Database/one lock (mtx/ns2/one). Lock status: 1/1');

      a.locks.release('ns2/first/node-1', mtx);
      await a.locks.settled();
      // The higher priority waiter is first in line, though it came later.
      expect((await acquire(b, 'ns2/low', mtx)).acquired).toBe(false);
      expect((await acquire(a, 'ns2/high', mtx)).acquired).toBe(true);
      a.locks.releaseWorkflow('ns2/high');
      await a.locks.settled();
      await waitFor(async () => (await acquire(b, 'ns2/low', mtx)).acquired, 'ns2/low to take the mutex');
      expect(await b.db.holders('mtx/ns2/one')).toEqual(['ns2/low']);
    });

    it("ignores a dead controller's waiters and expires its row locks", async () => {
      const live = await open('ctrl-live', 60);
      const dead = await open('ctrl-dead', 60);
      await live.db.createLimit('ns3/slots', 1);
      const sem = request('semaphore', 'ns3/Database/slots');
      expect((await acquire(live, 'ns3/holder', sem)).acquired).toBe(true);
      // The dead controller waits first in line, then stops beating.
      expect((await acquire(dead, 'ns3/stale', sem, 9)).acquired).toBe(false);
      await admin.exec(
        "insert into sync_lock (name, controller, time) values ('sem/ns3/other', 'ctrl-dead', ?)",
        ['2020-01-01 00:00:00'],
      );
      await admin.exec("update sync_controller set time = ? where controller = 'ctrl-dead'", [
        '2020-01-01 00:00:00',
      ]);
      await dead.locks.stop();

      expect((await acquire(live, 'ns3/next', sem)).acquired).toBe(false);
      live.locks.release('ns3/holder', sem);
      await live.locks.settled();
      expect((await acquire(live, 'ns3/next', sem)).acquired).toBe(true);
      expect(await live.db.expireInactiveLocks()).toBe(1);
      expect(await admin.query("select name from sync_lock where controller = 'ctrl-dead'")).toEqual([]);
    });

    it("counts rows written the way Argo's controller writes them", async () => {
      const a = await open('ctrl-ours');
      await admin.exec('insert into sync_limit (name, sizelimit) values (?, ?)', ['ns4/shared', 1]);
      await admin.exec(
        'insert into sync_state (name, workflowkey, controller, held, priority, time) values (?, ?, ?, ?, ?, ?)',
        ['sem/ns4/shared', 'ns4/theirs', 'argo-upstream', true, 0, '2026-01-01 00:00:00'],
      );
      const sem = request('semaphore', 'ns4/Database/shared');
      const r = await acquire(a, 'ns4/ours', sem);
      expect(r.acquired).toBe(false);
      expect(r.holders['ns4/Database/shared']).toEqual(['ns4/theirs']);
      // And our rows answer the query upstream's checkAcquire runs.
      const pending = await admin.query<{ workflowkey: string }>(
        'select workflowkey from sync_state where held = ? and name = ?',
        [false, 'sem/ns4/shared'],
      );
      expect(pending.map((p) => p.workflowkey)).toEqual(['ns4/ours']);
    });

    it('keeps a holder waiting, not failed, while the database is gone, and logs it', async () => {
      const db = await openSyncDatabase(where, { controllerName: 'ctrl-lost' });
      const logs: string[] = [];
      const woken: string[] = [];
      const locks = new DatabaseLocks(db, {
        wake: (k) => woken.push(...k),
        log: (m) => logs.push(m),
        pollSeconds: 3600,
      });
      await locks.start();
      await db.close();
      const mtx = request('mutex', 'ns6/Database/lost');
      const r = await acquire({ db, locks, woken }, 'ns6/wf', mtx);
      expect(r.acquired).toBe(false);
      expect(r.error).toBeUndefined();
      expect(r.message).toMatch(
        /^Waiting for ns6\/Database\/lost lock: the synchronization database failed: /,
      );
      expect(logs.some((l) => l.startsWith('synchronization database: '))).toBe(true);
      await locks.stop();
    });

    it('gives a workflow its database lock through the sync manager, and the status records it', async () => {
      const a = await open('ctrl-manager');
      const woken: string[] = [];
      const locks = new DatabaseLocks(a.db, { wake: (k) => woken.push(...k), pollSeconds: 3600 });
      const manager = new SyncManager({
        getConfigMap: () => undefined,
        onLockReleased: () => undefined,
        database: locks,
      });
      const wf = {
        metadata: { name: 'wf', namespace: 'ns5', creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: { synchronization: { mutexes: [{ name: 'solo', database: true }] } },
        status: {},
      } as unknown as Workflow;
      const sync = wf.spec.synchronization!;
      const first = manager.tryAcquire(wf, '', sync);
      expect(first.acquired).toBe(false);
      await locks.settled();
      expect(woken).toEqual(['ns5/wf']);
      const second = manager.tryAcquire(wf, '', sync);
      expect(second.acquired).toBe(true);
      expect(wf.status?.synchronization?.mutex?.holding).toEqual([
        { mutex: 'ns5/Database/solo', holder: 'ns5/wf' },
      ]);
      manager.releaseAll(wf);
      await locks.settled();
      expect(await a.db.holders('mtx/ns5/solo')).toEqual([]);
    });
  });
}
