// A session over a database that may not be reachable yet: each statement connects first when
// there is no connection (a failed attempt is made again by the next statement), so its user can
// be built at start and work once the database is up, without a restart.
import { DatabaseReachability } from './database-reachability.js';
import type { Dialect, SqlSession, SqlValue } from './sql-session.js';

export class ConnectingSession implements SqlSession {
  private opened?: Promise<SqlSession>;

  constructor(
    readonly dialect: Dialect,
    /** Opens (and prepares) a new session; called again after a failure. */
    private readonly connect: () => Promise<SqlSession>,
    private readonly reach: DatabaseReachability,
  ) {}

  private async use<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const s = await this.reach.run(() => {
      this.opened ??= this.connect().catch((err: unknown) => {
        this.opened = undefined;
        throw err;
      });
      return this.opened;
    }, true);
    return this.reach.run(() => fn(s));
  }

  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.use((s) => s.query<T>(sql, params));
  }

  exec(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.use((s) => s.exec(sql, params));
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.use((s) => s.transaction(fn));
  }

  async close(): Promise<void> {
    const s = await this.opened?.catch(() => undefined);
    await s?.close();
  }
}
