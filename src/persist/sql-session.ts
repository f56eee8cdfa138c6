// One small interface over the three SQL databases the archive runs on. Statements are written
// once with `?` placeholders; each driver adapts them (PostgreSQL numbers them).

export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export type SqlValue = string | number | boolean | null;

export interface SqlSession {
  readonly dialect: Dialect;
  /** Rows of a query. Timestamps come back as `YYYY-MM-DD HH:MM:SS[.fff]` text in UTC, JSON columns as text. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Rewrites `?` placeholders (outside quoted literals) as `$1, $2, ...` for PostgreSQL. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let quote: string | undefined;
  let out = '';
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * A transaction that lost a lock conflict and may simply be run again: a deadlock or lock wait
 * timeout (MySQL 1213/1205), a deadlock or serialization failure (PostgreSQL 40P01/40001), or a
 * busy SQLite file.
 */
export function isRetryableConflict(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown } | undefined;
  return (
    e?.errno === 1213 ||
    e?.errno === 1205 ||
    e?.code === '40P01' ||
    e?.code === '40001' ||
    e?.code === 'SQLITE_BUSY'
  );
}
