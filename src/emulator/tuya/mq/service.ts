// The message service (reference §1–§3, §7) on the emulator's HTTP server: the Pulsar WebSocket
// consumer path with the username/password upgrade headers, both environments (each can be
// switched off: the upgrade then answers 500, as observed on the real service), subscriptions
// "{accessId}-{suffix}", frames {messageId, payload, properties, publishTime, redeliveryCount, key},
// per-message acks, Failover, idle timeout, and the faults a consumer must survive.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { encrypt, envelopeSign, expectedPassword, type Encryption } from "./crypto";
import { lifecycleMessages, statusMessages, type DeviceRef, type Families, type Lifecycle, type Outgoing } from "./messages";
import { Subscription, type ConsumerLink, type QueuedMessage, type SubscriptionStats } from "./subscription";

export type MqEnv = "event" | "event-test";
const ENVS: readonly MqEnv[] = ["event", "event-test"];
const PATH = /^\/ws\/v2\/consumer\/persistent\/([^/]+)\/out\/([^/]+)\/([^/]+)$/;
const TYPES = ["Exclusive", "Shared", "Failover", "Key_Shared"];
const MAX_QUEUE = 1000;

export interface MessageServiceOptions {
  accessId: string;
  accessSecret: string;
  /** Clock of publish times and retention. */
  now: () => number;
  /** Which environments the project has enabled (default both). */
  environments?: Partial<Record<MqEnv, boolean>>;
  /** The project's "Message encryption algorithm" (default ECB). */
  encryption?: Encryption;
  /** Which message families the project's rules push (default legacy: protocols 4 and 20). */
  families?: Families;
  /** Subscription suffixes that exist (default ["sub"]). */
  suffixes?: string[];
  /** Unconsumed messages are kept this long (default 2 h). */
  retentionMs?: number;
  /** Sessions without any client frame or ping for this long are closed (default 300000; 0 = never). */
  idleTimeoutMs?: number;
  /** Devices on the test channel (event-test); default every device. */
  testDevices?: string[];
  /** The messaging rule is on (default); when off, nothing is pushed although sockets connect. */
  rules?: boolean;
}

export interface PublishRequest {
  deviceId: string;
  protocol: number;
  data: unknown;
  /** Override the project's encryption for this message. */
  encryption?: Encryption;
}

export interface MqStats extends SubscriptionStats {
  connections: number;
  refused: Record<string, number>;
  published: number;
  frames: number;
}

type FrameFault = "duplicate" | "corrupt" | "unknownProtocol" | "noProperties";

interface Consumer extends ConsumerLink {
  ws: WebSocket;
  sub: Subscription;
  idle?: NodeJS.Timeout;
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export class MessageService {
  readonly stats: MqStats = { connections: 0, refused: {}, published: 0, frames: 0, delivered: 0, redelivered: 0, acked: 0, unknownAcks: 0, expired: 0 };
  readonly environments: Record<MqEnv, boolean>;
  encryption: Encryption;
  families: Families;
  rules: boolean;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
  private readonly subs = new Map<string, Subscription>();
  private readonly consumers = new Set<Consumer>();
  private readonly frameFaults: FrameFault[] = [];
  private readonly handshakeFaults: number[] = [];
  private ignoredAcks = 0;
  private seq = 0;
  private nextConsumer = 1;
  private ticker: NodeJS.Timeout | undefined;
  private readonly suffixes: string[];
  private readonly password: string;

  constructor(private readonly o: MessageServiceOptions) {
    this.environments = { event: o.environments?.event ?? true, "event-test": o.environments?.["event-test"] ?? true };
    this.encryption = o.encryption ?? "ecb";
    this.families = o.families ?? "legacy";
    this.rules = o.rules ?? true;
    this.suffixes = o.suffixes ?? ["sub"];
    this.password = expectedPassword(o.accessId, o.accessSecret);
  }

  /** Handles an upgrade on the consumer path; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://x");
    const m = PATH.exec(url.pathname);
    if (!m) return false;
    const refuse = (status: number, text: string) => {
      this.stats.refused[String(status)] = (this.stats.refused[String(status)] ?? 0) + 1;
      reject(socket, status, text);
    };
    const [tenant, env, subscription] = m.slice(1).map(decodeURIComponent);
    const forced = this.handshakeFaults.shift();
    if (forced !== undefined) return (refuse(forced, "Injected failure"), true);
    const header = (n: string) => (Array.isArray(req.headers[n]) ? (req.headers[n] as string[])[0] : (req.headers[n] as string | undefined));
    if (tenant !== this.o.accessId || header("username") !== this.o.accessId || header("password") !== this.password)
      return (refuse(401, "Unauthorized"), true);
    if (!ENVS.includes(env as MqEnv)) return (refuse(404, "Topic not found"), true);
    if (!this.environments[env as MqEnv]) return (refuse(500, "Internal Server Error"), true);
    if (!this.suffixes.some((s) => subscription === `${this.o.accessId}-${s}`)) return (refuse(400, "Unknown subscription"), true);
    const type = url.searchParams.get("subscriptionType") ?? "Failover";
    if (!TYPES.includes(type)) return (refuse(400, "Invalid subscriptionType"), true);
    const ackParam = url.searchParams.get("ackTimeoutMillis");
    const ackTimeoutMs = ackParam === null ? 0 : Number(ackParam);
    if (!Number.isFinite(ackTimeoutMs) || (ackTimeoutMs !== 0 && ackTimeoutMs < 1000))
      return (refuse(400, "ackTimeoutMillis must be 0 or at least 1000"), true);
    const queueParam = Number(url.searchParams.get("receiverQueueSize") ?? MAX_QUEUE);
    const queueSize = Math.max(1, Math.min(MAX_QUEUE, Number.isFinite(queueParam) ? queueParam : MAX_QUEUE));
    const sub = this.subscription(env as MqEnv, subscription);
    if (type === "Exclusive" && sub.consumerCount > 0) return (refuse(409, "Exclusive consumer is already connected"), true);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, sub, ackTimeoutMs, queueSize));
    return true;
  }

  private subscription(env: MqEnv, name: string): Subscription {
    const key = `${env}/${name}`;
    let s = this.subs.get(key);
    if (!s) {
      s = new Subscription(env === "event" ? 11 : 1, this.o.retentionMs ?? 2 * 3_600_000, this.o.now, Date.now, this.stats);
      this.subs.set(key, s);
    }
    return s;
  }

  private attach(ws: WebSocket, sub: Subscription, ackTimeoutMs: number, queueSize: number): void {
    this.stats.connections++;
    const c: Consumer = {
      id: this.nextConsumer++,
      queueSize,
      ackTimeoutMs,
      frozen: false,
      ws,
      sub,
      send: (m) => this.sendFrame(c, m),
    };
    this.consumers.add(c);
    this.consumersChanged();
    const idleMs = this.o.idleTimeoutMs ?? 300_000;
    if (idleMs > 0) c.idle = setTimeout(() => ws.close(1000, "idle timeout"), idleMs);
    const touch = () => c.idle?.refresh();
    ws.on("ping", (data) => {
      if (c.frozen) return;
      touch();
      ws.pong(data);
    });
    ws.on("message", (raw, isBinary) => {
      if (c.frozen) return;
      touch();
      let ack: unknown;
      try {
        ack = JSON.parse(isBinary ? "" : String(raw));
      } catch {
        ws.close(1003, "FailedToDeserializeFromJSON");
        return;
      }
      const id = typeof ack === "object" && ack !== null ? (ack as Record<string, unknown>).messageId : undefined;
      if (typeof id !== "string") return;
      if (this.ignoredAcks > 0) {
        this.ignoredAcks--;
        return;
      }
      sub.ack(c, id);
    });
    ws.on("close", () => {
      clearTimeout(c.idle);
      this.consumers.delete(c);
      this.consumersChanged();
      sub.remove(c);
      this.updateTicker();
    });
    ws.on("error", () => undefined);
    sub.add(c);
    this.updateTicker();
  }

  private sendFrame(c: Consumer, m: QueuedMessage): void {
    const fault = this.frameFaults.shift();
    let payload = m.payload;
    let properties: Record<string, string> | undefined = m.properties;
    if (fault === "corrupt") {
      const env = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as Record<string, unknown>;
      const bytes = Buffer.from(String(env.data), "base64");
      bytes[bytes.length - 1] ^= 0xff;
      bytes[0] ^= 0xff;
      payload = Buffer.from(JSON.stringify({ ...env, data: bytes.toString("base64") })).toString("base64");
    } else if (fault === "unknownProtocol") {
      const env = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as Record<string, unknown>;
      payload = Buffer.from(JSON.stringify({ ...env, protocol: 99 })).toString("base64");
    } else if (fault === "noProperties") properties = undefined;
    const frame = JSON.stringify({
      messageId: m.messageId,
      payload,
      properties,
      publishTime: new Date(m.publishTime).toISOString(),
      redeliveryCount: m.redeliveryCount,
      key: m.key,
    });
    const copies = fault === "duplicate" ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.stats.frames++;
      c.ws.send(frame);
    }
  }

  /** One interval checks ack timeouts while any consumer asked for them. */
  private updateTicker(): void {
    const need = [...this.consumers].some((c) => c.ackTimeoutMs > 0);
    if (need && !this.ticker) {
      this.ticker = setInterval(() => {
        for (const s of this.subs.values()) s.checkTimeouts();
      }, 200);
      this.ticker.unref();
    } else if (!need && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Publishes prepared messages to every subscription of the environments that carry the device. */
  private push(list: Outgoing[], encryption = this.encryption): void {
    if (!this.rules) return;
    for (const out of list) {
      const t = this.o.now();
      const envelope: Record<string, unknown> = {
        data: encrypt(JSON.stringify(out.data), this.o.accessSecret, encryption),
        protocol: out.protocol,
        pv: "2.0",
        t,
      };
      envelope.sign = envelopeSign(envelope, this.o.accessSecret);
      const payload = Buffer.from(JSON.stringify(envelope)).toString("base64");
      const properties: Record<string, string> = { tid: createHash("md5").update(`${this.seq}:${t}`).digest("hex") };
      if (encryption === "gcm") properties.em = "aes_gcm";
      this.stats.published++;
      const hash = createHash("md5").update(out.deviceId).digest().readUInt32BE(0);
      for (const [key, sub] of this.subs) {
        const env = key.slice(0, key.indexOf("/")) as MqEnv;
        if (env === "event-test" && this.o.testDevices && !this.o.testDevices.includes(out.deviceId)) continue;
        const seq = ++this.seq;
        const partition = hash % sub.partitions;
        const messageId = Buffer.from(`${seq}:${partition}:${t}`).toString("base64");
        sub.publish({ seq, messageId, partition, payload, properties, publishTime: t, redeliveryCount: 0, key: out.deviceId });
      }
    }
  }

  /** Makes sure the enabled environments' subscriptions exist, so messages wait for their consumer. */
  ensureSubscriptions(): void {
    for (const env of ENVS) if (this.environments[env]) for (const s of this.suffixes) this.subscription(env, `${this.o.accessId}-${s}`);
  }

  statusChanged(d: DeviceRef, dps: { code: string; value: unknown }[]): void {
    if (dps.length) this.push(statusMessages(d, dps, this.o.now(), this.families));
  }

  lifecycle(d: DeviceRef, e: Lifecycle, uid: string): void {
    this.push(lifecycleMessages(d, e, this.o.now(), this.families, uid));
  }

  /** Any message, as given (the admin route). */
  publish(r: PublishRequest): void {
    this.push([{ deviceId: r.deviceId, protocol: r.protocol, data: r.data as Record<string, unknown> }], r.encryption ?? this.encryption);
  }

  /** Unacked + unsent messages of one environment's subscriptions (default all). */
  backlog(env?: MqEnv): number {
    let n = 0;
    for (const [key, s] of this.subs) if (!env || key.startsWith(`${env}/`)) n += s.backlog;
    return n;
  }

  readonly faults = {
    /** Closes every consumer socket with this code (1006 = drop without a close frame). */
    closeAll: (code = 1011): void => {
      for (const c of this.consumers) {
        if (code === 1006) c.ws.terminate();
        else c.ws.close(code, "injected close");
      }
    },
    /** Every current consumer goes silent: no frames, no pongs, acks ignored; the socket stays open. */
    halfOpen: (): void => {
      for (const c of this.consumers) c.frozen = true;
    },
    duplicateNext: (n = 1): void => this.addFrameFaults("duplicate", n),
    corruptNext: (n = 1): void => this.addFrameFaults("corrupt", n),
    unknownProtocolNext: (n = 1): void => this.addFrameFaults("unknownProtocol", n),
    noPropertiesNext: (n = 1): void => this.addFrameFaults("noProperties", n),
    /** The next n upgrades are refused with this HTTP status. */
    failHandshakes: (n: number, status = 500): void => {
      for (let i = 0; i < n; i++) this.handshakeFaults.push(status);
    },
    /** The next n acks are lost (the message is redelivered after the ack timeout). */
    dropAcks: (n = 1): void => {
      this.ignoredAcks += n;
    },
    clear: (): void => {
      this.frameFaults.length = 0;
      this.handshakeFaults.length = 0;
      this.ignoredAcks = 0;
    },
  };

  private addFrameFaults(f: FrameFault, n: number): void {
    for (let i = 0; i < n; i++) this.frameFaults.push(f);
  }

  consumerCount(): number {
    return this.consumers.size;
  }

  private readonly countWaiters: { count: number; resolve(): void }[] = [];

  /** Resolves once exactly `count` consumers are connected (at once if they are): tests wait on it instead of polling. */
  whenConsumers(count: number): Promise<void> {
    if (this.consumers.size === count) return Promise.resolve();
    return new Promise((resolve) => this.countWaiters.push({ count, resolve }));
  }

  private consumersChanged(): void {
    for (const w of this.countWaiters.filter((x) => x.count === this.consumers.size)) {
      this.countWaiters.splice(this.countWaiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Closes every session and timer. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const c of this.consumers) {
      clearTimeout(c.idle);
      c.ws.terminate();
    }
    this.consumers.clear();
  }
}
