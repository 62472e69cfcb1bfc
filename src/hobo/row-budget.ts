/**
 * How far a streamed backfill may read ahead of its reader, counted in rows: the rows received
 * and not yet handed on, plus a full answer (the row cap) for every request in flight, since an
 * answer may hold that many. A request ahead of the reader starts only while the count stays
 * one answer below the limit, so the request the reader itself waits for always fits:
 * the count never exceeds the limit, and the reader is never blocked by windows behind it.
 */
import { AbortError } from "../core/errors";
import type { Wakeup } from "../core/wakeup";

export class RowBudget {
  private used = 0;

  constructor(
    /** Rows that may be held ahead of the reader (at least one answer: the reader's own request always goes). */
    readonly limit: number,
    /** Rows one answer may hold (the row cap). */
    readonly perAnswer: number,
    private readonly changed: Wakeup,
  ) {}

  /** Rows held or reserved now. */
  get held(): number {
    return this.used;
  }

  /** True when `answers` more requests may start ahead of the reader. */
  fitsAhead(answers: number): boolean {
    return this.used + (answers + 1) * this.perAnswer <= this.limit;
  }

  /** Reserves `answers` answers without checking (the reader's own request, or requests checked by fitsAhead). */
  reserve(answers: number): void {
    this.used += answers * this.perAnswer;
  }

  /** Waits until one request may start, at once when `urgent()` says the reader waits for it; then reserves it. */
  async take(urgent: () => boolean, signal: AbortSignal): Promise<void> {
    while (!urgent() && !this.fitsAhead(1)) {
      if (signal.aborted) throw new AbortError();
      await this.changed.wait();
    }
    if (signal.aborted) throw new AbortError();
    this.reserve(1);
  }

  /** An answer came: its reservation becomes the `rows` kept from it (0 when none are kept or it failed). */
  answered(rows: number): void {
    this.used += rows - this.perAnswer;
    this.changed.notify();
  }

  /** Rows handed to the reader are no longer ahead of it. */
  handedOn(rows: number): void {
    this.used -= rows;
    this.changed.notify();
  }
}
