// Sliding-window request limits (reference §3.4 and §8.3): the legacy API allows 30 requests per
// minute per (client, URL); LI-COR v1 allows 60 per 60 s and reports it in RateLimit-* headers.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (the window when none). */
  resetSec: number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly requests: number,
    readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** Count one request for `key` unless the window is full. Rejected requests are not counted. */
  take(key: string): RateDecision {
    return this.decide(key, true);
  }

  /** The state of `key` without counting anything. */
  peek(key: string): RateDecision {
    return this.decide(key, false);
  }

  reset(): void {
    this.hits.clear();
  }

  private decide(key: string, count: boolean): RateDecision {
    const now = this.clock();
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    const allowed = list.length < this.requests;
    if (allowed && count) list.push(now);
    if (list.length > 0) this.hits.set(key, list);
    else this.hits.delete(key);
    const oldest = list[0];
    const resetMs = oldest === undefined ? this.windowMs : oldest + this.windowMs - now;
    return { allowed, limit: this.requests, remaining: Math.max(0, this.requests - list.length), resetSec: Math.max(1, Math.ceil(resetMs / 1000)) };
  }
}
