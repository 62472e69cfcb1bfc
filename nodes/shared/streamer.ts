/**
 * Streaming output of the history nodes (hobo-data windows, tuya-log pages and devices): one
 * message batch at a time, numbered with msg.parts so a Join node can reassemble them.
 */
import type { NodeMessage } from "node-red";
import type { DownstreamPace } from "./downstream";
import type { SendFn } from "./input";
import { withParts } from "./output";

/**
 * Holds the latest batch back so the last one sent can carry parts.count (a Join node then
 * completes), and runs each batch's after-send step (moving incremental marks) only once that
 * batch has really been sent. A batch with no message (everything filtered out) still runs its
 * step, in order, without ending the sequence early. Unnumbered batches (one message per
 * reading, which carries no parts) go out at once.
 */
export class Streamer {
  private held?: { msgs: NodeMessage[]; after: () => void | Promise<void> };
  private index = 0;

  constructor(
    private readonly send: SendFn,
    private readonly id: string,
    private readonly numbered: boolean,
    /** Holds the next numbered batch back while the flow has not taken the ones before (backpressure). */
    private readonly downstream?: { pace: DownstreamPace; signal?: AbortSignal },
  ) {}

  async push(msgs: NodeMessage[], after: () => void | Promise<void>): Promise<void> {
    if (msgs.length === 0) {
      // Nothing to send: its step runs right after the held batch's, which may still be the last.
      const held = this.held;
      if (!held) return after();
      const before = held.after;
      held.after = async () => {
        await before();
        await after();
      };
      return;
    }
    if (!this.numbered) {
      this.send([msgs]);
      return after();
    }
    await this.flush(false);
    await this.downstream?.pace.room(this.downstream.signal);
    this.held = { msgs, after };
  }

  /** Sends the held batch (with parts.count when last) and runs its step. */
  async flush(last: boolean): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.downstream?.pace.sent(this.index);
    this.send([held.msgs.map((m) => withParts(m, this.id, this.index, last))]);
    this.index += 1;
    await held.after();
  }
}
