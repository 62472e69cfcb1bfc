/**
 * A fetch under way that produces its results in pieces: the producer pushes each piece as it
 * arrives, a single reader takes them in order, and a shared Wakeup tells the reader that
 * something changed. A failure is kept and thrown to the reader after the pieces before it,
 * never as an unhandled rejection.
 */
import type { Wakeup } from "../core/wakeup";

export type Taken<T> = { piece: T } | "pending" | "done";

export class SpanTask<T> {
  private readonly pieces: T[] = [];
  private finished = false;
  private failed = false;
  private error: unknown;

  constructor(
    produce: (emit: (piece: T) => void) => Promise<void>,
    private readonly changed: Wakeup,
  ) {
    produce((piece) => {
      this.pieces.push(piece);
      this.changed.notify();
    }).then(
      () => this.finish(),
      (err: unknown) => {
        this.failed = true;
        this.error = err;
        this.finish();
      },
    );
  }

  /** Pieces produced and not yet taken. */
  get buffered(): number {
    return this.pieces.length;
  }

  /** The next piece, "pending" while none is ready, "done" when the producer is; throws the producer's failure. */
  take(): Taken<T> {
    if (this.pieces.length > 0) return { piece: this.pieces.shift()! };
    if (!this.finished) return "pending";
    if (this.failed) throw this.error;
    return "done";
  }

  private finish(): void {
    this.finished = true;
    this.changed.notify();
  }
}
