// Time as the informer and the work queue see it: injectable, so backoff, resync and delayed adds
// can be driven by a fake clock in tests. The cron controller's Clock has the same shape.

export interface Timers {
  now(): Date;
  /** Calls `fn` once, at `at` or as soon after as possible; the returned function cancels it. */
  setTimer(at: Date, fn: () => void): () => void;
}

/** Wall-clock time with Node timers that do not keep the process alive on their own. */
export const systemTimers: Timers = {
  now: () => new Date(),
  setTimer(at, fn) {
    const timer = setTimeout(fn, Math.max(0, at.getTime() - Date.now()));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Exponential backoff: `baseMs` doubled per failure after the first, capped at `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(b: Backoff, failures: number): number {
  if (failures <= 0) return 0;
  // 2^n overflows to Infinity for large n, which the cap absorbs.
  return Math.min(b.maxMs, b.baseMs * 2 ** (failures - 1));
}
