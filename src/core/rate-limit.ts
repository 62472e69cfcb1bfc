/**
 * Client-side rate limiting as the services count: at most N request starts in any sliding window
 * (so a burst of up to N goes out at once and the (N+1)th waits until the oldest start leaves the
 * window), at most M requests in flight over all keys, an optional pause when a server says to
 * wait, and queued jobs that can be cancelled by an AbortSignal.
 *
 * Jobs carry a key (Tuya: the endpoint template) and each key has its own pace (a Gate), so a
 * throttle answer on one endpoint slows that endpoint only. Written here rather than on
 * bottleneck: bottleneck's reservoir refills in fixed windows (which lets 2N through around a
 * refill, where a server's sliding window allows N) and its minTime spreads requests evenly
 * (which forbids the bursts a window allows); neither changes its limit per answer.
 *
 * Jobs also carry an owner (the flow node that caused them, src/core/fair.ts): among the jobs
 * whose key may start, the owner served least recently goes first, so the users of one client
 * take turns instead of one backlog holding up everyone else.
 */
import { AbortError } from "./errors";
import { holdBound } from "./bound-clock";
import { currentOwner, FairTurns } from "./fair";

/** The pace of one key: how long until another start is allowed, and what answers teach it. */
export interface Gate {
  /** Milliseconds until one more request may start (0 = now). */
  delay(now: number): number;
  /** Notes a start; the returned ticket comes back to settled(). */
  started(now: number): unknown;
  /** Notes how a started request ended (error undefined = success). */
  settled?(ticket: unknown, error: unknown, now: number): void;
}

/**
 * A fixed limit of `limit` requests in any window of `windowMs` (0 = unlimited), counted as the
 * service counts them without knowing when they arrived: a request occupies the window from its
 * start until windowMs after its answer. The service counted it somewhere in between, so the
 * window the service sees never holds more than `limit`, however long the trip or the service's
 * own processing took; a burst of `limit` still goes out at once.
 */
export class WindowGate implements Gate {
  private readonly ends: number[] = [];
  private inFlight = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  delay(now: number): number {
    if (this.limit <= 0) return 0;
    if (this.inFlight >= this.limit) return this.windowMs;
    return windowDelay(this.ends, this.limit - this.inFlight, this.windowMs, now);
  }

  started(): undefined {
    if (this.limit > 0) this.inFlight++;
    return undefined;
  }

  settled(_ticket: unknown, _error: unknown, now: number): void {
    if (this.limit <= 0) return;
    this.inFlight--;
    // Answers arrive in any order; keep the list ascending.
    let i = this.ends.length;
    while (i > 0 && this.ends[i - 1] > now) i--;
    this.ends.splice(i, 0, now);
  }
}

/**
 * Milliseconds until `starts` (ascending start times, pruned here) holds fewer than `limit`
 * entries inside the window [now − windowMs, now]. limit ≤ 0 means no limit.
 */
export function windowDelay(starts: number[], limit: number, windowMs: number, now: number): number {
  if (limit <= 0) return 0;
  pruneWindow(starts, windowMs, now);
  if (starts.length < limit) return 0;
  return starts[starts.length - limit] + windowMs - now;
}

/** Drops the start times (ascending) that have left the window ending now. */
export function pruneWindow(starts: number[], windowMs: number, now: number): void {
  let drop = 0;
  while (drop < starts.length && starts[drop] <= now - windowMs) drop++;
  if (drop) starts.splice(0, drop);
}

export interface RateLimitOptions {
  /** Requests allowed per window for keys without their own gate; 0 or undefined = no rate limit. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Requests in flight at once over all keys (default 4; at least 1). */
  maxConcurrent?: number;
  /** The pace of a key (default: a WindowGate of requestsPerWindow per windowMs per key). */
  gateFor?: (key: string) => Gate;
}

interface Waiting {
  seq: number;
  key: string;
  owner: string;
  /** Runs the job and settles the caller's promise. */
  run: (gate: Gate) => Promise<void>;
  /** Rejects the caller's promise. */
  cancel: (err: Error) => void;
}

const CLOSED = "The connection was closed";

export class RateLimiter {
  private readonly maxConcurrent: number;
  private readonly gateFor: (key: string) => Gate;
  private readonly gates = new Map<string, Gate>();
  /** Waiting jobs per key and owner, each in arrival order; an empty queue is deleted. */
  private readonly queues = new Map<string, Map<string, Waiting[]>>();
  private readonly turns = new FairTurns();
  private waiting = 0;
  private running = 0;
  private seq = 0;
  private pausedUntil = 0;
  private readonly keyPausedUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private dispatchQueued = false;

  constructor(options: RateLimitOptions = {}) {
    const perWindow = options.requestsPerWindow ?? 0;
    const windowMs = options.windowMs ?? 1000;
    // 0 would start nothing at all, and every request would hang.
    const asked = options.maxConcurrent;
    this.maxConcurrent = typeof asked === "number" && Number.isFinite(asked) ? Math.max(1, Math.floor(asked)) : 4;
    this.gateFor = options.gateFor ?? (() => new WindowGate(perWindow > 0 ? perWindow : 0, windowMs));
  }

  /**
   * Runs fn when its key's pace, the concurrency and its owner's turn allow; rejects with
   * AbortError if the signal fires first. The owner is the caller's (asOwner) unless given.
   */
  schedule<T>(fn: () => Promise<T>, signal?: AbortSignal, key = "", owner = currentOwner()): Promise<T> {
    if (this.stopped) return Promise.reject(new AbortError(CLOSED));
    if (signal?.aborted) return Promise.reject(new AbortError());
    // The wait for a turn does not count against the caller's total time bound (bound-clock.ts).
    const release = holdBound();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        release();
        // Leaves the queue if still there; a running job is ended by the caller's own signal,
        // and the caller hears of its cancellation at once either way.
        this.remove(entry);
        reject(new AbortError());
      };
      const entry: Waiting = {
        seq: this.seq++,
        key,
        owner,
        run: async (gate) => {
          release();
          const ticket = gate.started(Date.now());
          let error: unknown;
          try {
            resolve(await fn());
          } catch (err) {
            error = err ?? new Error("failed");
            reject(err);
          } finally {
            signal?.removeEventListener("abort", onAbort);
            gate.settled?.(ticket, error, Date.now());
          }
        },
        cancel: (err) => {
          release();
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      let byOwner = this.queues.get(key);
      if (!byOwner) this.queues.set(key, (byOwner = new Map()));
      const queue = byOwner.get(owner);
      if (queue) queue.push(entry);
      else byOwner.set(owner, [entry]);
      this.waiting++;
      this.dispatchSoon();
    });
  }

  /** Holds every job that has not started (or only the key's) for ms: a server asked us to back off. */
  pause(ms: number, key?: string): void {
    const until = Date.now() + ms;
    if (key === undefined) this.pausedUntil = Math.max(this.pausedUntil, until);
    else this.keyPausedUntil.set(key, Math.max(this.keyPausedUntil.get(key) ?? 0, until));
    this.dispatch();
  }

  /** Jobs queued or running. */
  pending(): number {
    return this.waiting + this.running;
  }

  /** Drops queued jobs; running ones finish or are aborted by their own signals. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer();
    const queued = [...this.queues.values()].flatMap((byOwner) => [...byOwner.values()].flat());
    this.queues.clear();
    this.waiting = 0;
    for (const entry of queued) entry.cancel(new AbortError(CLOSED));
  }

  private gate(key: string): Gate {
    let gate = this.gates.get(key);
    if (!gate) {
      gate = this.gateFor(key);
      this.gates.set(key, gate);
    }
    return gate;
  }

  private remove(entry: Waiting): boolean {
    const byOwner = this.queues.get(entry.key);
    const queue = byOwner?.get(entry.owner);
    const i = queue ? queue.indexOf(entry) : -1;
    if (!byOwner || !queue || i < 0) return false;
    queue.splice(i, 1);
    if (queue.length === 0) byOwner.delete(entry.owner);
    if (byOwner.size === 0) this.queues.delete(entry.key);
    this.waiting--;
    return true;
  }

  /**
   * Dispatches once after the current turn of the event loop: jobs scheduled together are sorted
   * out in one pass, and a request never goes out before the loop has seen pending socket events
   * (a keep-alive socket the server just closed would otherwise be reused and reset).
   */
  private dispatchSoon(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    setTimeout(() => {
      this.dispatchQueued = false;
      this.dispatch();
    }, 0);
  }

  /** Starts every job its key's pace allows, owners in turn (then oldest first), up to the concurrency; then waits for the next opening. */
  private dispatch(): void {
    if (this.stopped) return;
    let soonest = Infinity;
    while (this.running < this.maxConcurrent && this.queues.size > 0) {
      const now = Date.now();
      let pick: Waiting | undefined;
      soonest = Infinity;
      for (const [key, byOwner] of this.queues) {
        const wait = Math.max(this.pausedUntil - now, (this.keyPausedUntil.get(key) ?? 0) - now, this.gate(key).delay(now));
        if (wait > 0) soonest = Math.min(soonest, wait);
        else for (const [, queue] of byOwner) if (!pick || this.turns.before(queue[0].owner, queue[0].seq, pick.owner, pick.seq)) pick = queue[0];
      }
      if (!pick) break;
      this.remove(pick);
      this.turns.served(pick.owner);
      this.start(pick);
    }
    if (this.running >= this.maxConcurrent || this.queues.size === 0) soonest = Infinity;
    this.wakeIn(soonest);
  }

  private start(entry: Waiting): void {
    this.running++;
    void entry.run(this.gate(entry.key)).finally(() => {
      this.running--;
      this.dispatch();
    });
  }

  /** One timer for the earliest opening (a later one replaces it only when sooner). */
  private wakeIn(ms: number): void {
    if (ms === Infinity) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.dispatch();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
