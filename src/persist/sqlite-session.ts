// The embedded SQLite session (better-sqlite3, loaded only when an archive is opened).
import path from 'node:path';
import { openDatabase } from '../store/sqlite/database.js';
import type { SqlSession, SqlValue } from './sql-session.js';

const queues = new Map<string, Promise<unknown>>();

export function openSqliteSession(file: string): SqlSession {
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  // Another process (the server, a second CLI) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  // The labels table cascades deletes from the archive table, as on the other databases.
  db.pragma('foreign_keys = ON');
  // `name LIKE 'prefix%'` matches case-sensitively, as on PostgreSQL.
  db.pragma('case_sensitive_like = ON');
  const bind = (params: readonly SqlValue[]): unknown[] =>
    params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  const query = async <T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> =>
    db.prepare(sql).all(...bind(params)) as T[];
  const exec = async (sql: string, params: readonly SqlValue[] = []): Promise<number> => {
    const stmt = db.prepare(sql);
    if (stmt.reader) {
      stmt.all(...bind(params));
      return 0;
    }
    return stmt.run(...bind(params)).changes;
  };
  // While a transaction awaits, statements from other callers wait for it to end instead of
  // slipping into it; statements inside it use `inTx`, which does not wait. The queue is per file:
  // a second connection in this process would otherwise block the whole thread in busy_timeout
  // waiting for a lock that only this thread can release.
  const key = path.resolve(file);
  const serialized = <T>(run: () => Promise<T>): Promise<T> => {
    const next = (queues.get(key) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  };
  const inTx: SqlSession = {
    dialect: 'sqlite',
    query,
    exec,
    transaction: (fn) => fn(inTx),
    close: async () => {
      throw new Error('cannot close the SQLite archive inside a transaction');
    },
  };
  const session: SqlSession = {
    dialect: 'sqlite',
    query: (sql, params) => serialized(() => query(sql, params)),
    exec: (sql, params) => serialized(() => exec(sql, params)),
    // BEGIN IMMEDIATE takes the write lock up front, so another process cannot make it fail halfway.
    transaction: (fn) =>
      serialized(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inTx);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      serialized(async () => {
        db.close();
      }),
  };
  return session;
}
