/**
 * One resource several users share (a connection, a consumer): made by the first acquire(),
 * closed when the last user releases it, so nothing lingers that nobody uses, and closed for good
 * by its owner's close(), after which acquire() refuses (a late user after a redeploy must not
 * open what nothing would close).
 */
export class SharedResource<R> {
  private current: R | undefined;
  private users = 0;
  private closed = false;

  constructor(
    private readonly make: () => R,
    private readonly dispose: (resource: R) => Promise<void>,
    private readonly closedError: () => Error = () => new Error("The connection was closed (redeploy or stop)"),
  ) {}

  /** The resource (made on first use); counts one more user. Throws what make() throws, or closedError() after close(). */
  acquire(): R {
    if (this.closed) throw this.closedError();
    this.current ??= this.make();
    this.users++;
    return this.current;
  }

  /** A user leaves; the last one closes the resource. */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.shut();
  }

  /** Closes the resource whoever still uses it, and refuses new users. */
  async close(): Promise<void> {
    this.closed = true;
    this.users = 0;
    await this.shut();
  }

  /** The resource while one is open (no side effect). */
  get active(): R | undefined {
    return this.current;
  }

  private async shut(): Promise<void> {
    const r = this.current;
    this.current = undefined;
    if (r !== undefined) await this.dispose(r);
  }
}
