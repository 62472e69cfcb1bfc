/**
 * Adaptive window length: aim each request at a fraction of the server's row cap. It starts from
 * hints (channels and logging interval per logger), then learns rows per logger per millisecond
 * from every answer (and the service's real cap from an answer that was cut). It shrinks at once when more rows come than expected and grows at most
 * fourfold per answer, so a stretch without data is crossed quickly but a burst is not overshot.
 */
export interface WindowSizerOptions {
  rowCap: number;
  targetFill: number;
  /** Channels per logger (default 10). */
  channels?: number;
  /** Logging interval in seconds (default 300). */
  intervalSec?: number;
  /** A fixed window length; disables learning. */
  fixedMs?: number;
}

const MAX_GROWTH = 4;
const MIN_SPAN_MS = 1000;

export class WindowSizer {
  /** Expected rows per logger per millisecond. */
  private rate: number;
  private target: number;
  private readonly targetFill: number;
  private readonly fixedMs?: number;

  constructor(o: WindowSizerOptions) {
    const channels = o.channels && o.channels > 0 ? o.channels : 10;
    const intervalSec = o.intervalSec && o.intervalSec > 0 ? o.intervalSec : 300;
    this.rate = channels / (intervalSec * 1000);
    this.targetFill = o.targetFill;
    this.target = Math.max(1, Math.floor(o.rowCap * o.targetFill));
    this.fixedMs = o.fixedMs && o.fixedMs > 0 ? Math.max(MIN_SPAN_MS, Math.floor(o.fixedMs)) : undefined;
  }

  /** Window length in ms (whole seconds) for a request covering `loggers` loggers. */
  spanMs(loggers: number): number {
    if (this.fixedMs !== undefined) return this.fixedMs;
    const ms = this.target / (Math.max(1, loggers) * this.rate);
    return Math.max(MIN_SPAN_MS, Math.floor(Math.min(ms, Number.MAX_SAFE_INTEGER) / 1000) * 1000);
  }

  /** Learns from an answer: `rows` rows for `loggers` loggers over `spanMs`. */
  observe(loggers: number, spanMs: number, rows: number): void {
    if (this.fixedMs !== undefined) return;
    const observed = rows / (Math.max(1, loggers) * Math.max(MIN_SPAN_MS, spanMs));
    this.rate = observed >= this.rate ? observed : Math.max(observed, this.rate / MAX_GROWTH);
  }

  /** A cut answer held `rows` rows: the service's cap is no larger, so aim below it from now on. */
  observeCap(rows: number): void {
    if (rows > 0) this.target = Math.min(this.target, Math.max(1, Math.floor(rows * this.targetFill)));
  }
}
