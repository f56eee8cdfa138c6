// The embedded ResourceStore: one SQLite file (WAL) shared by the CLI, a detached controller and
// `argo server` on the same machine. Every write is one IMMEDIATE transaction that also appends to
// the change log (change-log.ts), which is how watches in other processes learn about it.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { KubeObject } from '../../model/meta.js';
import { argoHome } from '../home.js';
import {
  compileSelector,
  matchesFields,
  matchesLabels,
  parseLabelSelector,
  type CompiledSelector,
} from '../selectors.js';
import {
  checkName,
  deepEqual,
  finishCreate,
  isClusterScoped,
  prepareCreate,
  prepareDelete,
  mergePatcher,
  prepareUpdate,
  storedNamespace,
  updateTarget,
} from '../semantics.js';
import {
  AlreadyExistsError,
  InvalidError,
  NotFoundError,
  StoreError,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type ResourceKind,
  type ResourceStore,
  type UpdateOptions,
  type Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from '../types.js';
import { generatedName } from '../validation.js';
import {
  timeOf,
  type WorkflowPageQuery,
  type WorkflowPageResult,
  type WorkflowPager,
} from '../workflow-page.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { openDatabase } from './database.js';
import { storeOpenError } from './open-error.js';
import { ChangeLog, DEFAULT_LIMITS, type RecordedChange } from './change-log.js';
import { migrate } from './schema.js';
import { WatchHub, type Change, type ParseRow } from './watch-hub.js';
import { mayBeReordered, splitText, WrittenObjects, type WrittenObject } from './written-objects.js';
import { workflowPageScan } from './workflow-page.js';

export interface SqliteStoreOptions {
  /** The database file; default `<argoHome()>/argo.db`. Its directory is created. */
  path?: string;
  /** How often watches look for writes made by other processes. Default 150 ms. */
  pollIntervalMs?: number;
  /** How many change-log rows to keep; a watch resuming from an older version gets 410 Expired. Default 10000. */
  changeLogRetention?: number;
  /** How long (ms) change-log rows are kept, as etcd's periodic compaction does. Default 5 minutes. */
  changeLogMaxAgeMs?: number;
  /** Bytes of deleted objects' last states the log keeps; older deletions become tombstones. Default 256 KiB. */
  changeLogStateBytes?: number;
  /** How long a write waits for another process's transaction. Default 5000 ms. */
  busyTimeoutMs?: number;
}

type Db = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

interface ObjectRow {
  id: number;
  resource_version: number;
  object: string;
}

const GENERATE_NAME_ATTEMPTS = 8;

export function defaultStorePath(): string {
  return path.join(argoHome(), 'argo.db');
}

/** Opens (creating if needed) the store file and brings its schema up to date. */
export function openSqliteStore(opts: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(opts);
}

export class SqliteStore implements ResourceStore, WorkflowPager {
  readonly path: string;
  private readonly db: Db;
  private readonly hub: WatchHub;
  private readonly log: ChangeLog;
  private readonly stmts: ReturnType<typeof prepareStatements>;
  private readonly listStatements = new Map<string, Statement>();
  /** Large objects as this store last wrote them, for the next handed-over update (written-objects.ts). */
  private readonly written = new WrittenObjects();
  private readonly inTransaction: { immediate<R>(fn: () => R): R; deferred<R>(fn: () => R): R };
  private closed = false;
  private wrote = false;
  /** Whether this store removed objects: only then is its close worth shrinking the files for. */
  private removed = false;

  constructor(opts: SqliteStoreOptions = {}) {
    this.path = opts.path ?? defaultStorePath();
    try {
      if (this.path !== ':memory:') mkdirSync(path.dirname(this.path), { recursive: true });
      this.db = openDatabase(this.path);
    } catch (err) {
      throw storeOpenError(this.path, err);
    }
    try {
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Checkpointed WAL beyond this is truncated, so the files shrink back after a burst of writes.
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      // Takes effect on a new file only (before its first table); an older file is converted once below.
      // Set only where it is not yet: setting it rewrites the file's header, so every command that
      // only reads would write to the store and wait on the disk to checkpoint it when it closes.
      if ((this.db.pragma('auto_vacuum', { simple: true }) as number) !== 2)
        this.db.pragma('auto_vacuum = INCREMENTAL');
      const found = migrate(this.db, this.path);
      if (found < 2) convertToIncrementalVacuum(this.db);
      this.stmts = prepareStatements(this.db);
      this.log = new ChangeLog(this.db, {
        maxRows: Math.max(1, opts.changeLogRetention ?? DEFAULT_LIMITS.maxRows),
        maxAgeMs: Math.max(0, opts.changeLogMaxAgeMs ?? DEFAULT_LIMITS.maxAgeMs),
        maxStateBytes: Math.max(0, opts.changeLogStateBytes ?? DEFAULT_LIMITS.maxStateBytes),
      });
    } catch (err) {
      this.db.close();
      throw storeOpenError(this.path, err);
    }
    const run = this.db.transaction((fn: () => unknown) => fn());
    this.inTransaction = {
      immediate: <R>(fn: () => R) => run.immediate(fn) as R,
      deferred: <R>(fn: () => R) => run.deferred(fn) as R,
    };
    this.hub = new WatchHub(
      {
        changesAfter: (after, kinds, limit) => this.log.changesAfter(after, kinds, limit),
        prunedThrough: () => this.log.compactedThrough(),
        pastState: (rv) => this.log.pastState(rv),
        snapshot: (kind, namespace, selector, parse) =>
          this.inTransaction.deferred(() => ({
            items: this.scan(kind, namespace, selector, undefined, undefined, parse).items,
            resourceVersion: this.currentVersion(),
          })),
      },
      Math.max(10, opts.pollIntervalMs ?? 150),
    );
  }

  async get<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    this.ensureOpen();
    const row = this.stmts.get.get(kind, storedNamespace(kind, namespace), name) as
      { object: string } | undefined;
    return row ? (JSON.parse(row.object) as T) : undefined;
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.ensureOpen();
    const selector = compileSelector(opts);
    const limit = opts.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new InvalidError(`invalid limit ${limit}: must be a non-negative integer`);
    }
    const after = opts.continue ? decodeContinue(opts.continue) : undefined;
    const namespace = storedNamespace(kind, opts.namespace);
    return this.inTransaction.deferred(() => {
      const page = this.scan(kind, namespace, selector, limit || undefined, after);
      const result: ListResult<T> = {
        items: page.items as T[],
        resourceVersion: String(this.currentVersion()),
      };
      if (page.continueAfter) result.continue = encodeContinue(page.continueAfter);
      return result;
    });
  }

  /** Selects and orders in SQL over the workflows_by_start indexes; parses the labels it filters on and the page's objects only. */
  async pageWorkflows<T extends KubeObject>(q: WorkflowPageQuery): Promise<WorkflowPageResult<T>> {
    this.ensureOpen();
    const labels = parseLabelSelector(q.labelSelector ?? '');
    const scan = workflowPageScan(q);
    const stmt = this.statement(scan.sql);
    return this.inTransaction.deferred(() => {
      const ids: number[] = [];
      let matched = 0;
      let remaining = 0;
      for (const row of stmt.iterate(...scan.params) as Iterable<{
        id: number;
        labels: string;
        created: string;
      }>) {
        if (labels.length > 0 && !matchesLabels(labels, JSON.parse(row.labels))) continue;
        if (q.createdAfter !== undefined && timeOf(row.created) < q.createdAfter) continue;
        matched++;
        if (matched <= q.offset) continue;
        if (q.limit === 0 || ids.length < q.limit) {
          ids.push(row.id);
          continue;
        }
        remaining++;
        if (!q.countRemaining) break;
      }
      const items = ids.map(
        (id) => JSON.parse((this.stmts.objectById.get(id) as { object: string }).object) as T,
      );
      return { items, remaining, resourceVersion: String(this.currentVersion()) };
    });
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.ensureOpen();
    const prepared = prepareCreate(kind, obj);
    const namespace = storedNamespace(kind, prepared.metadata.namespace);
    const { text, change } = this.write(() => {
      const meta = prepared.metadata;
      if (meta.name) {
        if (this.exists(kind, namespace, meta.name)) throw new AlreadyExistsError(kind, meta.name);
      } else {
        let candidate = '';
        for (let attempt = 0; attempt < GENERATE_NAME_ATTEMPTS && !meta.name; attempt++) {
          candidate = generatedName(meta.generateName!);
          if (attempt === 0) checkName(kind, candidate);
          if (!this.exists(kind, namespace, candidate)) meta.name = candidate;
        }
        if (!meta.name) throw new AlreadyExistsError(kind, candidate);
      }
      const rv = this.nextVersion();
      // The global crypto loads on first use; importing node:crypto would load it with every read.
      const created = finishCreate(prepared, crypto.randomUUID(), rv, new Date());
      const text = JSON.stringify(created);
      this.stmts.insert.run(
        kind,
        namespace,
        created.metadata.name,
        created.metadata.uid,
        rv,
        JSON.stringify(created.metadata.labels ?? {}),
        created.metadata.creationTimestamp,
        ...statusTimes(created),
        text,
      );
      return {
        text,
        change: this.recordChange(rv, kind, namespace, created, 'ADDED', null, text),
      };
    });
    this.hub.committed(change);
    return JSON.parse(text) as T;
  }

  async update<T extends KubeObject>(kind: ResourceKind, obj: T, opts: UpdateOptions = {}): Promise<T> {
    this.ensureOpen();
    const { namespace, name } = updateTarget(kind, obj);
    return this.replace<T>(kind, namespace, name, () => obj, opts.handOver === true, true);
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    this.ensureOpen();
    const ns = storedNamespace(kind, namespace);
    // The patch's own copy (patches are small): the patched object then shares nothing with the
    // caller, so watches of this process take it as it is rather than parsing what was written.
    // (Anything but an object is left for mergePatcher to reject.)
    const own: unknown =
      typeof patch === 'object' && patch !== null ? JSON.parse(JSON.stringify(patch)) : patch;
    return this.replace<T>(kind, ns, name, mergePatcher<T>(kind, ns, name, own), false, false, true);
  }

  async delete(kind: ResourceKind, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    this.ensureOpen();
    const ns = storedNamespace(kind, namespace);
    this.written.forget(`${kind}\0${ns}\0${name}`);
    const change = this.write(() => {
      const row = this.row(kind, ns, name);
      const rv = this.nextVersion();
      const outcome = prepareDelete(
        kind,
        JSON.parse(row.object) as KubeObject,
        opts.resourceVersion,
        rv,
        new Date(),
      );
      if (outcome.action === 'unchanged') return undefined;
      const text = JSON.stringify(outcome.object);
      // outcome.object was parsed from the row here: no one else holds it (see Change.object).
      if (outcome.action === 'mark') {
        this.updateRow(row.id, rv, outcome.object, text);
        return this.recordChange(rv, kind, ns, outcome.object, 'MODIFIED', row.resource_version, text, true);
      }
      this.removeRow(row.id);
      return this.recordChange(rv, kind, ns, outcome.object, 'DELETED', row.resource_version, text, true);
    });
    if (change) {
      this.hub.committed(change);
      this.releaseFreePages();
    }
  }

  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): Watch {
    this.ensureOpen();
    return this.hub.watch(kind, opts, onEvent as (event: WatchEvent<KubeObject>) => void, onError);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    // A process that wrote (the CLI after `argo delete`) leaves the log compacted, and one that
    // removed objects the file and its WAL shrunk back; one that only read never waits for the
    // write lock. (Shrinking after every writer, each executor's close, would checkpoint per pod.)
    if (this.wrote) {
      try {
        this.write(() => this.log.compact());
        if (this.removed) this.releaseFreePages(0);
      } catch {
        // Busy: the next writer compacts.
      }
      if (this.removed) this.truncateLog();
    }
    this.db.close();
  }

  /** The store's current resourceVersion: that of the latest write by any process. */
  currentResourceVersion(): string {
    this.ensureOpen();
    return String(this.currentVersion());
  }

  // -------------------------------------------------------------------------------------------

  /**
   * With `handOver`, an update returns the object it wrote (see UpdateOptions.handOver), and the
   * store keeps what it wrote of a large object so the next such update of it is cheap (see
   * written-objects.ts). `next` gets the stored object, unless `replacing` says it ignores it;
   * `owned` says what it returns shares nothing with the caller (see Change.object).
   */
  private replace<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    next: (existing: T) => T,
    handOver = false,
    replacing = false,
    owned = false,
  ): T {
    const key = `${kind}\0${namespace}\0${name}`;
    const { text, change, unchanged, written } = this.write(() => {
      if (handOver && replacing) {
        const ref = this.stmts.getRef.get(kind, namespace, name) as
          { id: number; resource_version: number } | undefined;
        if (!ref) throw new NotFoundError(kind, name);
        const known = this.written.get(key, ref.id, ref.resource_version);
        if (known) return this.replaceKnown(kind, namespace, key, known, next(undefined as unknown as T));
      }
      this.written.forget(key);
      const row = this.row(kind, namespace, name);
      const existing = JSON.parse(row.object) as T;
      const rv = this.nextVersion();
      const outcome = prepareUpdate(kind, existing, next(existing), rv);
      if (outcome.action === 'unchanged')
        return { text: row.object, change: undefined, unchanged: existing, written: undefined };
      // Split only what may be remembered: for any other write one JSON.stringify is cheaper.
      const split = handOver ? splitText(outcome.object) : { text: JSON.stringify(outcome.object) };
      const text = split.text;
      if (outcome.action === 'delete') {
        this.removeRow(row.id);
        return {
          text,
          change: this.recordChange(
            rv,
            kind,
            namespace,
            outcome.object,
            'DELETED',
            row.resource_version,
            text,
            owned,
          ),
          unchanged: undefined,
          written: undefined,
        };
      }
      this.updateRow(row.id, rv, outcome.object, text);
      if (handOver) this.written.remember(key, row.id, rv, split);
      return {
        text,
        change: this.recordChange(
          rv,
          kind,
          namespace,
          outcome.object,
          'MODIFIED',
          row.resource_version,
          text,
          owned && !handOver,
        ),
        unchanged: undefined,
        written: handOver ? outcome.object : undefined,
      };
    });
    if (change) this.hub.committed(change);
    return unchanged ?? written ?? (JSON.parse(text) as T);
  }

  /**
   * A handed-over update of an object this store wrote last (inside the write's transaction): the
   * stored text is neither read nor parsed. The part beside the status is compared as objects (it
   * is small), the status as text, and as objects only when the two texts differ yet are as long.
   */
  private replaceKnown<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    key: string,
    known: WrittenObject,
    input: T,
  ): { text: string; change: Change | undefined; unchanged: T | undefined; written: T | undefined } {
    const rv = this.nextVersion();
    let statusText: string | undefined;
    let compared: T | undefined;
    let headSame = false;
    const same = (result: T, head: T): boolean => {
      compared = result;
      const { status, ...rest } = result as T & { status?: unknown };
      if (!deepEqual(rest, head)) return false;
      headSame = true;
      statusText = JSON.stringify(status);
      if (statusText === known.statusText) return true;
      return (
        statusText !== undefined &&
        mayBeReordered(statusText, known.statusText) &&
        deepEqual(status, JSON.parse(known.statusText))
      );
    };
    const outcome = prepareUpdate(kind, { ...known.head } as T, input, rv, same);
    if (outcome.action === 'unchanged')
      return { text: '', change: undefined, unchanged: compared, written: undefined };
    const split = splitText(outcome.object, statusText);
    const text = split.text;
    if (outcome.action === 'delete') {
      this.written.forget(key);
      this.removeRow(known.id);
      const change = this.recordChange(
        rv,
        kind,
        namespace,
        outcome.object,
        'DELETED',
        known.resourceVersion,
        text,
      );
      return { text, change, unchanged: undefined, written: undefined };
    }
    this.updateRow(known.id, rv, outcome.object, text);
    // A pass that changed only the status leaves the head as it was but for its resourceVersion:
    // the kept head is reused with that, rather than parsing the head (the whole spec) again.
    const head = headSame
      ? { ...known.head, metadata: { ...known.head.metadata, resourceVersion: String(rv) } }
      : undefined;
    this.written.remember(key, known.id, rv, split, head);
    const change = this.recordChange(
      rv,
      kind,
      namespace,
      outcome.object,
      'MODIFIED',
      known.resourceVersion,
      text,
    );
    return { text, change, unchanged: undefined, written: outcome.object };
  }

  private removeRow(id: number): void {
    this.stmts.delete.run(id);
    this.removed = true;
  }

  private updateRow(id: number, rv: number, obj: KubeObject, text: string): void {
    this.stmts.update.run(rv, JSON.stringify(obj.metadata.labels ?? {}), ...statusTimes(obj), text, id);
  }

  /** Runs a write as one IMMEDIATE transaction, so concurrent writers queue on the busy timeout. */
  private write<R>(fn: () => R): R {
    this.wrote = true;
    try {
      return this.inTransaction.immediate(fn);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
        throw new StoreError(
          `the store ${this.path} is busy (another process holds it): ${(err as Error).message}`,
          503,
          'ServiceUnavailable',
        );
      }
      // The write rolled back whole; say which file could not take it, as a file write would.
      if (code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))) {
        const cause = code === 'SQLITE_FULL' ? 'no space left on device' : 'input/output error';
        throw new StoreError(
          `writing ${this.path}: ${cause} (${(err as Error).message}); nothing was changed`,
          500,
          'InternalError',
        );
      }
      throw err;
    }
  }

  private row(kind: ResourceKind, namespace: string, name: string): ObjectRow {
    const row = this.stmts.getRow.get(kind, namespace, name) as ObjectRow | undefined;
    if (!row) throw new NotFoundError(kind, name);
    return row;
  }

  private exists(kind: ResourceKind, namespace: string, name: string): boolean {
    return this.stmts.exists.get(kind, namespace, name) !== undefined;
  }

  private currentVersion(): number {
    return this.log.currentVersion();
  }

  /** Inside a write transaction: the version this write takes; recordChange makes it current. */
  private nextVersion(): number {
    return this.currentVersion() + 1;
  }

  private recordChange(
    rv: number,
    kind: ResourceKind,
    namespace: string,
    obj: KubeObject,
    type: WatchEventType,
    prevVersion: number | null,
    text: string,
    owned = false,
  ): Change {
    const change: RecordedChange = {
      resourceVersion: rv,
      kind,
      namespace,
      name: obj.metadata.name ?? '',
      type,
      prevVersion,
      labels: obj.metadata.labels,
      text,
    };
    const recorded = this.log.record(change);
    // Only when a watch of this process may take it: otherwise the object is left to be collected.
    if (owned && this.hub.size > 0) recorded.object = obj;
    return recorded;
  }

  /**
   * Gives pages freed by deletions back to the file system once they are a sizeable share of the
   * file, so the file returns near its size before; below that SQLite reuses them for new writes.
   */
  private releaseFreePages(minPages = RELEASE_MIN_PAGES): void {
    // Prepared once: db.pragma() compiles its statement on every call, and this runs per deletion.
    const free = this.stmts.freePages.get() as number;
    if (free === 0 || free < minPages) return;
    const total = this.stmts.pageCount.get() as number;
    if (free * 4 < total) return;
    try {
      this.db.pragma('incremental_vacuum');
    } catch (err) {
      // Another process is writing: the next deletion tries again.
      if (!String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw err;
    }
  }

  /**
   * Empties the write-ahead log when a writer closes. The last connection to close does this by
   * itself, but another process (an idle detached controller) often keeps the file open, and the
   * WAL then stays as large as the writes left it (up to journal_size_limit). Never waits: a busy
   * file is left to the next writer's close.
   */
  private truncateLog(): void {
    if (this.path === ':memory:' || walBytes(this.path) < WAL_TRUNCATE_BYTES) return;
    try {
      this.db.pragma('busy_timeout = 0');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy or read-only: nothing lost, the file is only larger than it needs to be.
    }
  }

  /** Objects of a kind in (namespace, name) order, filtered by the selector; call inside a read transaction. */
  private scan(
    kind: ResourceKind,
    namespace: string,
    selector: CompiledSelector,
    limit: number | undefined,
    after: { namespace: string; name: string } | undefined,
    parse?: ParseRow,
  ): { items: KubeObject[]; continueAfter?: { namespace: string; name: string } } {
    let ns = namespace;
    if (selector.namespace !== undefined && !isClusterScoped(kind)) {
      if (ns && ns !== selector.namespace) return { items: [] };
      ns = selector.namespace;
    }
    const clauses = ['kind = ?'];
    const params: unknown[] = [kind];
    if (ns) {
      clauses.push('namespace = ?');
      params.push(ns);
    }
    if (selector.name !== undefined) {
      clauses.push('name = ?');
      params.push(selector.name);
    }
    if (after) {
      clauses.push('(namespace, name) > (?, ?)');
      params.push(after.namespace, after.name);
    }
    const sql = `SELECT namespace, name, resource_version, labels, object FROM objects WHERE ${clauses.join(' AND ')} ORDER BY namespace, name`;
    const stmt = this.statement(sql);
    const items: KubeObject[] = [];
    let last: { namespace: string; name: string } | undefined;
    for (const row of stmt.iterate(...params) as Iterable<{
      namespace: string;
      name: string;
      resource_version: number;
      labels: string;
      object: string;
    }>) {
      if (selector.labels.length > 0 && !matchesLabels(selector.labels, JSON.parse(row.labels))) continue;
      const obj = parse
        ? parse(row.namespace, row.name, row.resource_version, row.object)
        : (JSON.parse(row.object) as KubeObject);
      if (selector.fields.length > 0 && !matchesFields(selector.fields, obj)) continue;
      if (limit !== undefined && items.length === limit) {
        // One more match exists beyond the page, so the client needs a continue token.
        return { items, continueAfter: last };
      }
      items.push(obj);
      last = { namespace: row.namespace, name: row.name };
    }
    return { items };
  }

  /** A prepared statement for SQL built per query, kept for the next query of the same shape. */
  private statement(sql: string): Statement {
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.listStatements.set(sql, stmt);
    }
    return stmt;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError(`the store ${this.path} is closed`, 500, 'InternalError');
  }
}

/** status.startedAt and status.finishedAt in ms since the epoch, 0 when unset: the list order's columns. */
function statusTimes(obj: KubeObject): [number, number] {
  const status = (obj as { status?: { startedAt?: unknown; finishedAt?: unknown } }).status;
  return [timeOf(status?.startedAt), timeOf(status?.finishedAt)];
}

/** Bytes of write-ahead log kept after a checkpoint. */
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;
/**
 * WAL pages (4 KiB) after which a commit checkpoints: 16 MiB, not SQLite's 4 MiB. A checkpoint
 * syncs the disk twice and copies each page written since the last one once, so rarer checkpoints
 * copy a page the engine rewrites pass after pass (the workflow's, the change log's last leaf)
 * once instead of many times: a pod's writes cost about 11% less CPU and 10-20% less time
 * (measured with 4000 pods on this machine). The WAL still shrinks back to WAL_SIZE_LIMIT.
 */
const WAL_CHECKPOINT_PAGES = 4000;
/** A WAL smaller than this is left as it is on close: emptying it would only cost a checkpoint. */
const WAL_TRUNCATE_BYTES = 1024 * 1024;

function walBytes(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size;
  } catch {
    return 0;
  }
}

/** Free pages (4 KiB each) below which a deletion leaves them for SQLite to reuse (a close releases any). */
const RELEASE_MIN_PAGES = 256;

/** A file made before auto_vacuum was set is rebuilt once with it; a busy file is left as it is. */
function convertToIncrementalVacuum(db: Db): void {
  if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) return;
  try {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw err;
  }
}

function prepareStatements(db: Db) {
  return {
    get: db.prepare('SELECT object FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    getRef: db.prepare(
      'SELECT id, resource_version FROM objects WHERE kind = ? AND namespace = ? AND name = ?',
    ),
    getRow: db.prepare(
      'SELECT id, resource_version, object FROM objects WHERE kind = ? AND namespace = ? AND name = ?',
    ),
    exists: db.prepare('SELECT 1 FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    insert: db.prepare(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, labels, created, started, finished, object)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare(
      'UPDATE objects SET resource_version = ?, labels = ?, started = ?, finished = ?, object = ? WHERE id = ?',
    ),
    objectById: db.prepare('SELECT object FROM objects WHERE id = ?'),
    delete: db.prepare('DELETE FROM objects WHERE id = ?'),
    freePages: db.prepare('PRAGMA freelist_count').pluck(),
    pageCount: db.prepare('PRAGMA page_count').pluck(),
  };
}
