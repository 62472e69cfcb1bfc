/**
 * Backpressure for streamed output. Node-RED's send() returns at once and no node waits for the
 * next one, so a backfill read faster than its flow writes piles up inside the runtime: a
 * 10 loggers x 90 days hobo-data → function → file flow peaked at 1.4 GB resident while the
 * client itself held 300,000 rows at most (bench/hobo-node.ts). The runtime's hooks say when a
 * message is routed to a node (preDeliver, inside the sender's send(), so before the sender
 * itself has finished) and when a node has finished with one (onComplete: its done(), or its
 * handler returning for nodes without done). A streamed batch counts as taken once every node it
 * was routed to, or the same message passed on (its parts kept), has finished with it: a file node
 * at the end of the flow only once its write is done. The sender waits while more than
 * `ahead` batches are untaken, so the stream goes at the flow's pace and holds a few batches. A
 * runtime without hooks, or a flow that holds messages without finishing them, costs at most
 * stallMs per batch, never a stall.
 */
import { Wakeup } from "../../src/core/wakeup";

/** The part of RED.hooks used here (Node-RED 2 and later). */
export interface MessageHooks {
  add(name: string, fn: (event: MessageEvent) => void): void;
  remove(name: string): void;
}

/** What the preDeliver and onComplete hooks pass (only the message's parts are read). */
export interface MessageEvent {
  msg?: { parts?: { id?: unknown; index?: unknown } };
}

export interface DownstreamOptions {
  /** Batches sent and not yet taken that the sender may run ahead by (default 2). */
  ahead?: number;
  /** Longest wait for the flow to take something before sending on anyway (default 60 s). */
  stallMs?: number;
}

let labels = 0;

export class DownstreamPace {
  /** Each untaken batch by its parts.index: deliveries not finished yet, and whether any was made. */
  private readonly untaken = new Map<number, { open: number; received: boolean }>();
  private readonly changed = new Wakeup();
  private readonly label?: string;
  private readonly ahead: number;
  private readonly stallMs: number;

  constructor(
    private readonly hooks: MessageHooks | undefined,
    /** The sequence's parts.id. */
    private readonly sequence: string,
    /** False when nothing is wired to the output: nothing to wait for. */
    wired: boolean,
    o: DownstreamOptions = {},
  ) {
    this.ahead = o.ahead ?? 2;
    this.stallMs = o.stallMs ?? 60_000;
    if (!hooks || !wired) return;
    // Hook labels may not contain dots.
    this.label = `bestlabStream${++labels}`;
    hooks.add(`preDeliver.${this.label}`, (event) => this.count(event, 1));
    hooks.add(`onComplete.${this.label}`, (event) => this.count(event, -1));
  }

  /** The batch with this parts.index went out. */
  sent(index: number): void {
    if (this.label) this.untaken.set(index, { open: 0, received: false });
  }

  /** Batches sent and not yet taken. */
  get pending(): number {
    return this.untaken.size;
  }

  /** Waits while more than `ahead` batches are untaken: until the flow takes one, the stall time passes, or signal fires. */
  async room(signal?: AbortSignal): Promise<void> {
    while (this.untaken.size > this.ahead && !signal?.aborted) {
      let timer: NodeJS.Timeout | undefined;
      let stalled = false;
      const onAbort = () => this.changed.notify();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await Promise.race([
          this.changed.wait(),
          new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              stalled = true;
              resolve();
            }, this.stallMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
      // Nothing was taken in all that time: the flow holds its messages; send on rather than stop.
      if (stalled) return;
    }
  }

  dispose(): void {
    if (this.label) {
      this.hooks?.remove(`preDeliver.${this.label}`);
      this.hooks?.remove(`onComplete.${this.label}`);
    }
    this.untaken.clear();
    this.changed.notify();
  }

  /** A message of the sequence was routed to a node (+1), or a node finished with one (-1). */
  private count(event: MessageEvent, step: 1 | -1): void {
    const parts = event.msg?.parts;
    if (!parts || parts.id !== this.sequence || typeof parts.index !== "number") return;
    const batch = this.untaken.get(parts.index);
    if (!batch) return;
    batch.open += step;
    if (step > 0) batch.received = true;
    // Taken once it was routed somewhere and every delivery has finished.
    if (!batch.received || batch.open > 0) return;
    this.untaken.delete(parts.index);
    this.changed.notify();
  }
}

/** True when something is wired to the node's first output (the streamed one). */
export function firstOutputWired(node: object): boolean {
  const wires = (node as { wires?: unknown }).wires;
  return Array.isArray(wires) && Array.isArray(wires[0]) && wires[0].length > 0;
}

/** The pace of a node's streamed output (its first), for a Streamer; dispose of it when the run ends. */
export function streamPace(RED: object, node: object, sequence: string, signal: AbortSignal): { pace: DownstreamPace; signal: AbortSignal } {
  const hooks = (RED as { hooks?: MessageHooks }).hooks;
  return { pace: new DownstreamPace(hooks, sequence, firstOutputWired(node)), signal };
}
