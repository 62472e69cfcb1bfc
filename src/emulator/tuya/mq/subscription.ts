// One subscription of one environment (reference §3): the retained messages, the consumers in
// connect order with Failover assignment (`event`: 11 partitions by device, split across the
// consumers; `event-test`: one partition, the first consumer active and the others standing by,
// promoted when it leaves), in-flight tracking per consumer up to its receiver queue size,
// redelivery with redeliveryCount+1 after the ack timeout and when a consumer goes away, and
// retention (messages older than it are dropped unsent).

export interface QueuedMessage {
  seq: number;
  messageId: string;
  partition: number;
  payload: string;
  properties: Record<string, string>;
  publishTime: number;
  redeliveryCount: number;
  key: string;
  /** Sent this many times at once (duplicate-delivery fault). */
  copies?: number;
}

export interface ConsumerLink {
  readonly id: number;
  readonly queueSize: number;
  readonly ackTimeoutMs: number;
  /** A half-open consumer: frames are not sent to it. */
  frozen: boolean;
  send(m: QueuedMessage): void;
}

interface InFlight {
  m: QueuedMessage;
  sentAt: number;
}

export interface SubscriptionStats {
  delivered: number;
  redelivered: number;
  acked: number;
  unknownAcks: number;
  expired: number;
}

export class Subscription {
  private ready: QueuedMessage[] = [];
  private readonly consumers: ConsumerLink[] = [];
  private readonly inFlight = new Map<ConsumerLink, Map<string, InFlight>>();

  constructor(
    readonly partitions: number,
    private readonly retentionMs: number,
    private readonly now: () => number,
    private readonly realNow: () => number,
    readonly stats: SubscriptionStats,
  ) {}

  get backlog(): number {
    let n = this.ready.length;
    for (const f of this.inFlight.values()) n += f.size;
    return n;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  add(c: ConsumerLink): void {
    this.consumers.push(c);
    this.inFlight.set(c, new Map());
    // A new consumer takes partitions from others: what they hold of those goes back to the queue.
    for (const other of this.consumers) if (other !== c) this.reclaim(other, (m) => this.owner(m.partition) !== other);
    this.pump();
  }

  remove(c: ConsumerLink): void {
    const i = this.consumers.indexOf(c);
    if (i < 0) return;
    this.reclaim(c, () => true);
    this.consumers.splice(i, 1);
    this.inFlight.delete(c);
    this.pump();
  }

  publish(m: QueuedMessage): void {
    this.ready.push(m);
    // Nobody to send to: the message waits (no scan of a growing backlog per publish).
    if (this.consumers.length > 0) this.pump();
  }

  ack(c: ConsumerLink, messageId: string): void {
    const f = this.inFlight.get(c);
    if (f?.delete(messageId)) {
      this.stats.acked++;
      this.pump();
    } else this.stats.unknownAcks++;
  }

  /** Redelivers what a consumer has held longer than its ack timeout. */
  checkTimeouts(): void {
    const t = this.realNow();
    let moved = false;
    for (const c of this.consumers) {
      if (c.ackTimeoutMs <= 0) continue;
      moved = this.reclaim(c, (_m, sentAt) => t - sentAt >= c.ackTimeoutMs) || moved;
    }
    if (moved) this.pump();
  }

  /** Which consumer receives a partition now (Failover). */
  owner(partition: number): ConsumerLink | undefined {
    if (this.consumers.length === 0) return undefined;
    return this.consumers[partition % this.consumers.length];
  }

  private reclaim(c: ConsumerLink, which: (m: QueuedMessage, sentAt: number) => boolean): boolean {
    const f = this.inFlight.get(c);
    if (!f) return false;
    const back: QueuedMessage[] = [];
    for (const [id, e] of f) {
      if (!which(e.m, e.sentAt)) continue;
      f.delete(id);
      back.push({ ...e.m, redeliveryCount: e.m.redeliveryCount + 1, copies: undefined });
    }
    if (back.length === 0) return false;
    this.stats.redelivered += back.length;
    this.ready = [...back, ...this.ready].sort((a, b) => a.seq - b.seq);
    return true;
  }

  /** Sends what can be sent: per partition owner, while its receiver queue has room. */
  pump(): void {
    const oldest = this.now() - this.retentionMs;
    const keep: QueuedMessage[] = [];
    for (const m of this.ready) {
      if (m.publishTime < oldest) {
        this.stats.expired++;
        continue;
      }
      const c = this.owner(m.partition);
      const f = c && this.inFlight.get(c);
      if (!c || !f || c.frozen || f.size >= c.queueSize) {
        keep.push(m);
        continue;
      }
      f.set(m.messageId, { m, sentAt: this.realNow() });
      this.stats.delivered++;
      c.send(m);
    }
    this.ready = keep;
  }
}
