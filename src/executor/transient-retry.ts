// Trying a store or API request again when it failed for a reason that may pass (the store busy,
// throttled, a dropped connection, a conflicting write), with a growing pause between tries, as
// upstream's executor does with client-go's wait.Backoff. Giving up on the first such error
// would lose what the request carried (a step's outputs).

export interface Backoff {
  /** The pause after the first failed try. */
  firstDelayMs: number;
  /** Each pause is the one before times this. */
  factor: number;
  /** No pause is longer than this. */
  maxDelayMs: number;
  /** Each pause gets up to this fraction more, at random, so writers that failed together do not retry together. */
  jitter: number;
  /** At most this many tries (Infinity: no limit but the deadline). */
  attempts: number;
  /** No try starts later than this long after the first (Infinity: no limit but the attempts). */
  deadlineMs: number;
}

export interface RetryHooks {
  /** Told of each failed try that will be tried again. */
  onRetry?(err: unknown, attempt: number): void;
  /** Whether to stop trying (the work it is for was stopped). */
  stopped?(): boolean;
}

/**
 * Whether a request that failed this way may succeed if sent again, as upstream's executor judges
 * it: throttled (429), the server or store unavailable or busy (502, 503, 504; the embedded store
 * answers 503 when another process holds it), timed out on the server (ServerTimeout), a write
 * that met another (409 Conflict, not AlreadyExists), or no answer at all (no HTTP status: the
 * connection was refused, reset or timed out). Any other 500 (a full disk under the embedded
 * store) is a refusal that trying again would only prolong.
 */
export function isTransientStoreError(err: unknown): boolean {
  const { code, reason } = (err ?? {}) as { code?: unknown; reason?: unknown };
  if (typeof code !== 'number') return true;
  if (code === 409) return reason === 'Conflict';
  return code === 429 || code === 502 || code === 503 || code === 504 || reason === 'ServerTimeout';
}

/** Thrown when the tries ran out: the last error, with how many tries were made and for how long. */
export class RetriesExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    const message = (lastError as Error)?.message ?? String(lastError);
    super(attempts > 1 ? `${message} (gave up after ${attempts} tries in ${seconds(elapsedMs)})` : message);
    this.name = 'RetriesExhausted';
  }
}

/**
 * Runs `op` until it succeeds, a non-transient error (thrown as it is), or the backoff's attempts
 * or deadline run out (RetriesExhausted). The last try may be made early so it lands by the deadline.
 */
export async function retryTransient<T>(
  op: () => Promise<T>,
  backoff: Backoff,
  hooks: RetryHooks = {},
): Promise<T> {
  const started = Date.now();
  let delay = backoff.firstDelayMs;
  // Set once a pause was cut short to end at the deadline: the try after it is the last.
  let last = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
      const remaining = started + backoff.deadlineMs - Date.now();
      if (last || attempt >= backoff.attempts || remaining <= 0 || hooks.stopped?.())
        throw new RetriesExhausted(err, attempt, Date.now() - started);
      hooks.onRetry?.(err, attempt);
      let pause = delay * (1 + Math.random() * backoff.jitter);
      if (pause >= remaining) [pause, last] = [remaining, true];
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (hooks.stopped?.()) throw new RetriesExhausted(err, attempt, Date.now() - started);
      delay = Math.min(delay * backoff.factor, backoff.maxDelayMs);
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
