// PostgreSQL through `pg`, imported only when a PostgreSQL archive is opened.
import type { ConnectionOptions } from 'node:tls';
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
  /** TLS to the server, as upstream's `ssl` and `sslMode` (see effectiveSslMode). */
  ssl?: boolean;
  sslMode?: string;
  maxOpenConns?: number;
  /** Milliseconds to wait for a connection before failing. */
  connectTimeoutMs?: number;
}

// Type OIDs whose text form we keep: timestamp (wall clock in UTC, so no local-time parsing), json, jsonb.
const RAW_TEXT_TYPES = new Set([1114, 114, 3802]);

/** libpq's sslmode values, the ones upstream's driver (pgx, through upper/db) accepts. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * The sslmode upstream's controller connects with: its `sslMode` is passed to the driver only when
 * `ssl` is true, and upper/db sets `sslmode=disable` when none is passed, so `ssl: true` alone is
 * no TLS at all and `sslMode` without `ssl: true` is ignored.
 */
export function effectiveSslMode(c: Pick<PostgresConnection, 'ssl' | 'sslMode'>): SslMode {
  return c.ssl && c.sslMode ? (c.sslMode as SslMode) : 'disable';
}

/** PostgreSQL's SSLRequest: length 8, then the code 1234 5679. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Whether the server answers an SSLRequest with 'S' (it speaks TLS); false when it answers 'N'. */
async function serverSpeaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d[0] === 0x53);
    });
    socket.once('timeout', () => socket.destroy(new Error(`timeout connecting to ${host}:${port}`)));
    socket.once('error', reject);
  });
}

/**
 * pg's `ssl` for a libpq sslmode, as pgx treats each: `require` encrypts without checking the
 * certificate (unless a root certificate is given, when it checks the chain, as libpq does);
 * `verify-ca` checks the chain; `verify-full` the chain and the host name. The root certificate
 * is the file PGSSLROOTCERT names (pgx reads that variable, and upstream has no field for it),
 * else the system's. pg cannot fall back from TLS to plain text on one connection, so `prefer` and
 * `allow` ask the server once, when the session opens, and use TLS (unchecked) if it speaks it.
 */
async function sslOption(c: PostgresConnection): Promise<false | ConnectionOptions> {
  const mode = effectiveSslMode(c);
  if (mode === 'disable') return false;
  if (mode === 'allow' || mode === 'prefer') {
    const tls = await serverSpeaksTls(c.host, c.port, c.connectTimeoutMs ?? 10_000);
    return tls && { rejectUnauthorized: false };
  }
  const rootFile = process.env.PGSSLROOTCERT;
  const ca = rootFile ? (await import('node:fs/promises')).readFile(rootFile, 'utf8') : undefined;
  const caText = await ca?.catch((err: Error) => {
    throw new Error(`PGSSLROOTCERT ${rootFile}: ${err.message}`);
  });
  if (mode === 'require' && !caText) return { rejectUnauthorized: false };
  const chainOnly = mode === 'require' || mode === 'verify-ca';
  return {
    rejectUnauthorized: true,
    ...(caText ? { ca: caText } : {}),
    ...(chainOnly ? { checkServerIdentity: () => undefined } : {}),
  };
}

export async function openPostgresSession(c: PostgresConnection): Promise<SqlSession> {
  const pg = (await import('pg')).default;
  const pool: Pool = new pg.Pool({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: await sslOption(c),
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
