/**
 * The clock of a call's total time bound (retry.ts). It runs while the call works (its requests,
 * its token fetch, its pauses between attempts) and stands still while the call waits for its turn
 * at the client's own rate limiter. That wait is the service's published pace (30 a minute per URL
 * for HOBOlink) and the other nodes' fair turns: known, finite, and no sign of trouble. Counting it
 * would fail the later windows of every long backfill at the bound although nothing is wrong.
 *
 * The rate limiter finds the clock of the call it serves through the async context (as it finds
 * the owner, fair.ts), so the clients' APIs carry nothing extra. A call made inside another's
 * attempt (a token fetch inside a data request) holds the outer clocks too.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const clocks = new AsyncLocalStorage<BoundClock>();

/** The longest delay a timer takes; a longer one would fire after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

export class BoundClock {
  private usedMs = 0;
  /** When the clock last started running; undefined while held or stopped. */
  private since: number | undefined;
  private holds = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly parent = clocks.getStore();

  constructor(
    private readonly boundMs: number,
    /** Called once when the running time reaches the bound. */
    private readonly onPassed: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.run();
  }

  /** Time counted against the bound so far. */
  elapsed(): number {
    return this.usedMs + (this.since === undefined ? 0 : this.now() - this.since);
  }

  /** Stops the clock (and the clocks of the calls this one runs inside) until the returned release is called. */
  hold(): () => void {
    const outer = this.parent?.hold();
    if (this.holds++ === 0) this.pause();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && !this.stopped) this.run();
      outer?.();
    };
  }

  /** Runs fn (an attempt) with this clock as the one the rate limiter holds. */
  within<T>(fn: () => T): T {
    return clocks.run(this, fn);
  }

  stop(): void {
    this.pause();
    this.stopped = true;
  }

  private run(): void {
    this.since = this.now();
    this.timer = setTimeout(
      () => {
        this.stop();
        this.onPassed();
      },
      Math.min(Math.max(0, this.boundMs - this.usedMs), MAX_TIMER_MS),
    );
  }

  private pause(): void {
    if (this.since !== undefined) this.usedMs += this.now() - this.since;
    this.since = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Holds the total time bound of the call being made here, if any, until release is called. */
export function holdBound(): () => void {
  return clocks.getStore()?.hold() ?? (() => undefined);
}
