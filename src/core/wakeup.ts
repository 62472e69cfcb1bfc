/**
 * A condition to wait on: everyone waiting wakes on notify() and re-checks what it waits for.
 * Used where several producers and one reader share counts (a look-ahead budget, buffered pages).
 */
export class Wakeup {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
