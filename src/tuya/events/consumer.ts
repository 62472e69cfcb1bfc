/**
 * A consumer of Tuya's message service over WebSocket (reference §1–§5), built to stay up:
 * every frame is acknowledged exactly once, right when it arrives, decodable or not (an unacked
 * frame would come back for two hours); duplicates (redelivery, reconnects, legacy and IoT Core
 * copies of one report) are delivered once, remembered in bounded sets; a ping after a quiet
 * spell with a pong deadline finds half-open sockets; reconnects back off exponentially with
 * jitter, forever; a refused upgrade (401 credentials, 500 environment not enabled) is reported
 * once with a hint and retried slowly. TLS verification stays on (a CA can be given). close()
 * leaves no timer and no socket.
 *
 * Events: "state" (ConsumerState), "event" (TuyaEvent), "undecodable" ({messageId?, reason}),
 * "problem" (a refused connection's first report, with its hint).
 */
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { requireSecureTransport } from "../../core/transport-rule";
import { decryptData, encryptionOf, mqKey, mqPassword } from "./crypto";
import { RecentKeys } from "./dedupe";
import { consumerUrl, resolveMqEndpoint, type MqEnvironment } from "./endpoints";
import { parseEnvelope, parseFrame } from "./frames";
import { contentKey, normaliseEvent, UnknownProtocolError, type TuyaEvent } from "./normalise";

export interface TuyaEventConsumerOptions {
  /** Region code (us, eu, cn, in, sg, …) or the service's ws(s):// base URL. */
  endpoint: string;
  accessId: string;
  accessKey: string;
  env?: MqEnvironment;
  /** Subscription suffix, default "sub". */
  suffix?: string;
  /** Extra trusted CA certificate(s) (PEM); verification is never turned off. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Asked of the server: redeliver what is not acked within this time (default 30000, minimum 1000). */
  ackTimeoutMs?: number;
  /** Ping after this long without traffic (default 30000). */
  pingIntervalMs?: number;
  /** Give the socket up when the ping gets no answer within this time (default 10000). */
  pongTimeoutMs?: number;
  /** Reconnect delays: initialMs doubled per failure up to maxMs, with jitter (defaults 1000, 60000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Delays after a refused upgrade (wrong credentials, environment off): start and cap (defaults 60000, 600000). */
  refusedBackoff?: { initialMs?: number; maxMs?: number };
  /** How many message ids and contents are remembered for de-duplication (default 10000 each). */
  dedupeSize?: number;
  /** Upgrade must complete within this time (default 15000). */
  handshakeTimeoutMs?: number;
  /** For tests: the jitter source (default Math.random). */
  random?: () => number;
}

export type ConsumerState =
  | { state: "idle" }
  | { state: "connecting"; attempt: number }
  | { state: "connected"; since: Date }
  | { state: "reconnecting"; attempt: number; delayMs: number; reason: string }
  | { state: "refused"; kind: RefusalKind; status: number; message: string; hint: string; delayMs: number }
  | { state: "closed" };

export type RefusalKind = "credentials" | "environment" | "subscription";

export interface ConsumerStats {
  frames: number;
  acked: number;
  events: number;
  duplicates: number;
  undecodable: number;
  connects: number;
}

export interface Undecodable {
  messageId?: string;
  reason: string;
  protocol?: number;
}

/** What a refused upgrade means and what to do about it (reference §5 pitfalls). */
export function refusalOf(status: number, env: MqEnvironment): { kind: RefusalKind; hint: string } | undefined {
  if (status === 401 || status === 403) {
    return { kind: "credentials", hint: "the message service refused the access id/secret: check them in the tuya-config (the project's Authorization Key)" };
  }
  if (status === 500) {
    return {
      kind: "environment",
      hint: `the "${env}" environment is not enabled for this project: turn the Message Service on in the Tuya cloud project${env === "event-test" ? " and add test devices under Test Environment" : ""}, or choose the other environment`,
    };
  }
  if (status === 400 || status === 404 || status === 409) {
    return {
      kind: "subscription",
      hint: "the subscription was refused (unknown subscription suffix, or another exclusive consumer): check the subscription suffix in the tuya-config",
    };
  }
  return undefined;
}

const CLOSE_REASONS: Readonly<Record<number, string>> = {
  1000: "closed by the server",
  1001: "the server is going away",
  1006: "connection lost",
  1011: "server error",
};

export class TuyaEventConsumer extends EventEmitter {
  readonly stats: ConsumerStats = { frames: 0, acked: 0, events: 0, duplicates: 0, undecodable: 0, connects: 0 };
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly key: Buffer;
  private readonly ids: RecentKeys;
  private readonly contents: RecentKeys;
  private readonly o: Required<Pick<TuyaEventConsumerOptions, "pingIntervalMs" | "pongTimeoutMs" | "handshakeTimeoutMs" | "random">> & {
    backoff: { initialMs: number; maxMs: number };
    refused: { initialMs: number; maxMs: number };
  };
  private ws: WebSocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private refusals = 0;
  private lastRefusal: RefusalKind | undefined;
  private stopped = false;
  private current: ConsumerState = { state: "idle" };

  constructor(private readonly options: TuyaEventConsumerOptions) {
    super();
    const env = options.env ?? "event";
    const endpoint = resolveMqEndpoint(options.endpoint);
    // The password goes in the upgrade headers: wss, or plain ws only on this machine (the emulator).
    requireSecureTransport(endpoint.replace(/^ws/i, "http"), "The Tuya message service URL");
    this.url = consumerUrl({ endpoint, accessId: options.accessId, env, suffix: options.suffix, ackTimeoutMs: options.ackTimeoutMs });
    this.headers = { username: options.accessId, password: mqPassword(options.accessId, options.accessKey) };
    this.key = mqKey(options.accessKey);
    this.ids = new RecentKeys(options.dedupeSize);
    this.contents = new RecentKeys(options.dedupeSize);
    this.o = {
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 15_000,
      random: options.random ?? Math.random,
      backoff: { initialMs: options.backoff?.initialMs ?? 1000, maxMs: options.backoff?.maxMs ?? 60_000 },
      refused: { initialMs: options.refusedBackoff?.initialMs ?? 60_000, maxMs: options.refusedBackoff?.maxMs ?? 600_000 },
    };
  }

  /** The consumer URL (no secret in it). */
  get consumerUrl(): string {
    return this.url;
  }

  get state(): ConsumerState {
    return this.current;
  }

  /** Opens the connection (again after close() is not possible). */
  start(): void {
    if (this.stopped || this.ws || this.retryTimer) return;
    this.connect();
  }

  /** Closes the socket and clears every timer; resolves once the socket is gone. */
  async close(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.terminate();
      });
    }
    this.setState({ state: "closed" });
  }

  private setState(s: ConsumerState): void {
    this.current = s;
    this.emit("state", s);
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.setState({ state: "connecting", attempt: this.failures + 1 });
    const ws = new WebSocket(this.url, {
      headers: this.headers,
      ca: this.options.ca,
      rejectUnauthorized: true,
      handshakeTimeout: this.o.handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;
    let failure: string | undefined;
    let refused: number | undefined;
    ws.on("open", () => {
      this.failures = 0;
      this.refusals = 0;
      this.lastRefusal = undefined;
      this.stats.connects++;
      this.setState({ state: "connected", since: new Date() });
      this.armLiveness();
    });
    ws.on("message", (data: WebSocket.RawData) => {
      this.alive();
      this.onFrame(ws, data);
    });
    ws.on("ping", () => this.alive());
    ws.on("pong", () => this.alive());
    ws.on("error", (err: Error) => {
      const m = /Unexpected server response: (\d{3})/.exec(err.message);
      if (m) refused = Number(m[1]);
      failure = err.message;
    });
    ws.on("close", (code: number) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.clearTimers();
      if (this.stopped) return;
      this.scheduleRetry(refused, failure ?? CLOSE_REASONS[code] ?? `closed (code ${code})`);
    });
  }

  private scheduleRetry(status: number | undefined, reason: string): void {
    const refusal = status !== undefined ? refusalOf(status, this.options.env ?? "event") : undefined;
    let delayMs: number;
    if (refusal) {
      delayMs = this.delay(this.o.refused, this.refusals++);
      const message = `Tuya message service refused the connection (HTTP ${status}): ${refusal.hint}`;
      if (this.lastRefusal !== refusal.kind) {
        this.lastRefusal = refusal.kind;
        this.emit("problem", { kind: refusal.kind, status, message, hint: refusal.hint });
      }
      this.setState({ state: "refused", kind: refusal.kind, status: status!, message, hint: refusal.hint, delayMs });
    } else {
      delayMs = this.delay(this.o.backoff, this.failures++);
      this.setState({ state: "reconnecting", attempt: this.failures, delayMs, reason });
    }
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  /** Capped exponential backoff with jitter in [50 %, 100 %] of the step. */
  private delay(b: { initialMs: number; maxMs: number }, n: number): number {
    const step = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(n, 30));
    return Math.round(step * (0.5 + 0.5 * this.o.random()));
  }

  private armLiveness(): void {
    this.idleTimer = setTimeout(() => this.onIdle(), this.o.pingIntervalMs);
  }

  private alive(): void {
    this.idleTimer?.refresh();
    if (this.pongTimer) {
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
    }
  }

  private onIdle(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.ping();
    this.pongTimer = setTimeout(() => {
      this.pongTimer = undefined;
      // Half-open: the socket looks open but nothing answers. terminate() emits close → reconnect.
      ws.emit("error", new Error(`no answer to a ping within ${this.o.pongTimeoutMs} ms (half-open connection)`));
      ws.terminate();
    }, this.o.pongTimeoutMs);
    this.idleTimer?.refresh();
  }

  private clearTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.pongTimer);
    this.idleTimer = undefined;
    this.pongTimer = undefined;
  }

  private onFrame(ws: WebSocket, data: WebSocket.RawData): void {
    this.stats.frames++;
    const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
    const parsed = parseFrame(text);
    const messageId = "frame" in parsed ? parsed.frame.messageId : parsed.messageId;
    // Acked first, whatever follows: an unacked frame is redelivered for hours.
    if (messageId !== undefined) {
      ws.send(JSON.stringify({ messageId }));
      this.stats.acked++;
    }
    if (!("frame" in parsed)) return this.undecodable({ messageId, reason: parsed.error });
    const frame = parsed.frame;
    if (this.ids.seen(frame.messageId)) {
      this.stats.duplicates++;
      return;
    }
    let event: TuyaEvent;
    let protocol: number | undefined;
    try {
      const envelope = parseEnvelope(frame.payload);
      protocol = envelope.protocol;
      const plain = decryptData(envelope.data, this.key, encryptionOf(frame.properties));
      let data: unknown;
      try {
        data = JSON.parse(plain);
      } catch {
        throw new Error("decrypted data is not JSON");
      }
      const published = Date.parse(frame.publishTime ?? "");
      event = normaliseEvent(envelope.protocol, data, envelope.t ?? (Number.isFinite(published) ? published : Date.now()), frame.messageId);
    } catch (e) {
      const reason = e instanceof UnknownProtocolError ? e.message : `cannot decode (${e instanceof Error ? e.message : String(e)})`;
      return this.undecodable({ messageId: frame.messageId, reason, protocol });
    }
    if (this.contents.seen(contentKey(event))) {
      this.stats.duplicates++;
      return;
    }
    this.stats.events++;
    this.emit("event", event);
  }

  private undecodable(u: Undecodable): void {
    this.stats.undecodable++;
    this.emit("undecodable", u);
  }
}
