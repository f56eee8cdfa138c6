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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(db: Db): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return 0;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: number } | undefined;
  return row?.value ?? 0;
}

/** Brings the file's schema up to SCHEMA_VERSION; refuses a file written by a newer argo-ts. */
export function migrate(db: Db, file: string): void {
  while (true) {
    const done = db
      .transaction(() => {
        const version = currentVersion(db);
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
    if (done) return;
  }
}
