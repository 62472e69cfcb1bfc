/**
 * One consumer shared by every user of a config (a second connection with the same credentials
 * would split the partitions between them, reference §3 Failover): opened by the first user,
 * closed when the last one leaves, so no connection lingers acking messages nobody reads.
 */
import type { TuyaEventConsumer } from "./consumer";

export class SharedConsumer {
  private consumer: TuyaEventConsumer | undefined;
  private users = 0;
  private closed = false;

  constructor(private readonly make: () => TuyaEventConsumer) {}

  /** The started consumer (created on first use); throws what make() throws, or after close(). */
  acquire(): TuyaEventConsumer {
    if (this.closed) throw new Error("The connection was closed (redeploy or stop)");
    if (!this.consumer) {
      const c = this.make();
      c.setMaxListeners(0);
      c.start();
      this.consumer = c;
    }
    this.users++;
    return this.consumer;
  }

  /** A user leaves; the last one closes the consumer. */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.shut();
  }

  /** Closes the consumer whoever still uses it, and refuses new users. */
  async close(): Promise<void> {
    this.closed = true;
    this.users = 0;
    await this.shut();
  }

  get active(): TuyaEventConsumer | undefined {
    return this.consumer;
  }

  private async shut(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (!c) return;
    await c.close();
    c.removeAllListeners();
  }
}
