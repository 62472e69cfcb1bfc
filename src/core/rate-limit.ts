/**
 * Client-side rate limiting on top of bottleneck: at most N requests per window (spread evenly,
 * so a server's sliding window is never exceeded), at most M at once, an optional pause when a
 * server says to wait, and queued jobs that can be cancelled by an AbortSignal.
 *
 * Bottleneck gives out turns; the jobs wait in a queue of our own. A turn runs the first job that
 * is still wanted, so a cancelled job leaves the queue at once and hands its turn to the next one
 * instead of spending a turn (window/N) on doing nothing.
 */
import Bottleneck from "bottleneck";
import { AbortError } from "./errors";
import { sleep } from "./retry";

export interface RateLimitOptions {
  /** Requests allowed per window; 0 or undefined = no rate limit. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Requests in flight at once (default 4; at least 1). */
  maxConcurrent?: number;
}

interface Waiting {
  /** Runs the job and settles the caller's promise. */
  run: () => Promise<void>;
  /** Rejects the caller's promise. */
  cancel: (err: Error) => void;
}

const CLOSED = "The connection was closed";

export class RateLimiter {
  private readonly limiter: Bottleneck;
  private readonly queue: Waiting[] = [];
  /** Turns asked of bottleneck that have not yet taken a job from the queue. */
  private turns = 0;
  private running = 0;
  private pausedUntil = 0;
  private stopped = false;

  constructor(options: RateLimitOptions = {}) {
    const perWindow = options.requestsPerWindow ?? 0;
    const windowMs = options.windowMs ?? 1000;
    // Even spacing of window/N (+1 ms) keeps any sliding window at or under N requests.
    const minTime = perWindow > 0 ? Math.ceil(windowMs / perWindow) + 1 : 0;
    // 0 would make bottleneck start nothing at all, and every request would hang.
    const asked = options.maxConcurrent;
    const maxConcurrent = typeof asked === "number" && Number.isFinite(asked) ? Math.max(1, Math.floor(asked)) : 4;
    this.limiter = new Bottleneck({ maxConcurrent, minTime });
  }

  /** Runs fn when the limits allow; rejects with AbortError if the signal fires first. */
  schedule<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopped) return Promise.reject(new AbortError(CLOSED));
    if (signal?.aborted) return Promise.reject(new AbortError());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // Leaves the queue if still there; a running job is ended by the caller's own signal.
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new AbortError());
      };
      const entry: Waiting = {
        run: async () => {
          try {
            const wait = this.pausedUntil - Date.now();
            if (wait > 0) await sleep(wait, signal);
            if (signal?.aborted) throw new AbortError();
            resolve(await fn());
          } catch (err) {
            reject(err);
          } finally {
            signal?.removeEventListener("abort", onAbort);
          }
        },
        cancel: (err) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(entry);
      // One turn per waiting job; turns left over by cancelled jobs are used first.
      if (this.turns < this.queue.length) {
        this.turns += 1;
        this.limiter.schedule(() => this.turn()).catch(() => undefined);
      }
    });
  }

  /** A turn given by bottleneck: runs the first job still waiting, if any. */
  private async turn(): Promise<void> {
    this.turns -= 1;
    const entry = this.queue.shift();
    if (!entry) return;
    this.running += 1;
    try {
      await entry.run();
    } finally {
      this.running -= 1;
    }
  }

  /** Holds every job that has not started for ms (a server asked us to back off). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /** Jobs queued or running. */
  pending(): number {
    return this.queue.length + this.running;
  }

  /** Drops queued jobs; running ones finish or are aborted by their own signals. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of this.queue.splice(0)) entry.cancel(new AbortError(CLOSED));
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
