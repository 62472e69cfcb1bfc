/**
 * One consumer shared by every user of a config (a second connection with the same credentials
 * would split the partitions between them, reference §3 Failover): started by the first user,
 * closed when the last one leaves, so no connection lingers acking messages nobody reads.
 */
import { SharedResource } from "../../core/shared-resource";
import type { TuyaEventConsumer } from "./consumer";

export class SharedConsumer extends SharedResource<TuyaEventConsumer> {
  /** make: a new, unstarted consumer; closedError: what acquire() throws after close(). */
  constructor(make: () => TuyaEventConsumer, closedError?: () => Error) {
    super(
      () => {
        const c = make();
        c.setMaxListeners(0);
        c.start();
        return c;
      },
      async (c) => {
        await c.close();
        c.removeAllListeners();
      },
      closedError,
    );
  }
}
