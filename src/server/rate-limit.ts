// Requests per second per client address (--api-rate-limit), as a token bucket refilled each second.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the bucket refills. */
  reset: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; reset: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.reset) {
      bucket = { tokens: this.perSecond, reset: now + 1000 };
      this.buckets.set(key, bucket);
      // Forget idle clients now and then so the map does not grow without bound.
      if (this.buckets.size > 10_000) {
        for (const [k, b] of this.buckets) if (now >= b.reset) this.buckets.delete(k);
      }
    }
    const allowed = bucket.tokens > 0;
    if (allowed) bucket.tokens--;
    return {
      allowed,
      limit: this.perSecond,
      remaining: bucket.tokens,
      reset: Math.ceil(bucket.reset / 1000),
    };
  }
}
