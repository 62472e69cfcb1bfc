// A faithful local model of the Tuya Cloud OpenAPI (see the tuya-cloud-api reference in the project notes):
// signatures, token lifecycle, both path families, paged deterministic logs, throttling, quota
// and fault injection. Used by tests, the demo and benchmarks. Imports nothing from the clients.
import { createServer, type Server } from "node:http";
import { FaultQueue, type TuyaFault } from "./faults";
import { Gateway } from "./server";
import { Project } from "./project";
import { buildRoutes, type Family } from "./routes";
import type { SignAlgorithm } from "./sign";
import { EmulatorStats } from "./stats";
import { Quota, Throttle, throttleLimits } from "./throttle";
import { MessageService, type MessageServiceOptions } from "./mq/service";
import { EventSources } from "./mq/sources";
import { closeServer, listen } from "../listen";

export type { TuyaFault } from "./faults";
export { EmulatorStats } from "./stats";
export type { MessageServiceOptions } from "./mq/service";
export { DEFAULT_QPS, DEFAULT_QPS_TABLE, parseQpsFlags } from "./throttle";

export interface TuyaEmulatorDevice {
  id: string;
  name: string;
  category: string;
  online: boolean;
  productId: string;
  productName: string;
}

export interface TuyaEmulatorOptions {
  host?: string;
  port?: number;
  accessId?: string;
  accessSecret?: string;
  /** Token lifetime; grants return the REMAINING seconds of the current token (reference §2.3). */
  tokenLifetimeSec?: number;
  /** Allowed |server time − t| before 1013. */
  timeWindowMs?: number;
  /** Server clock = now() + offset. */
  clockOffsetMs?: number;
  /** Clock for token expiry, logs, retention and envelopes (default Date.now). Throttling uses the real clock. */
  now?: () => number;
  /**
   * Calls per endpoint template per client per second for every template (0 = unlimited). Left
   * out: Tuya's per-API table (DEFAULT_QPS_TABLE, 20/s for the rest).
   */
  qps?: number;
  /** Per-template limits, keyed "METHOD /path/{param}" (e.g. "GET /v1.0/iot-03/devices/{device_id}/logs"). */
  qpsByTemplate?: Record<string, number>;
  throttleCode?: 1199 | 1110;
  expiredTokenMsg?: "token invalid" | "token is expired";
  logOrder?: "desc" | "asc";
  oversizePage?: "clamp" | "error";
  iot03LogShape?: "doc" | "table";
  /** Batch calls (device_ids=...) with ids not in the project: "omit" them (default) or "deny" the whole batch with 1106. */
  batchForeignIds?: "omit" | "deny";
  /** iot-03 logs: "filter" by `codes` (default) or "ignore" it, as a server may (the reference's iot-03 parameters do not list it). */
  iot03LogCodes?: "filter" | "ignore";
  deniedFamilies?: ("iot-03" | "smart-home")[];
  extraSensors?: number;
  seed?: number;
  monthlyQuota?: number;
  /** Sensor report grid in seconds (default 300); small values make dense histories. */
  logIntervalSec?: number;
  /** The first token grant returns these instead of random tokens (for fixed test vectors). */
  fixedTokens?: { accessToken: string; refreshToken: string };
  /** Replace the ids of the fixed devices, in order: plug, PIR, climate, light, offline switch. */
  deviceIds?: string[];
  /** Which signature algorithms the project accepts; default "any" (new and legacy). */
  signAlgorithm?: SignAlgorithm;
  /** The message service (realtime events) on the same server: environments, encryption, families, retention, idle timeout. */
  mq?: Omit<MessageServiceOptions, "accessId" | "accessSecret" | "now">;
  /** Publish the simulated sensors' changed readings as events this often (ms; default 0 = only on demand). */
  sensorReportMs?: number;
}

export class TuyaEmulator {
  readonly accessId: string;
  readonly accessSecret: string;
  readonly devices: TuyaEmulatorDevice[];
  readonly stats = new EmulatorStats();
  readonly faults: {
    failNext(count: number, fault: TuyaFault): void;
    setLatency(ms: number): void;
    /** The next `size` requests are held until all have arrived (proves they were in flight at once). */
    barrier(size: number): void;
    /** Moves the server's clock (the `t` it checks requests against and answers with) by ms from now on; clear() resets it. */
    setClockSkew(ms: number): void;
    expireTokens(): void;
    revokeTokens(): void;
    /** Faults queued by failNext and not met yet. */
    pending(): number;
    clear(): void;
  };

  private readonly host: string;
  private readonly port: number;
  private readonly serverNow: () => number;
  private readonly project: Project;
  private readonly gateway: Gateway;
  /** The message service: faults, switches and stats (see mq/service.ts). */
  readonly mq: MessageService;
  /** What publishes device changes: setOnline, rename, reportSensors. */
  readonly events: EventSources;
  private readonly sensorReportMs: number;
  private server: Server | undefined;
  private baseUrl = "";

  constructor(options: TuyaEmulatorOptions = {}) {
    const o = options;
    this.host = o.host ?? "127.0.0.1";
    this.port = o.port ?? 0;
    this.accessId = o.accessId ?? "emuTuyaAccessId0000001";
    this.accessSecret = o.accessSecret ?? "emutuyademosecret000000000000001";
    const clock = o.now ?? Date.now;
    const offset = o.clockOffsetMs ?? 0;
    this.serverNow = () => clock() + offset;

    this.project = new Project(
      {
        seed: o.seed ?? 1,
        logIntervalSec: o.logIntervalSec ?? 300,
        extraSensors: o.extraSensors ?? 0,
        deviceIds: o.deviceIds,
        tokenLifetimeSec: o.tokenLifetimeSec ?? 7200,
        fixedTokens: o.fixedTokens,
        createdAt: this.serverNow(),
      },
      this.stats,
    );
    this.devices = this.project.devices.map((d) => ({
      id: d.id,
      name: d.name,
      category: d.category,
      online: d.online,
      productId: d.productId,
      productName: d.productName,
    }));

    this.mq = new MessageService({ ...o.mq, accessId: this.accessId, accessSecret: this.accessSecret, now: this.serverNow });
    this.mq.ensureSubscriptions();
    this.sensorReportMs = o.sensorReportMs ?? 0;
    this.events = new EventSources(this.project, this.mq, this.serverNow, (d) => {
      const mirror = this.devices.find((m) => m.id === d.id);
      if (mirror) Object.assign(mirror, { name: d.name, online: d.online });
    });

    const queue = new FaultQueue();
    const throttle = new Throttle(throttleLimits(o.qps, o.qpsByTemplate));
    const tokens = this.project.tokens;
    this.faults = {
      failNext: (count, fault) => queue.add(count, fault),
      setLatency: (ms) => {
        queue.latencyMs = Math.max(0, ms);
      },
      barrier: (size) => queue.barrier(size),
      setClockSkew: (ms) => {
        queue.skewMs = Number.isFinite(ms) ? ms : 0;
      },
      expireTokens: () => tokens.expireAll(),
      revokeTokens: () => tokens.revokeAll(),
      pending: () => queue.waiting,
      clear: () => {
        queue.clear();
        throttle.clear();
      },
    };
    const routes = buildRoutes(
      this.project,
      {
        oversizePage: o.oversizePage ?? "clamp",
        logOrder: o.logOrder ?? "desc",
        iot03LogShape: o.iot03LogShape ?? "doc",
        batchForeignIds: o.batchForeignIds ?? "omit",
        iot03LogCodes: o.iot03LogCodes ?? "filter",
      },
      this.stats,
    );
    this.gateway = new Gateway({
      config: {
        accessId: this.accessId,
        accessSecret: this.accessSecret,
        timeWindowMs: o.timeWindowMs ?? 15 * 60_000,
        signAlgorithm: o.signAlgorithm ?? "any",
        throttleCode: o.throttleCode ?? 1199,
        expiredTokenMsg: o.expiredTokenMsg ?? "token invalid",
        deniedFamilies: (o.deniedFamilies ?? []) as Family[],
        serverNow: this.serverNow,
      },
      project: this.project,
      routes,
      faults: queue,
      stats: this.stats,
      throttle,
      quota: new Quota(o.monthlyQuota),
      admin: {
        ...this.faults,
        devices: () => ({
          devices: this.project.devices.map((d) => ({
            id: d.id,
            name: d.name,
            category: d.category,
            online: d.online,
            product_id: d.productId,
            product_name: d.productName,
            status: this.project.status(d, this.serverNow()),
          })),
        }),
        mq: (route, body) => this.events.admin(route, body),
      },
    });
  }

  /** Base URL, e.g. "http://127.0.0.1:40123" ("" before start()). */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer(this.gateway.handle);
    server.on("upgrade", (req, socket, head) => {
      if (!this.mq.handleUpgrade(req, socket, head)) socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    this.server = server;
    const { port } = await listen(server, this.port, this.host);
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    this.baseUrl = `http://${host}:${port}`;
    this.events.startSensorReports(this.sensorReportMs);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.gateway.releaseAll();
    this.events.stopSensorReports();
    this.mq.stop();
    await closeServer(server);
  }

  /** The message service's base URL, e.g. "ws://127.0.0.1:40123/" ("" before start()). */
  get mqUrl(): string {
    return this.baseUrl ? `${this.baseUrl.replace(/^http/, "ws")}/` : "";
  }

  /** Current status of a device as the cloud would report it. */
  status(deviceId: string): { code: string; value: unknown }[] {
    const d = this.project.device(deviceId);
    if (!d) throw new Error(`unknown device ${deviceId}`);
    return this.project.status(d, this.serverNow());
  }

  /** The server's clock now (the `now` option plus the clock offset): what status values, logs and tokens are computed at. */
  now(): number {
    return this.serverNow();
  }

  /** Every device's LAN key (local_key), for tests that prove no node emits one. */
  localKeys(): string[] {
    return this.project.devices.map((d) => d.localKey);
  }

  /** Every access and refresh token handed out (for tests that prove no token leaks). */
  issuedTokens(): string[] {
    return this.project.tokens.issued();
  }

  /** What the CLI prints as its JSON line. */
  describe(): { url: string; mqUrl: string; accessId: string; accessSecret: string; devices: { id: string; name: string; category: string }[] } {
    return {
      url: this.baseUrl,
      mqUrl: this.mqUrl,
      accessId: this.accessId,
      accessSecret: this.accessSecret,
      devices: this.devices.map(({ id, name, category }) => ({ id, name, category })),
    };
  }
}
