// Whether a controller's database can be reached, told once per change: a database that is down
// fails every workflow's write or read on each retry, and a line per workflow per retry would bury
// the one fact worth reading (which database, and why). Callers that see DatabaseUnreachableError
// know it has been logged already.

/** A database operation that failed because the database cannot be reached now. */
export class DatabaseUnreachableError extends Error {}

/** Codes of a connection that could not be made or was lost (Node's net, pg, mysql2). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  '57P01', // PostgreSQL admin_shutdown
  '57P03', // PostgreSQL cannot_connect_now
]);

/** Whether `err` (or what caused it) is a lost or refused connection rather than a failed statement. */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof DatabaseUnreachableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (e instanceof AggregateError && e.errors.some(isConnectionError)) return true;
    // pg reports a connection cut under it by message only.
    if (
      /Connection terminated|connection is closed|Can't add new command when connection is in closed state/i.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}

/** Logs one line when the database becomes unreachable and one when it is back. */
export class DatabaseReachability {
  constructor(
    /** Where the database is, as describeDatabase says it. */
    private readonly where: string,
    private readonly log: (msg: string) => void,
    /** Known down already (its failure logged by the caller). */
    private down = false,
  ) {}

  get reachable(): boolean {
    return !this.down;
  }

  /**
   * Runs `op`: a connection failure marks the database down (logged the first time) and is
   * rethrown as DatabaseUnreachableError; success after that marks it back. Other errors pass.
   * `connecting`: `op` makes the connection, so any failure is one, and its success (a pool kept
   * from before) does not yet show the database is back.
   */
  async run<T>(op: () => Promise<T>, connecting = false): Promise<T> {
    let result: T;
    try {
      result = await op();
    } catch (err) {
      if (!connecting && !isConnectionError(err)) throw err;
      const message = (err as Error).message;
      if (!this.down) {
        this.down = true;
        this.log(`database ${this.where} cannot be reached, retrying until it can: ${message}`);
      }
      throw new DatabaseUnreachableError(`database ${this.where} cannot be reached: ${message}`, {
        cause: err,
      });
    }
    if (this.down && !connecting) {
      this.down = false;
      this.log(`database ${this.where} can be reached again`);
    }
    return result;
  }
}
