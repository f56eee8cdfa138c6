// MySQL and MariaDB through `mysql2`, imported only when a MySQL archive is opened.
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { SqlSession, SqlValue } from './sql-session.js';

export interface MysqlConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  ssl?: boolean;
  maxOpenConns?: number;
  connectTimeoutMs?: number;
}

export async function openMysqlSession(c: MysqlConnection): Promise<SqlSession> {
  const mysql = (await import('mysql2/promise')).default;
  const pool: Pool = mysql.createPool({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: c.ssl ? {} : undefined,
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
