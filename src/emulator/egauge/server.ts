// The eGauge meter emulator's HTTP(S) server (reference §7): the JSON WebAPI under /api with the
// digest/JWT login, the legacy XML API under /cgi-bin, and admin controls under /_emulator.
// Pipeline: proxy prefix (redirect when missing) → fault / latency → auth → privileges → route.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { FaultPlan, type HoboFault } from "../hobo/faults";
import { AuthModel, REALM, type EgaugeEmulatorUser } from "./auth";
import { Meter, parseQuery, type MeterClockState } from "./meter";
import { defaultRegisters, type EgaugeEmulatorRegister } from "./registers";
import { DEFAULT_LEVELS, Store, type DbLevel } from "./store";
import { instantXml, showXml } from "./xml";
import { checkZone } from "./zone";
import { readTextBody } from "../http-body";
import { closeServer, listen } from "../listen";

export type EgaugeFault = HoboFault;

export interface EgaugeEmulatorOptions {
  host?: string;
  port?: number;
  /** Serve HTTPS with this key and (self-signed) certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Proxy mode: every path lives under this prefix ("/D1234"); other paths redirect into it. */
  proxyPrefix?: string;
  /** Default: owner/"owner-pass" (save, ctrl, view_settings) and viewer/"viewer-pass" (no rights). */
  users?: EgaugeEmulatorUser[];
  registers?: EgaugeEmulatorRegister[];
  levels?: DbLevel[];
  /** Wall clock in ms; default Date.now (pass a function over a variable for a frozen clock). */
  now?: () => number;
  /** Meter clock minus wall clock, in seconds. */
  clockOffsetSec?: number;
  /** Meter time zone (IANA); default "UTC". */
  timeZone?: string;
  /** Day of month a billing cycle starts (for sob); default 1. */
  billingDay?: number;
  /** 0 = Sunday (default). */
  weekStart?: number;
  /** DB creation (Unix s); default two years before the start of the clock, at a UTC midnight. */
  created?: number;
  /** DB epoch (Unix s) that counters are relative to; default 30 days after creation. */
  epoch?: number;
  /** Let this register's raw counter pass 2^63 at this time; default Grid starts at 2^60 (above 2^53). */
  wrap?: { register: string; at: number };
  nonceTtlSec?: number;
  tokenLifetimeSec?: number;
  /** false: a meter older than firmware 4.2, with only the legacy XML API (/api answers 404). */
  jsonApi?: boolean;
  serial?: string;
  firmware?: string;
  model?: string;
  hostname?: string;
}

export interface EgaugeEmulatorStats {
  requests: number;
  logins: number;
  /** Requests per path (without the proxy prefix and query). */
  byPath: Record<string, number>;
  /** Bodies posted to /api/auth/login (to prove what a client sends). */
  loginBodies: string[];
  /** Raw query strings of /api/register, oldest first. */
  registerQueries: string[];
  maxInFlight: number;
  reset(): void;
}

export interface EgaugeEmulatorDescription {
  url: string;
  user: string;
  password: string;
  registers: { name: string; type: string }[];
}

const DAY = 86400;

export class EgaugeEmulator {
  readonly users: EgaugeEmulatorUser[];
  readonly meter: Meter;
  readonly stats: EgaugeEmulatorStats;
  private readonly plan = new FaultPlan();
  private readonly auth: AuthModel;
  private readonly clock: () => number;
  private clockOffsetSec: number;
  private readonly tz: string;
  private readonly created: number;
  private readonly epoch: number;
  private boot: number;
  private server: Server | undefined;
  private baseUrl = "";
  private inFlight = 0;

  constructor(private readonly options: EgaugeEmulatorOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.clockOffsetSec = options.clockOffsetSec ?? 0;
    this.tz = options.timeZone ?? "UTC";
    checkZone(this.tz);
    const now = this.nowSec();
    this.created = options.created ?? Math.floor(now / DAY) * DAY - 730 * DAY;
    this.epoch = options.epoch ?? this.created + 30 * DAY;
    this.boot = now - 3600;
    this.users = options.users ?? [
      { usr: "owner", pwd: "owner-pass", rights: ["save", "ctrl", "view_settings"] },
      { usr: "viewer", pwd: "viewer-pass", rights: [] },
    ];
    const registers = (options.registers ?? defaultRegisters()).map((r) => ({ ...r }));
    if (!options.registers && !options.wrap) registers[0].rawBase = 2n ** 60n;
    this.meter = new Meter(registers, new Store(options.levels ?? DEFAULT_LEVELS), this.created, options.wrap);
    this.auth = new AuthModel(this.users, () => this.nowSec(), options.nonceTtlSec ?? 60, options.tokenLifetimeSec ?? 600);
    const stats: EgaugeEmulatorStats = {
      requests: 0,
      logins: 0,
      byPath: {},
      loginBodies: [],
      registerQueries: [],
      maxInFlight: 0,
      reset: () => {
        stats.requests = 0;
        stats.logins = 0;
        stats.byPath = {};
        stats.loginBodies = [];
        stats.registerQueries = [];
        stats.maxInFlight = 0;
      },
    };
    this.stats = stats;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Meter time in whole Unix seconds. */
  nowSec(): number {
    return Math.floor(this.clock() / 1000) + this.clockOffsetSec;
  }

  // ---- knobs ----
  failNext(count: number, fault: EgaugeFault): void {
    this.plan.failNext(count, fault);
  }
  setLatency(ms: number): void {
    this.plan.setLatency(ms);
  }
  setClockOffset(sec: number): void {
    this.clockOffsetSec = sec;
  }
  /** Revokes every token and clears the volatile (1 s) level. */
  reboot(): void {
    this.auth.generation++;
    this.boot = this.nowSec();
  }
  revokeTokens(): void {
    this.auth.generation++;
  }
  expireNonces(): void {
    this.auth.expireNonces();
  }
  renameRegister(name: string, newName: string, newIdx?: number): void {
    this.meter.rename(name, newName, newIdx);
  }
  issuedTokens(): string[] {
    return this.auth.issuedTokens();
  }
  clearFaults(): void {
    this.plan.clear();
  }

  describe(): EgaugeEmulatorDescription {
    const owner = this.users[0];
    return {
      url: this.baseUrl + (this.options.proxyPrefix ?? ""),
      user: owner.usr,
      password: owner.pwd,
      registers: this.meter.registers.map((r) => ({ name: r.name, type: r.type })),
    };
  }

  state(): MeterClockState {
    return {
      now: this.nowSec(),
      created: this.created,
      boot: this.boot,
      tz: this.tz,
      epoch: this.epoch,
      billingDay: this.options.billingDay ?? 1,
      weekStart: this.options.weekStart ?? 0,
    };
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.send(res, 500, { error: String(err) });
        else res.destroy();
      });
    };
    const server = this.options.tls ? createHttpsServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler) : createHttpServer(handler);
    server.keepAliveTimeout = 5000;
    const addr = await listen(server, this.options.port ?? 0, this.options.host ?? "127.0.0.1");
    this.server = server;
    this.baseUrl = `${this.options.tls ? "https" : "http"}://${addr.address}:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
    this.baseUrl = "";
  }

  private send(res: ServerResponse, status: number, body: unknown, type = "application/json", headers: Record<string, string> = {}): void {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { ...headers, "Content-Type": type, "Content-Length": String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    let path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? "" : rawUrl.slice(qi + 1);
    const prefix = this.options.proxyPrefix;
    if (prefix && !path.startsWith("/_emulator/")) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) {
        this.send(res, 302, "", "text/plain", { Location: `${prefix}${rawUrl}` });
        return;
      }
      path = path.slice(prefix.length) || "/";
    }
    if (path.startsWith("/_emulator/")) return this.admin(path, res);
    this.stats.requests++;
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1;
    this.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    res.on("close", () => this.inFlight--);
    const fault = this.plan.take(path);
    if (this.plan.latencyMs > 0) await new Promise((r) => setTimeout(r, this.plan.latencyMs));
    if (fault) {
      if (fault.hang) return;
      if (fault.drop) return void res.destroy();
      this.send(
        res,
        fault.status ?? 500,
        fault.html ? "<html><body><h1>502 Bad Gateway</h1></body></html>" : { error: fault.message ?? "Internal Server Error" },
        fault.html ? "text/html" : "application/json",
      );
      return;
    }
    const q = parseQuery(rawQuery);
    const st = this.state();
    if (path === "/cgi-bin/egauge") return this.send(res, 200, instantXml(this.meter, q, st, this.serialHex()), "text/xml");
    if (path === "/cgi-bin/egauge-show") return this.send(res, 200, showXml(this.meter, q, st, this.serialHex()), "text/xml");
    if (!path.startsWith("/api/") || this.options.jsonApi === false) return this.send(res, 404, { error: "Not Found" });
    const api = path.slice(4);
    if (api === "/auth/login") {
      if (req.method !== "POST") return this.send(res, 405, { error: "Method Not Allowed" });
      const text = await readTextBody(req);
      this.stats.loginBodies.push(text);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return this.send(res, 400, { error: "Bad Request" });
      }
      const result = this.auth.login(body, Boolean(this.options.tls), Boolean(prefix));
      if ("jwt" in result.body) this.stats.logins++;
      return this.send(res, result.status, result.body);
    }
    const claims = this.auth.verify(req.headers.authorization);
    if (!claims) return this.send(res, 401, this.auth.challenge());
    if (api === "/auth/unauthorized") return this.send(res, 200, { status: "OK" });
    if (api === "/auth/logout") {
      this.auth.revoke(req.headers.authorization);
      return this.send(res, 200, { status: "OK" });
    }
    if (api === "/auth/rights") return this.send(res, 200, { usr: claims.usr, rights: claims.prv });
    if (api === "/register") {
      this.stats.registerQueries.push(rawQuery);
      return this.send(res, 200, this.meter.registerReply(q, st));
    }
    if (api === "/local") return this.send(res, 200, this.local(st.now));
    const settings = this.settings(api, st);
    if (settings === undefined) return this.send(res, 404, { error: "Not Found" });
    // A missing privilege answers like a missing login (reference §2, "Privileges").
    if (!claims.prv.includes("view_settings")) return this.send(res, 401, this.auth.challenge());
    return this.send(res, 200, { result: settings });
  }

  private settings(api: string, st: MeterClockState): unknown {
    switch (api) {
      case "/sys/sn":
        return this.options.serial ?? "G10400";
      case "/sys/time":
        return `${st.now}.000000000`;
      case "/sys/uptime":
        return st.now - st.boot;
      case "/sys/model":
        return this.options.model ?? "EG4030";
      case "/sys/version/firmware":
        return this.options.firmware ?? "4.6.2";
      case "/sys/db":
        return {
          "max-registers": 64,
          level: this.meter.store.levels.map((l) => ({
            head: Math.floor(st.now / l.interval) * l.interval,
            interval: l.interval * 1000,
            "row-count": l.rowCount,
            volatile: l.volatile,
          })),
        };
      case "/config/net/hostname":
        return this.options.hostname ?? "DEMO-EGAUGE";
      case "/config/db/epoch":
        return String(this.epoch);
      case "/config/time/zone":
        return this.tz;
      default:
        return undefined;
    }
  }

  private local(now: number): Record<string, unknown> {
    const rate = (name: string) => {
      const r = this.meter.registers.find((x) => x.name === name && !x.sum);
      return r ? this.meter.rate(r, now) : 0;
    };
    const volts = rate("L1");
    return {
      ts: `${now}.000000000`,
      values: { L1: { rate: { n: volts, f: 60 }, type: "V" }, S1: { rate: { n: volts ? Number((rate("Grid") / volts).toFixed(3)) : 0 }, type: "I" } },
      energy: { "S1*L1": { rate: rate("Grid") }, "S2*L1": { rate: rate("Solar") } },
    };
  }

  private serialHex(): string {
    return (
      "0x" +
      Buffer.from(this.options.serial ?? "G10400")
        .readUInt32BE(0)
        .toString(16)
    );
  }

  private admin(path: string, res: ServerResponse): void {
    if (path === "/_emulator/stats") return this.send(res, 200, { ...this.stats, reset: undefined });
    if (path === "/_emulator/reboot") {
      this.reboot();
      return this.send(res, 200, { status: "OK" });
    }
    this.send(res, 404, { error: "Not Found" });
  }
}

export { REALM };
