// PostgreSQL through `pg`, imported only when a PostgreSQL archive is opened.
import type { Pool, PoolClient } from 'pg';
import { numberPlaceholders, type SqlSession, type SqlValue } from './sql-session.js';

export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** The schema tables live in (PostgreSQL's `search_path`); the user's default when absent. */
  schema?: string;
  /** TLS to the server; `sslMode` as libpq spells it (`disable`, `require`, `verify-full`, ...). */
  ssl?: boolean;
  sslMode?: string;
  maxOpenConns?: number;
  /** Milliseconds to wait for a connection before failing. */
  connectTimeoutMs?: number;
}

// Type OIDs whose text form we keep: timestamp (wall clock in UTC, so no local-time parsing), json, jsonb.
const RAW_TEXT_TYPES = new Set([1114, 114, 3802]);

function sslOption(c: PostgresConnection): boolean | { rejectUnauthorized: boolean } {
  const mode = c.sslMode ?? (c.ssl ? 'require' : 'disable');
  if (mode === 'disable') return false;
  return { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
}

export async function openPostgresSession(c: PostgresConnection): Promise<SqlSession> {
  const pg = (await import('pg')).default;
  const pool: Pool = new pg.Pool({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: sslOption(c),
    max: c.maxOpenConns && c.maxOpenConns > 0 ? c.maxOpenConns : 10,
    connectionTimeoutMillis: c.connectTimeoutMs ?? 10_000,
    // Upstream compares `timestamp` columns with current_timestamp, which assumes a UTC session.
    options: c.schema ? `-c TimeZone=UTC -c search_path=${c.schema}` : '-c TimeZone=UTC',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        RAW_TEXT_TYPES.has(oid)
          ? (v: string) => v
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);

  const over = (run: () => Pool | PoolClient, inTx: boolean): SqlSession => {
    const session: SqlSession = {
      dialect: 'postgres',
      query: async <T>(sql: string, params: readonly SqlValue[] = []) =>
        (await run().query(numberPlaceholders(sql), [...params])).rows as T[],
      exec: async (sql, params = []) =>
        (await run().query(numberPlaceholders(sql), [...params])).rowCount ?? 0,
      transaction: async (fn) => {
        if (inTx) return fn(session);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(over(() => client, true));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
    return session;
  };
  return over(() => pool, false);
}
