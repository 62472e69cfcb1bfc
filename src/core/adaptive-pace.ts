/**
 * An adaptive pace for one endpoint of a service that limits each endpoint to an unpublished
 * number of requests per sliding window and answers "too frequent" beyond it (Tuya: 1199, 1110,
 * 1111 or HTTP 429). It finds the limit from the answers instead of guessing it:
 *
 * - `safe` is the number of starts per window the service has accepted. Up to it, requests go out
 *   at once (a burst is fine within a window).
 * - A start beyond `safe` is a probe. While the limit is unknown (no throttle answer yet) up to
 *   safe/8 probes may be in flight, so the pace grows by an eighth per round trip (from 10 to 40
 *   a second in about a dozen round trips); each accepted probe raises `safe` to the count it was
 *   sent at (additive increase, one request at a time).
 * - A throttled probe leaves `safe` alone (the limit is just above it) and delays the next probe,
 *   twice as long after each throttled one (one window, two, four, … up to 32): where the limit
 *   lies is known, so looking past it again is rarely worth a refused request.
 * - A throttled request that was not a probe means the limit went down (or another client of the
 *   same project takes a share): `safe` is cut by a quarter at once (multiplicative decrease);
 *   answers to requests sent before that cut do not cut again.
 *
 * The client's window is the service's plus a margin, since the service counts arrivals and
 * network jitter can bring two requests sent a window apart closer than that.
 */
import { pruneWindow, windowDelay, type Gate } from "./rate-limit";

export interface AdaptivePaceOptions {
  /** The service's window plus a margin for jitter (Tuya: 1000 + 100 ms). */
  windowMs: number;
  /** Starts per window before any answer has been seen. */
  initial: number;
  /** A user's cap on starts per window (undefined or 0 = none). */
  max?: number;
  /** True for an error that is the service's throttle answer. */
  isThrottle: (error: unknown) => boolean;
}

interface Ticket {
  at: number;
  /** Starts in the window including this one. */
  count: number;
  probe: boolean;
}

/** Longest wait between probes after throttled ones, in windows. */
const MAX_PROBE_GAP_WINDOWS = 32;
/** Share of safe allowed as probes in flight while the limit is unknown. */
const SLOW_START_PROBES = 1 / 8;
/** Kept of safe after a throttled request that was not a probe. */
const DECREASE = 0.75;

export class AdaptivePace implements Gate {
  private readonly starts: number[] = [];
  private readonly cap: number;
  private safeCount: number;
  private limitKnown = false;
  private probes = 0;
  private nextProbeAt = 0;
  private probeGap: number;
  private decreasedAt = -Infinity;
  private throttledCount = 0;

  constructor(private readonly o: AdaptivePaceOptions) {
    this.cap = o.max && o.max > 0 ? Math.floor(o.max) : Infinity;
    this.safeCount = Math.max(1, Math.min(this.cap, Math.floor(o.initial)));
    this.probeGap = o.windowMs;
  }

  /** Starts per window the service has accepted (the pace now). */
  get safe(): number {
    return this.safeCount;
  }

  /** Throttle answers seen. */
  get throttled(): number {
    return this.throttledCount;
  }

  delay(now: number): number {
    const toSafe = windowDelay(this.starts, this.safeCount, this.o.windowMs, now);
    if (toSafe === 0) return 0;
    if (this.safeCount >= this.cap || this.starts.length >= this.cap) return windowDelay(this.starts, this.cap, this.o.windowMs, now);
    if (this.probes >= this.probeSlots()) return toSafe;
    return Math.min(toSafe, Math.max(0, this.nextProbeAt - now));
  }

  started(now: number): Ticket {
    pruneWindow(this.starts, this.o.windowMs, now);
    this.starts.push(now);
    const count = this.starts.length;
    const probe = count > this.safeCount;
    if (probe) this.probes++;
    return { at: now, count, probe };
  }

  settled(ticket: unknown, error: unknown, now: number): void {
    const t = ticket as Ticket;
    if (t.probe) this.probes--;
    if (error !== undefined && this.o.isThrottle(error)) {
      this.throttledCount++;
      if (t.at < this.decreasedAt) return;
      this.limitKnown = true;
      if (t.probe && t.count > this.safeCount) {
        this.nextProbeAt = now + this.probeGap;
        this.probeGap = Math.min(this.probeGap * 2, this.o.windowMs * MAX_PROBE_GAP_WINDOWS);
      } else {
        this.safeCount = Math.max(1, Math.floor(this.safeCount * DECREASE));
        this.decreasedAt = now;
        this.nextProbeAt = now + this.o.windowMs;
        this.probeGap = this.o.windowMs;
      }
      return;
    }
    // Any other answer passed the service's rate check; a request without an answer taught nothing.
    if (t.probe && t.at >= this.decreasedAt && t.count > this.safeCount && (error === undefined || answered(error))) {
      this.safeCount = Math.min(this.cap, t.count);
      // Past the first throttle, one step per window: additive increase.
      if (this.limitKnown) this.nextProbeAt = now + this.o.windowMs;
      this.probeGap = this.o.windowMs;
    }
  }

  private probeSlots(): number {
    return this.limitKnown ? 1 : Math.max(1, Math.floor(this.safeCount * SLOW_START_PROBES));
  }
}

/** True for an error that carries a service's answer (a status or code), not a lost connection. */
function answered(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { status?: unknown };
  return typeof e.status === "number" && e.status > 0;
}
