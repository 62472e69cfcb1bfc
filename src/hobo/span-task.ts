/**
 * A fetch under way that produces its results in pieces: the producer pushes each piece as it
 * arrives, a single consumer drains them in order, waiting when none is ready. A failure is kept
 * and thrown to the consumer after the pieces before it, never as an unhandled rejection.
 */
export class SpanTask<T> {
  private readonly pieces: T[] = [];
  private finished = false;
  private failed = false;
  private error: unknown;
  private wake?: () => void;

  constructor(produce: (emit: (piece: T) => void) => Promise<void>) {
    produce((piece) => {
      this.pieces.push(piece);
      this.notify();
    }).then(
      () => this.finish(),
      (err: unknown) => {
        this.failed = true;
        this.error = err;
        this.finish();
      },
    );
  }

  /** The next piece, or undefined when the producer is done; throws the producer's failure. */
  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.pieces.length > 0) return this.pieces.shift();
      if (this.finished) {
        if (this.failed) throw this.error;
        return undefined;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private finish(): void {
    this.finished = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
