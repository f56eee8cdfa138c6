// MySQL and MariaDB through `mysql2`, imported only when a MySQL archive is opened.
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { SqlSession, SqlValue } from './sql-session.js';

export interface MysqlConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** TLS with the server's certificate checked (ours; upstream has `options: {tls: 'true'}` for it). */
  ssl?: boolean;
  /** upstream's `options.tls`, as the Go MySQL driver reads it (see MYSQL_TLS_VALUES). */
  tls?: MysqlTls;
  maxOpenConns?: number;
  connectTimeoutMs?: number;
}

/**
 * The values of the Go MySQL driver's `tls` parameter that a configuration can name: `true`
 * (checked against the system's CAs), `skip-verify` (encrypted, unchecked), `preferred` (unchecked
 * TLS when the server offers it), `false`. Any other value names a TLS configuration registered in
 * Go code, which no ConfigMap can supply.
 */
export const MYSQL_TLS_VALUES = ['true', 'false', 'skip-verify', 'preferred'] as const;
export type MysqlTls = (typeof MYSQL_TLS_VALUES)[number];

/** CLIENT_SSL in the capability flags of a MySQL server's greeting: it can switch to TLS. */
const CLIENT_SSL = 0x800;

/** Whether the server's greeting offers TLS (read, then the connection closed unused). */
async function serverOffersTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('data', (packet) => {
      socket.destroy();
      // 4-byte header, protocol version, NUL-terminated server version, thread id (4),
      // auth data (8), filler (1), then the low two bytes of the capability flags.
      const flags = packet.indexOf(0, 5) + 1 + 4 + 8 + 1;
      resolve(flags + 2 <= packet.length && (packet.readUInt16LE(flags) & CLIENT_SSL) !== 0);
    });
    socket.once('timeout', () => socket.destroy(new Error(`timeout connecting to ${host}:${port}`)));
    socket.once('error', reject);
  });
}

/** mysql2's `ssl` for the connection's settings, as the Go driver treats its `tls` values. */
async function sslOption(c: MysqlConnection): Promise<{ rejectUnauthorized?: boolean } | undefined> {
  const tls = c.tls ?? (c.ssl ? 'true' : 'false');
  switch (tls) {
    case 'false':
      return undefined;
    case 'true':
      return {};
    case 'skip-verify':
      return { rejectUnauthorized: false };
    case 'preferred':
      return (await serverOffersTls(c.host, c.port, c.connectTimeoutMs ?? 10_000))
        ? { rejectUnauthorized: false }
        : undefined;
  }
}

export async function openMysqlSession(c: MysqlConnection): Promise<SqlSession> {
  const ssl = await sslOption(c);
  const mysql = (await import('mysql2/promise')).default;
  const pool: Pool = mysql.createPool({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl,
    connectionLimit: c.maxOpenConns && c.maxOpenConns > 0 ? c.maxOpenConns : 10,
    connectTimeout: c.connectTimeoutMs ?? 10_000,
    // Timestamps as the text the server holds; the session runs in UTC so that text is UTC.
    dateStrings: true,
    // JSON columns as the text stored, as the other drivers hand them over.
    jsonStrings: true,
    timezone: 'Z',
  });
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });

  const over = (run: () => Pool | PoolConnection, inTx: boolean): SqlSession => {
    const session: SqlSession = {
      dialect: 'mysql',
      query: async <T>(sql: string, params: readonly SqlValue[] = []) => {
        const [rows] = await run().query(sql, [...params]);
        return rows as T[];
      },
      exec: async (sql, params = []) => {
        const [result] = await run().query(sql, [...params]);
        return (result as ResultSetHeader).affectedRows ?? 0;
      },
      transaction: async (fn) => {
        if (inTx) return fn(session);
        const conn = await pool.getConnection();
        try {
          await conn.beginTransaction();
          const result = await fn(over(() => conn, true));
          await conn.commit();
          return result;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        } finally {
          conn.release();
        }
      },
      close: () => pool.end(),
    };
    return session;
  };
  return over(() => pool, false);
}
