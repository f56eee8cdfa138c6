// The change log: one row per write, the feed watches read (also across processes). A row says
// which object changed and how, not what it became: a watch takes the object from its current row,
// and a change the object has since moved past is skipped, because the newer change delivers it.
// Only a deletion keeps the object's last state, since no row holds it any more.
//
// Compaction, as etcd compacts its history: rows older than the age limit or beyond the row limit
// go (a watch resuming from before them gets 410 Expired), and last states beyond the size budget
// become tombstones (key and labels), so mass deletions never make a lagging watch expire. Deleting
// an object also drops its earlier rows: nothing can be delivered from them any more.
import type BetterSqlite3 from 'better-sqlite3';
import type { KubeObject } from '../../model/meta.js';
import { API_VERSIONS } from '../semantics.js';
import type { ResourceKind, WatchEventType } from '../types.js';
import { labelsText, type Change, type PastState } from './watch-hub.js';

type Db = BetterSqlite3.Database;

export interface ChangeLogLimits {
  /** Rows kept at most. */
  maxRows: number;
  /** Rows older than this (ms) are compacted away; the newest row always stays. */
  maxAgeMs: number;
  /** Bytes of deleted objects' last states kept; older ones become tombstones. */
  maxStateBytes: number;
}

export const DEFAULT_LIMITS: ChangeLogLimits = {
  maxRows: 10_000,
  maxAgeMs: 5 * 60_000,
  maxStateBytes: 256 * 1024,
};

interface ChangeRow {
  resource_version: number;
  kind: ResourceKind;
  namespace: string;
  name: string;
  type: WatchEventType;
  prev_version: number | null;
  born_version: number | null;
  labels: string | null;
  /** The current object for a change it still is at; the last state for a deletion. */
  object: string | null;
}

/** A write as the store records it: the change, the labels it left, and the object's JSON. */
export interface RecordedChange extends Omit<Change, 'bornVersion' | 'text' | 'labels'> {
  labels: Record<string, string> | undefined;
  /** The object after the write (before it, for a deletion): handed to local watches as is. */
  text: string;
}

export class ChangeLog {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly compactEvery: number;

  constructor(
    private readonly db: Db,
    private readonly limits: ChangeLogLimits,
  ) {
    this.stmts = prepare(db);
    this.compactEvery = Math.max(1, Math.min(100, Math.floor(limits.maxRows / 10)));
  }

  /** The version of the latest write by any process: the newest row is never compacted. */
  currentVersion(): number {
    return (this.stmts.readVersion.get() as { value: number }).value;
  }

  /** Versions up to and including this one are gone from the log. */
  compactedThrough(): number {
    return (this.stmts.readCompacted.get() as { value: number } | undefined)?.value ?? 0;
  }

  /** Inside the write's transaction. */
  record(change: RecordedChange, now = Date.now()): Change {
    const labels = labelsText(change.labels);
    const deleted = change.type === 'DELETED';
    // The object's earlier rows go; a watch from before its ADDED must still know it never saw it.
    const born = deleted
      ? ((this.stmts.bornVersion.get(change.kind, change.namespace, change.name) as { v: number } | undefined)
          ?.v ?? null)
      : null;
    this.stmts.insert.run(
      change.resourceVersion,
      change.kind,
      change.namespace,
      change.name,
      change.type,
      change.prevVersion,
      born,
      labels,
      now,
    );
    if (deleted) {
      this.stmts.insertState.run(change.resourceVersion, Buffer.byteLength(change.text), change.text);
      // Only this life's rows: an earlier life's DELETED is still news to a watch that saw that life.
      this.stmts.dropTraces.run(
        change.kind,
        change.namespace,
        change.name,
        born ?? 0,
        change.resourceVersion,
      );
    }
    // Versions are global, so whichever process writes a multiple of compactEvery compacts.
    if (change.resourceVersion % this.compactEvery === 0) this.compact(change.resourceVersion, now);
    const { resourceVersion, kind, namespace, name, type, prevVersion, text } = change;
    return { resourceVersion, kind, namespace, name, type, prevVersion, bornVersion: born, text, labels };
  }

  /** Changes after `after` in version order, with objects only for `kinds`. */
  changesAfter(after: number, kinds: readonly ResourceKind[], limit: number): Change[] {
    const rows = this.stmts.changesAfter.all(JSON.stringify(kinds), after, limit) as ChangeRow[];
    return rows.map((row) => ({
      resourceVersion: row.resource_version,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      type: row.type,
      prevVersion: row.prev_version,
      bornVersion: row.born_version,
      labels: row.labels,
      text:
        row.type === 'DELETED' && row.object === null && kinds.includes(row.kind)
          ? tombstone(row)
          : row.object,
    }));
  }

  /** Key and labels of the object as the change with this version left it, if still logged. */
  pastState(resourceVersion: number): PastState | undefined {
    const row = this.stmts.pastState.get(resourceVersion) as
      { namespace: string; name: string; labels: string | null } | undefined;
    if (!row) return undefined;
    return {
      namespace: row.namespace,
      name: row.name,
      labels: row.labels ? (JSON.parse(row.labels) as Record<string, string>) : {},
    };
  }

  /** Drops rows past the row and age limits and turns last states past the byte budget into tombstones. */
  compact(current = this.currentVersion(), now = Date.now()): void {
    const done = this.compactedThrough();
    let through = current - this.limits.maxRows;
    const young = this.stmts.firstWrittenSince.get(done, now - this.limits.maxAgeMs) as
      { resource_version: number } | undefined;
    through = Math.max(through, (young?.resource_version ?? current + 1) - 1);
    through = Math.min(through, current - 1);
    if (through > done) {
      this.stmts.dropThrough.run(through);
      this.stmts.dropStatesThrough.run(through);
      this.stmts.setCompacted.run(through);
    }
    const over = this.stmts.stateOverBudget.get(this.limits.maxStateBytes) as
      { resource_version: number } | undefined;
    if (over) this.stmts.dropStatesThrough.run(over.resource_version);
  }
}

/** What a watch gets for a deletion whose last state was compacted: the key, labels and version. */
function tombstone(row: ChangeRow): string {
  const metadata: KubeObject['metadata'] = { name: row.name };
  if (row.namespace) metadata.namespace = row.namespace;
  metadata.resourceVersion = String(row.resource_version);
  if (row.labels) metadata.labels = JSON.parse(row.labels) as Record<string, string>;
  return JSON.stringify({ apiVersion: API_VERSIONS[row.kind], kind: row.kind, metadata });
}

function prepare(db: Db) {
  return {
    readVersion: db.prepare('SELECT coalesce(max(resource_version), 0) AS value FROM changes'),
    readCompacted: db.prepare("SELECT value FROM meta WHERE key = 'compacted_through'"),
    setCompacted: db.prepare(
      "INSERT INTO meta (key, value) VALUES ('compacted_through', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    insert: db.prepare(
      `INSERT INTO changes (resource_version, kind, namespace, name, type, prev_version, born_version, labels, written)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertState: db.prepare('INSERT INTO last_states (resource_version, bytes, state) VALUES (?, ?, ?)'),
    bornVersion: db.prepare(
      "SELECT resource_version AS v FROM changes WHERE kind = ? AND namespace = ? AND name = ? AND type = 'ADDED' ORDER BY resource_version DESC LIMIT 1",
    ),
    dropTraces: db.prepare(
      'DELETE FROM changes WHERE kind = ? AND namespace = ? AND name = ? AND resource_version >= ? AND resource_version < ?',
    ),
    dropThrough: db.prepare('DELETE FROM changes WHERE resource_version <= ?'),
    dropStatesThrough: db.prepare('DELETE FROM last_states WHERE resource_version <= ?'),
    // Written times rise with versions, so the scan stops at the first young row.
    firstWrittenSince: db.prepare(
      'SELECT resource_version FROM changes WHERE resource_version > ? AND written >= ? ORDER BY resource_version LIMIT 1',
    ),
    stateOverBudget: db.prepare(
      `SELECT resource_version FROM (
         SELECT resource_version, sum(bytes) OVER (ORDER BY resource_version DESC) AS kept FROM last_states
       ) WHERE kept > ? LIMIT 1`,
    ),
    // A change the object has moved past (or that deleted it and was compacted) comes without one.
    changesAfter: db.prepare(
      `SELECT c.resource_version, c.kind, c.namespace, c.name, c.type, c.prev_version, c.born_version, c.labels,
              CASE WHEN c.kind NOT IN (SELECT value FROM json_each(?)) THEN NULL
                   WHEN c.type = 'DELETED' THEN
                     (SELECT s.state FROM last_states s WHERE s.resource_version = c.resource_version)
                   ELSE (SELECT o.object FROM objects o
                         WHERE o.kind = c.kind AND o.namespace = c.namespace AND o.name = c.name
                           AND o.resource_version = c.resource_version) END AS object
       FROM changes c WHERE c.resource_version > ? ORDER BY c.resource_version LIMIT ?`,
    ),
    pastState: db.prepare('SELECT namespace, name, labels FROM changes WHERE resource_version = ?'),
  };
}
