// The SQLite schema and its migrations. The version lives in the meta table; each migration runs
// in its own IMMEDIATE transaction so two processes opening a new file cannot both apply it.
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../types.js';

type Db = BetterSqlite3.Database;

/** MIGRATIONS[i] takes the schema from version i to i + 1. Append only; never edit a shipped one. */
const MIGRATIONS: ((db: Db) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value ANY NOT NULL
      ) STRICT;

      CREATE TABLE objects (
        id               INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        uid              TEXT    NOT NULL,
        resource_version INTEGER NOT NULL,
        labels           TEXT    NOT NULL,
        created          TEXT    NOT NULL,
        object           TEXT    NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX objects_by_name ON objects (kind, namespace, name);
      CREATE INDEX objects_by_version ON objects (kind, resource_version);

      -- One row per write, in the write's transaction: the feed watches read, also across processes.
      -- Its newest row is never pruned, so max(resource_version) is the store's version and
      -- min(resource_version) - 1 is how far it has been pruned: no counter row to keep in step.
      -- prev_version is the object's version before the write, so a selector watch resuming from
      -- an old version can tell whether the object matched then.
      CREATE TABLE changes (
        resource_version INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        type             TEXT    NOT NULL,
        prev_version     INTEGER,
        object           TEXT    NOT NULL
      ) STRICT;
    `);
  },
  (db) => {
    // The change log keeps what a watch needs to find the object, not a copy of it: a watch reads
    // the object's current row (a change already superseded is skipped; the newer one delivers).
    // Only a deletion keeps the object's last state, because no row holds it any more; compaction
    // turns old last states into tombstones (key and labels) and drops old rows, by size and age.
    // labels are the object's after the write, so a selector watch resuming from an old version can
    // tell whether the object matched then. born_version, on a deletion, is the version that created
    // the object if the log still had it: a watch from before then never saw the object. written
    // (ms since the epoch) is for compaction by age. Last states live in a table of their own, so
    // the log's rows stay small and dense and dropping a state frees whole pages; bytes (the
    // state's size) is read for compaction by size without reading the states.
    // Versions are no longer dense (a deleted object's earlier rows go with it), so how far the
    // log has been compacted is kept in meta as compacted_through.
    db.exec(`
      CREATE TABLE changes_v2 (
        resource_version INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        type             TEXT    NOT NULL,
        prev_version     INTEGER,
        born_version     INTEGER,
        labels           TEXT,
        written          INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE last_states (
        resource_version INTEGER PRIMARY KEY,
        bytes            INTEGER NOT NULL,
        state            TEXT    NOT NULL
      ) STRICT;
      INSERT INTO changes_v2
        SELECT resource_version, kind, namespace, name, type, prev_version, NULL,
               json_extract(object, '$.metadata.labels'),
               CAST(unixepoch('subsec') * 1000 AS INTEGER)
        FROM changes;
      INSERT INTO last_states
        SELECT resource_version, length(CAST(object AS BLOB)), object FROM changes WHERE type = 'DELETED';
      INSERT INTO meta (key, value)
        SELECT 'compacted_through', coalesce(min(resource_version) - 1, 0) FROM changes;
      DROP TABLE changes;
      ALTER TABLE changes_v2 RENAME TO changes;
      CREATE INDEX changes_by_object ON changes (kind, namespace, name, resource_version);

      -- started and finished (ms since the epoch, 0 when unset) are the object's status.startedAt
      -- and status.finishedAt, so a workflow list is selected, ordered and paged in SQL, newest
      -- started first as the Argo Server lists, parsing only the page. They come before object so
      -- reading them never walks a large object's overflow pages.
      CREATE TABLE objects_v2 (
        id               INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        uid              TEXT    NOT NULL,
        resource_version INTEGER NOT NULL,
        labels           TEXT    NOT NULL,
        created          TEXT    NOT NULL,
        started          INTEGER NOT NULL,
        finished         INTEGER NOT NULL,
        object           TEXT    NOT NULL
      ) STRICT;
      INSERT INTO objects_v2
        SELECT id, kind, namespace, name, uid, resource_version, labels, created,
               coalesce(CAST(unixepoch(json_extract(object, '$.status.startedAt'), 'subsec') * 1000 AS INTEGER), 0),
               coalesce(CAST(unixepoch(json_extract(object, '$.status.finishedAt'), 'subsec') * 1000 AS INTEGER), 0),
               object
        FROM objects;
      DROP TABLE objects;
      ALTER TABLE objects_v2 RENAME TO objects;
      CREATE UNIQUE INDEX objects_by_name ON objects (kind, namespace, name);
      CREATE INDEX workflows_by_start ON objects (started DESC, namespace, name) WHERE kind = 'Workflow';
      CREATE INDEX workflows_by_namespace_start ON objects (namespace, started DESC, name) WHERE kind = 'Workflow';
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(db: Db): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return 0;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: number } | undefined;
  return row?.value ?? 0;
}

/**
 * Brings the file's schema up to SCHEMA_VERSION; refuses a file written by a newer argo-ts.
 * Returns the version the file had, so the caller can do once what needs no transaction.
 */
export function migrate(db: Db, file: string): number {
  let found: number | undefined;
  while (true) {
    const done = db
      .transaction(() => {
        const version = currentVersion(db);
        found ??= version;
        if (version > SCHEMA_VERSION) {
          throw new StoreError(
            `${file} has schema version ${version}, newer than this argo-ts understands (${SCHEMA_VERSION}); upgrade argo-ts or set ARGO_HOME to another directory`,
            500,
            'InternalError',
          );
        }
        if (version === SCHEMA_VERSION) return true;
        MIGRATIONS[version](db);
        db.prepare(
          "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ).run(version + 1);
        return false;
      })
      .immediate();
    if (done) return found ?? SCHEMA_VERSION;
  }
}
