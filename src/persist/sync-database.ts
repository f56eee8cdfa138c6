// The synchronization database: semaphore limits, lock holders and waiters, and controller
// heartbeats in upstream's tables (sync_limit, sync_state, sync_controller, sync_lock, migrated
// in sync_schema_history), so several controllers, ours or Argo's, share database locks.
//
// Lock rows are named as upstream names them: `sem/<namespace>/<key>` for a semaphore and
// `mtx/<namespace>/<name>` for a mutex; a semaphore's limit is the sync_limit row `<namespace>/<key>`.
import { runSteps, type Step } from './migrations.js';
import type { SqlSession, SqlValue } from './sql-session.js';
import { toSqlTime } from './sql-time.js';

export const SYNC_SCHEMA_HISTORY_TABLE = 'sync_schema_history';

export interface SyncTables {
  limitTable: string;
  stateTable: string;
  controllerTable: string;
  lockTable: string;
}

export const DEFAULT_SYNC_TABLES: SyncTables = {
  limitTable: 'sync_limit',
  stateTable: 'sync_state',
  controllerTable: 'sync_controller',
  lockTable: 'sync_lock',
};

/** Upstream's defaults, in seconds. */
export const SYNC_DEFAULTS = { pollSeconds: 10, heartbeatSeconds: 60, inactiveControllerSeconds: 600 };

export interface SyncDatabaseOptions extends Partial<SyncTables> {
  /** This controller's name in the state and heartbeat tables (upstream's `controllerName`). */
  controllerName: string;
  /** A controller whose heartbeat is older than this is dead: its waiters and lock rows are ignored. */
  inactiveControllerSeconds?: number;
  skipMigration?: boolean;
  now?: () => Date;
}

/** The steps of upstream's util/sync/db migration, in its order (the version numbers are shared). */
function syncSteps(t: SyncTables): Step[] {
  return [
    `create table if not exists ${t.limitTable} (
    name varchar(256) not null,
    sizelimit int,
    primary key (name)
)`,
    `create unique index ilimit_name on ${t.limitTable} (name)`,
    `create table if not exists ${t.controllerTable} (
    controller varchar(64) not null,
    time timestamp,
    primary key (controller)
)`,
    `create unique index icontroller_name on ${t.controllerTable} (controller)`,
    `create table if not exists ${t.stateTable} (
    name varchar(256),
    workflowkey varchar(256),
    controller varchar(64) not null,
    held boolean,
    priority int,
    time timestamp,
    primary key(name, workflowkey, controller)
)`,
    `create index istate_name on ${t.stateTable} (name)`,
    `create index istate_workflowkey on ${t.stateTable} (workflowkey)`,
    `create index istate_controller on ${t.stateTable} (controller)`,
    `create index istate_held on ${t.stateTable} (held)`,
    `create table if not exists ${t.lockTable} (
    name varchar(256),
    controller varchar(64) not null,
    time timestamp,
    primary key(name)
)`,
    `create unique index ilock_name on ${t.lockTable} (name)`,
  ];
}

/** The version sync_schema_history holds once migrated. */
export const SYNC_SCHEMA_VERSION = syncSteps(DEFAULT_SYNC_TABLES).length - 1;

export interface QueueEntry {
  key: string;
  controller: string;
}

export class SyncDatabase {
  readonly tables: SyncTables;
  readonly controllerName: string;
  private readonly inactiveMs: number;
  private readonly now: () => Date;

  constructor(
    readonly session: SqlSession,
    opts: SyncDatabaseOptions,
  ) {
    this.tables = {
      limitTable: opts.limitTable || DEFAULT_SYNC_TABLES.limitTable,
      stateTable: opts.stateTable || DEFAULT_SYNC_TABLES.stateTable,
      controllerTable: opts.controllerTable || DEFAULT_SYNC_TABLES.controllerTable,
      lockTable: opts.lockTable || DEFAULT_SYNC_TABLES.lockTable,
    };
    this.controllerName = opts.controllerName;
    this.inactiveMs = (opts.inactiveControllerSeconds ?? SYNC_DEFAULTS.inactiveControllerSeconds) * 1000;
    this.now = opts.now ?? (() => new Date());
  }

  migrate(): Promise<void> {
    return runSteps(this.session, SYNC_SCHEMA_HISTORY_TABLE, syncSteps(this.tables));
  }

  private nowText(offsetMs = 0): string {
    return toSqlTime(new Date(this.now().getTime() + offsetMs).toISOString());
  }

  // ---- limits (`argo sync ... --type database`) -----------------------------------------------

  /** The limit of `<namespace>/<key>`; undefined when there is no row. */
  async getLimit(name: string, s: SqlSession = this.session): Promise<number | undefined> {
    const rows = await s.query<{ sizelimit: number | string | null }>(
      `select sizelimit from ${this.tables.limitTable} where name = ?`,
      [name],
    );
    return rows.length ? Number(rows[0].sizelimit ?? 0) : undefined;
  }

  async createLimit(name: string, limit: number): Promise<void> {
    await this.session.exec(`insert into ${this.tables.limitTable} (name, sizelimit) values (?, ?)`, [
      name,
      limit,
    ]);
  }

  /** Returns whether there was a row to update. */
  async updateLimit(name: string, limit: number): Promise<boolean> {
    // MySQL counts only rows whose value changed: an update to the same limit reads back instead.
    const n = await this.session.exec(`update ${this.tables.limitTable} set sizelimit = ? where name = ?`, [
      limit,
      name,
    ]);
    return n > 0 || (await this.getLimit(name)) !== undefined;
  }

  async deleteLimit(name: string): Promise<void> {
    await this.session.exec(`delete from ${this.tables.limitTable} where name = ?`, [name]);
  }

  // ---- controller heartbeats ------------------------------------------------------------------

  /** Records that this controller is alive. */
  async heartbeat(): Promise<void> {
    const t = this.tables.controllerTable;
    const now = this.nowText();
    const n = await this.session.exec(`update ${t} set time = ? where controller = ?`, [
      now,
      this.controllerName,
    ]);
    if (n > 0) return;
    const rows = await this.session.query(`select controller from ${t} where controller = ?`, [
      this.controllerName,
    ]);
    if (rows.length === 0)
      await this.session.exec(`insert into ${t} (controller, time) values (?, ?)`, [
        this.controllerName,
        now,
      ]);
  }

  /** Drops the cross-controller locks of controllers whose heartbeat stopped; returns how many. */
  expireInactiveLocks(): Promise<number> {
    const { lockTable, controllerTable } = this.tables;
    return this.session.exec(
      `delete from ${lockTable} where controller in (select controller from ${controllerTable} where time <= ?)`,
      [this.nowText(-this.inactiveMs)],
    );
  }

  // ---- lock state -----------------------------------------------------------------------------

  /** Holder keys of a lock, from every controller. */
  async holders(name: string, s: SqlSession = this.session): Promise<string[]> {
    const rows = await s.query<{ workflowkey: string }>(
      `select workflowkey from ${this.tables.stateTable} where held = ? and name = ?`,
      [true, name],
    );
    return rows.map((r) => r.workflowkey);
  }

  /** Waiters of live controllers, first in line first: higher priority, then earlier creation. */
  async queue(name: string, s: SqlSession = this.session): Promise<QueueEntry[]> {
    const { stateTable, controllerTable } = this.tables;
    const rows = await s.query<{ workflowkey: string; controller: string }>(
      `select workflowkey, controller from ${stateTable}
       where name = ? and held = ?
         and controller in (select controller from ${controllerTable} where time > ?)
       order by priority desc, time asc`,
      [name, false, this.nowText(-this.inactiveMs)],
    );
    return rows.map((r) => ({ key: r.workflowkey, controller: r.controller }));
  }

  /** Puts this controller's holder in line for a lock, once. */
  async addToQueue(name: string, key: string, priority: number, creationTime: Date): Promise<void> {
    const rows = await this.session.query(
      `select workflowkey from ${this.tables.stateTable} where name = ? and workflowkey = ? and controller = ?`,
      [name, key, this.controllerName],
    );
    if (rows.length) return;
    await this.session.exec(
      `insert into ${this.tables.stateTable} (name, workflowkey, controller, held, priority, time) values (?, ?, ?, ?, ?, ?)`,
      [name, key, this.controllerName, false, priority, toSqlTime(creationTime.toISOString())],
    );
  }

  /** Marks this controller's holder as holding the lock (inserting the row when it was not in line). */
  async markHeld(s: SqlSession, name: string, key: string): Promise<void> {
    const st = this.tables.stateTable;
    const n = await s.exec(
      `update ${st} set held = ? where name = ? and workflowkey = ? and controller = ? and held = ?`,
      [true, name, key, this.controllerName, false],
    );
    if (n > 0) return;
    const rows = await s.query(
      `select held from ${st} where name = ? and workflowkey = ? and controller = ?`,
      [name, key, this.controllerName],
    );
    if (rows.length) return;
    await s.exec(
      `insert into ${st} (name, workflowkey, controller, held, priority, time) values (?, ?, ?, ?, ?, ?)`,
      [name, key, this.controllerName, true, 0, this.nowText()],
    );
  }

  async releaseHeld(name: string, key: string): Promise<void> {
    await this.session.exec(
      `delete from ${this.tables.stateTable} where held = ? and name = ? and workflowkey = ? and controller = ?`,
      [true, name, key, this.controllerName],
    );
  }

  async removeFromQueue(name: string, key: string): Promise<void> {
    await this.session.exec(
      `delete from ${this.tables.stateTable} where held = ? and name = ? and workflowkey = ? and controller = ?`,
      [false, name, key, this.controllerName],
    );
  }

  /** Removes every row (held or waiting) of this controller for a workflow (`<ns>/<name>`); returns the lock names. */
  async releaseWorkflow(workflowKey: string): Promise<string[]> {
    const st = this.tables.stateTable;
    // Kubernetes names hold neither `%` nor `_`, so the key needs no LIKE escaping.
    const where = `controller = ? and (workflowkey = ? or workflowkey like ?)`;
    const params: SqlValue[] = [this.controllerName, workflowKey, `${workflowKey}/%`];
    const rows = await this.session.query<{ name: string }>(
      `select distinct name from ${st} where ${where}`,
      params,
    );
    if (rows.length) await this.session.exec(`delete from ${st} where ${where}`, params);
    return rows.map((r) => r.name);
  }

  /** This controller's rows, for reconciling with the workflows it still has. */
  async ownState(): Promise<{ name: string; key: string; held: boolean }[]> {
    const rows = await this.session.query<{ name: string; workflowkey: string; held: unknown }>(
      `select name, workflowkey, held from ${this.tables.stateTable} where controller = ?`,
      [this.controllerName],
    );
    return rows.map((r) => ({ name: r.name, key: r.workflowkey, held: Boolean(Number(r.held)) }));
  }

  // ---- the cross-controller lock around an acquisition ----------------------------------------

  /** Takes the row lock `name` for this controller; false when another controller has it. */
  async lock(name: string): Promise<boolean> {
    const t = this.tables.lockTable;
    const mine = await this.session.query(`select name from ${t} where name = ? and controller = ?`, [
      name,
      this.controllerName,
    ]);
    if (mine.length) return true;
    try {
      await this.session.exec(`insert into ${t} (name, controller, time) values (?, ?, ?)`, [
        name,
        this.controllerName,
        this.nowText(),
      ]);
      return true;
    } catch {
      return false; // the primary key is taken: someone else is acquiring this lock
    }
  }

  async unlock(name: string): Promise<void> {
    await this.session.exec(`delete from ${this.tables.lockTable} where name = ?`, [name]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
