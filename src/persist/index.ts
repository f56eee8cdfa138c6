// Persistence: the workflow archive on SQLite (embedded), PostgreSQL or MySQL/MariaDB.
import { migrate } from './migrations.js';
import { openMysqlSession, type MysqlConnection } from './mysql-session.js';
import { openPostgresSession, type PostgresConnection } from './postgres-session.js';
import type { SqlSession } from './sql-session.js';
import { openSqliteSession } from './sqlite-session.js';
import { SqlWorkflowArchive, type ArchiveScope } from './workflow-archive.js';
import { SyncDatabase, type SyncDatabaseOptions } from './sync-database.js';

export type { ArchiveListOptions, WorkflowArchive } from './archive-api.js';
export type { Dialect, SqlSession, SqlValue } from './sql-session.js';
export type { MysqlConnection, PostgresConnection };
export {
  migrate,
  schemaVersion,
  ARCHIVE_TABLE,
  ARCHIVE_LABELS_TABLE,
  DEFAULT_OFFLOAD_TABLE,
} from './migrations.js';
export { SyncDatabase, SYNC_SCHEMA_VERSION, type SyncDatabaseOptions } from './sync-database.js';
export { SqlWorkflowArchive, ARCHIVED_RECORD_STATUS, type ArchiveScope } from './workflow-archive.js';

export type ArchiveDatabase =
  | { type: 'sqlite'; file: string }
  | ({ type: 'postgres' } & PostgresConnection)
  | ({ type: 'mysql' } & MysqlConnection);

/** Where a database is, for messages: `PostgreSQL at db:5432/argo`. */
export function describeDatabase(db: ArchiveDatabase): string {
  if (db.type === 'sqlite') return `SQLite at ${db.file}`;
  const kind = db.type === 'postgres' ? 'PostgreSQL' : 'MySQL';
  return `${kind} at ${db.host}:${db.port}/${db.database}`;
}

export async function openSession(db: ArchiveDatabase): Promise<SqlSession> {
  switch (db.type) {
    case 'sqlite':
      return openSqliteSession(db.file);
    case 'postgres':
      return openPostgresSession(db);
    case 'mysql':
      return openMysqlSession(db);
  }
}

/** Connects, brings the schema up to date and returns the archive; the error names the database when that fails. */
export async function openWorkflowArchive(
  db: ArchiveDatabase,
  scope: ArchiveScope & { tableName?: string } = {},
): Promise<SqlWorkflowArchive> {
  let session: SqlSession | undefined;
  try {
    session = await openSession(db);
    await migrate(session, { clusterName: scope.clusterName || 'default', tableName: scope.tableName });
    return new SqlWorkflowArchive(session, scope);
  } catch (err) {
    await session?.close().catch(() => undefined);
    throw new Error(`workflow archive: ${describeDatabase(db)}: ${(err as Error).message}`, { cause: err });
  }
}

/** Connects to the synchronization database and migrates its tables unless told not to. */
export async function openSyncDatabase(
  db: ArchiveDatabase,
  opts: SyncDatabaseOptions,
): Promise<SyncDatabase> {
  let session: SqlSession | undefined;
  try {
    session = await openSession(db);
    const sync = new SyncDatabase(session, opts);
    if (!opts.skipMigration) await sync.migrate();
    return sync;
  } catch (err) {
    await session?.close().catch(() => undefined);
    throw new Error(`synchronization database: ${describeDatabase(db)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
