// The cron controller's sense of time, injectable so schedules can be run in fake time.

export interface Clock {
  now(): Date;
  /** Calls `fn` once, at `at` or as soon after as possible; the returned function cancels it. */
  setTimer(at: Date, fn: () => void): () => void;
}

/** Longest single wait: the wall clock is looked at again at least this often (sleep, clock changes). */
const MAX_WAIT_MS = 60_000;

/** Wall-clock time with Node timers that do not keep the process alive on their own. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const wait = at.getTime() - Date.now();
      if (wait <= 0) {
        if (!cancelled) fn();
        return;
      }
      timer = setTimeout(arm, Math.min(wait, MAX_WAIT_MS));
      timer.unref();
    };
    arm();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  },
};
