/**
 * Client-side rate limiting on top of bottleneck: at most N requests per window (spread evenly,
 * so a server's sliding window is never exceeded), at most M at once, an optional pause when a
 * server says to wait, and queued jobs that can be cancelled by an AbortSignal.
 */
import Bottleneck from "bottleneck";
import { AbortError } from "./errors";
import { sleep } from "./retry";

export interface RateLimitOptions {
  /** Requests allowed per window; 0 or undefined = no rate limit. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Requests in flight at once (default 4). */
  maxConcurrent?: number;
}

export class RateLimiter {
  private readonly limiter: Bottleneck;
  private pausedUntil = 0;
  private stopped = false;

  constructor(options: RateLimitOptions = {}) {
    const perWindow = options.requestsPerWindow ?? 0;
    const windowMs = options.windowMs ?? 1000;
    // Even spacing of window/N (+1 ms) keeps any sliding window at or under N requests.
    const minTime = perWindow > 0 ? Math.ceil(windowMs / perWindow) + 1 : 0;
    this.limiter = new Bottleneck({ maxConcurrent: options.maxConcurrent ?? 4, minTime });
  }

  /** Runs fn when the limits allow; rejects with AbortError if the signal fires first. */
  schedule<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopped) return Promise.reject(new AbortError("The connection was closed"));
    if (signal?.aborted) return Promise.reject(new AbortError());
    const job = this.limiter.schedule(async () => {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) throw new AbortError();
      return fn();
    }).catch((err: unknown) => {
      // stop() rejects queued jobs with bottleneck's own error; callers see a plain cancellation.
      if (err instanceof Bottleneck.BottleneckError) throw new AbortError("The connection was closed");
      throw err;
    });
    if (!signal) return job;
    // Give the caller its rejection at once; the queued job then sees the signal and does nothing.
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new AbortError());
      signal.addEventListener("abort", onAbort, { once: true });
      job.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Holds every job that has not started for ms (a server asked us to back off). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /** Jobs queued or running. */
  pending(): number {
    const c = this.limiter.counts();
    return (c.RECEIVED ?? 0) + (c.QUEUED ?? 0) + (c.RUNNING ?? 0) + (c.EXECUTING ?? 0);
  }

  /** Drops queued jobs; running ones finish or are aborted by their own signals. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
