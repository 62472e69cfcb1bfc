// The HOBOlink emulator's HTTP server: legacy Onset V3 under /ws, LI-COR Cloud v1 under /v1 and
// admin controls under /_emulator, on one node:http server. Request pipeline (non-admin):
// concurrency (509) → injected fault / latency → route (auth → rate limit → validation → rows).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bearerToken, checkTokenRequest, TokenStore, type LegacyCredentials } from "./auth";
import { defaultFaultCode, FaultPlan, proxyErrorPage, type HoboFault } from "./faults";
import { collectRows, countRows, legacyBody, v1Body } from "./observations";
import { SlidingWindowLimiter, type RateDecision } from "./ratelimit";
import { defaultStations, extraWeatherStations, formatUtc, parseLenientUtc, resolveStation, type HoboEmulatorStation, type StationModel } from "./stations";
import { HoboErrorReply, ERROR_DESCRIPTIONS, validateLegacy, validateV1, type DataQuery } from "./validate";
import { readTextBody } from "../http-body";

export interface HoboEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Legacy V3 credentials; defaults "BESTLab_WS", a fixed 40-hex secret, "26954". */
  clientId?: string;
  clientSecret?: string;
  userId?: string;
  /** LI-COR v1 static token; default a fixed 48-character alphanumeric string. */
  licorToken?: string;
  /** Legacy token lifetime; default 600. */
  tokenLifetimeSec?: number;
  /** Whether a new token revokes the client's older ones; default false. */
  revokeOnNewToken?: boolean;
  /** Row cap per answer; default 100000. */
  maxResults?: number;
  /** Default 30 per 60000 ms per (client, path). */
  legacyRateLimit?: { requests: number; windowMs: number };
  /** Default 60 per 60000 ms per (token, path), reported in RateLimit-* headers. */
  licorRateLimit?: { requests: number; windowMs: number };
  /** Concurrent data requests above this get 509 SYS-001; default 75. */
  maxConcurrent?: number;
  /**
   * Send Retry-After with 429 (the seconds until the rate window frees) and 509 (1 s) answers.
   * The reference documents none for either service (LI-COR sends RateLimit-* headers instead),
   * so clients must cope without it: off by default [inference].
   */
  sendRetryAfter?: boolean;
  /** Clock for data ("now") and token expiry; default Date.now. */
  now?: () => number;
  /**
   * Clock for the rate-limit windows; default Date.now (wall time even when `now` is injected,
   * so a frozen data clock cannot leave a client stuck behind a window that never slides).
   */
  rateClock?: () => number;
  /** Rows only up to now − lag; default 0. */
  uploadLagSec?: number;
  /** Loggers not owned (or unknown): "empty" → 200 without their rows (default); "error" → 400 ATH-008. */
  unownedLoggers?: "empty" | "error";
  /** false (default): the format segment "json" is accepted in any case; true: only "JSON". */
  strictFormat?: boolean;
  /** Default: the three fixtures of stations.ts. */
  stations?: HoboEmulatorStation[];
  /** Add N generated weather stations (serials 22xxxxxx). */
  extraStations?: number;
}

export interface HoboEmulatorStats {
  requests: number;
  tokenRequests: number;
  dataRequests: number;
  /** Answers by HTTP status ("200", "429", …; "dropped" for destroyed sockets). */
  byStatus: Record<string, number>;
  /** Most data requests in flight at once (counted on arrival, so including 509s). */
  maxInFlight: number;
  /** The data queries that passed validation, oldest first (the last MAX_QUERY_LOG kept). */
  queries: HoboEmulatorQuery[];
  reset(): void;
}

/** One validated data query: the loggers asked for and the window, UTC "yyyy-MM-dd HH:mm:ss", both ends inclusive. */
export interface HoboEmulatorQuery {
  flavour: "legacy" | "licor";
  loggers: string[];
  start: string;
  end: string;
}

export interface HoboEmulatorFaults {
  failNext(count: number, fault: HoboFault): void;
  setLatency(ms: number): void;
  expireTokens(): void;
  revokeTokens(): void;
  /** Rows only up to now − sec from here on (a station's backlog not uploaded yet); clear() restores the option's lag. */
  setUploadLag(sec: number): void;
  /** Drop queued faults and latency, and restore the upload lag. */
  clear(): void;
}

export interface HoboEmulatorDescription {
  url: string;
  legacy: { clientId: string; clientSecret: string; userId: string };
  licor: { token: string };
  loggers: { serial: string; name: string; kind: string }[];
}

const DEFAULT_SECRET = "7c4a8d09ca3762af61e59520943dc26494f8941b";
const DEFAULT_LICOR_TOKEN = "Lc7Hq2ZpW9sVb4NmXe6RtY8uKd3JfA5gQw1ZoP0iBn7CvMxS";
const MAX_QUERY_LOG = 10_000;

type Route = "token" | "legacy" | "v1" | "admin" | "other";

function routeOf(path: string): Route {
  if (path === "/ws/auth/token") return "token";
  if (path.startsWith("/ws/data/file/")) return "legacy";
  if (path === "/v1/data") return "v1";
  if (path.startsWith("/_emulator/")) return "admin";
  return "other";
}


export class HoboEmulator {
  readonly legacy: LegacyCredentials;
  readonly licor: { token: string };
  readonly loggers: { serial: string; name: string; kind: string }[];
  readonly faults: HoboEmulatorFaults;
  readonly stats: HoboEmulatorStats;

  private readonly clock: () => number;
  private readonly stations = new Map<string, StationModel>();
  private readonly tokens: TokenStore;
  private readonly legacyLimiter: SlidingWindowLimiter;
  private readonly licorLimiter: SlidingWindowLimiter;
  private readonly plan = new FaultPlan();
  private readonly maxResults: number;
  private readonly maxConcurrent: number;
  private readonly sendRetryAfter: boolean;
  private uploadLagSec: number;
  private readonly unowned: "empty" | "error";
  private readonly strictFormat: boolean;
  private readonly host: string;
  private readonly port: number;
  private server: Server | undefined;
  private baseUrl = "";
  private inFlight = 0;
  /** Timers and held responses to release on stop(). */
  private readonly waits = new Set<{ timer?: NodeJS.Timeout; resolve: () => void }>();

  constructor(options: HoboEmulatorOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 0;
    this.legacy = { clientId: options.clientId ?? "BESTLab_WS", clientSecret: options.clientSecret ?? DEFAULT_SECRET, userId: options.userId ?? "26954" };
    this.licor = { token: options.licorToken ?? DEFAULT_LICOR_TOKEN };
    this.maxResults = options.maxResults ?? 100000;
    this.maxConcurrent = options.maxConcurrent ?? 75;
    this.sendRetryAfter = options.sendRetryAfter ?? false;
    this.uploadLagSec = options.uploadLagSec ?? 0;
    this.unowned = options.unownedLoggers ?? "empty";
    this.strictFormat = options.strictFormat ?? false;
    if (!Number.isInteger(this.maxResults) || this.maxResults < 1) throw new Error("maxResults must be a positive integer");
    this.tokens = new TokenStore(options.tokenLifetimeSec ?? 600, options.revokeOnNewToken ?? false, this.clock);
    const lr = options.legacyRateLimit ?? { requests: 30, windowMs: 60000 };
    const vr = options.licorRateLimit ?? { requests: 60, windowMs: 60000 };
    const rateClock = options.rateClock ?? Date.now;
    this.legacyLimiter = new SlidingWindowLimiter(lr.requests, lr.windowMs, rateClock);
    this.licorLimiter = new SlidingWindowLimiter(vr.requests, vr.windowMs, rateClock);

    const nowMs = this.clock();
    const list = [...(options.stations ?? defaultStations(nowMs)), ...extraWeatherStations(options.extraStations ?? 0, nowMs)];
    for (const s of list) {
      if (this.stations.has(s.serial)) throw new Error(`Duplicate station serial ${s.serial}`);
      this.stations.set(s.serial, resolveStation(s, nowMs));
    }
    this.loggers = [...this.stations.values()].filter((s) => s.owned).map((s) => ({ serial: s.serial, name: s.name, kind: s.kind }));

    const plan = this.plan;
    const tokens = this.tokens;
    this.faults = {
      failNext: (count, fault) => plan.failNext(count, fault),
      setLatency: (ms) => plan.setLatency(ms),
      expireTokens: () => tokens.expireAll(),
      revokeTokens: () => tokens.revokeAll(),
      setUploadLag: (sec) => {
        if (!Number.isFinite(sec) || sec < 0) throw new Error("setUploadLag: sec must be a non-negative number");
        this.uploadLagSec = sec;
      },
      clear: () => {
        plan.clear();
        this.uploadLagSec = options.uploadLagSec ?? 0;
      },
    };
    const stats: HoboEmulatorStats = {
      requests: 0,
      tokenRequests: 0,
      dataRequests: 0,
      byStatus: {},
      maxInFlight: 0,
      queries: [],
      reset: () => {
        stats.requests = 0;
        stats.tokenRequests = 0;
        stats.dataRequests = 0;
        stats.byStatus = {};
        stats.maxInFlight = 0;
        stats.queries = [];
      },
    };
    this.stats = stats;
  }

  /** Base URL once started ("" before). */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendJson(res, 500, { error: "WCE-001", message: String(err), error_description: ERROR_DESCRIPTIONS["WCE-001"] });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.baseUrl = `http://${host}:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const w of this.waits) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve();
    }
    this.waits.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    this.baseUrl = "";
  }

  /** Rows the data endpoints return for one logger in [start, end] (inclusive), before any cap. */
  expectedRows(loggerSerial: string, startUtc: string, endUtc: string): number {
    const st = this.stations.get(loggerSerial);
    if (!st || !st.owned) return 0;
    const end = Math.min(parseLenientUtc(endUtc), this.visibleUntilSec());
    return countRows(st, parseLenientUtc(startUtc), end);
  }

  /** Every legacy access token handed out (for tests that prove no token leaks). */
  issuedTokens(): string[] {
    return this.tokens.issued();
  }

  describe(): HoboEmulatorDescription {
    return { url: this.baseUrl, legacy: { ...this.legacy }, licor: { ...this.licor }, loggers: this.loggers.map((l) => ({ ...l })) };
  }

  // ---- request handling ----

  private nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }

  private visibleUntilSec(): number {
    return this.nowSec() - this.uploadLagSec;
  }

  private logQuery(flavour: HoboEmulatorQuery["flavour"], query: DataQuery): void {
    const log = this.stats.queries;
    log.push({ flavour, loggers: [...query.loggers], start: formatUtc(query.startSec), end: formatUtc(query.endSec) });
    if (log.length > MAX_QUERY_LOG) log.splice(0, log.length - MAX_QUERY_LOG);
  }

  private count(status: number | string): void {
    const key = String(status);
    this.stats.byStatus[key] = (this.stats.byStatus[key] ?? 0) + 1;
  }

  private sendText(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
    this.count(status);
    res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.sendText(res, status, typeof body === "string" ? body : JSON.stringify(body), "application/json;charset=UTF-8", headers);
  }

  private sendError(res: ServerResponse, err: HoboErrorReply, headers: Record<string, string> = {}): void {
    this.sendJson(res, err.status, err.body(), headers);
  }

  /** Resolves after `ms`, or at once when the emulator stops. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w: { timer?: NodeJS.Timeout; resolve: () => void } = { resolve };
      w.timer = setTimeout(() => {
        this.waits.delete(w);
        resolve();
      }, ms);
      this.waits.add(w);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = url.pathname;
    const route = routeOf(path);
    if (route === "admin") return this.handleAdmin(req, res, path);

    this.stats.requests += 1;
    const isData = route === "legacy" || route === "v1";
    if (route === "token") this.stats.tokenRequests += 1;
    if (isData) this.stats.dataRequests += 1;
    // The v1 host sends CORS and rate-limit headers on every answer.
    if (route === "v1" || path.startsWith("/v1/")) res.setHeader("Access-Control-Allow-Origin", "*");
    if (route === "v1") this.setRateHeaders(res, this.licorLimiter.peek(this.v1Key(req, path)), this.licorLimiter.windowMs);

    if (isData) {
      this.inFlight += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
      let released = false;
      const release = (): void => {
        if (!released) {
          released = true;
          this.inFlight -= 1;
        }
      };
      res.once("finish", release);
      res.once("close", release);
      if (this.inFlight > this.maxConcurrent) return this.sendError(res, new HoboErrorReply(509, "SYS-001", "System is busy."), this.retryAfterHeader(1));
    }

    const fault = this.plan.take(path);
    if (this.plan.latencyMs > 0) await this.wait(this.plan.latencyMs);
    if (!this.server) return void res.destroy();
    if (fault) return this.applyFault(res, fault, req);

    switch (route) {
      case "token":
        return this.handleToken(req, res, url);
      case "legacy":
        return this.handleLegacy(req, res, url);
      case "v1":
        return this.handleV1(req, res, url);
      default:
        if (req.method === "OPTIONS" && path.startsWith("/v1/")) return this.preflight(res);
        return this.sendJson(res, 404, { error: "NOT_FOUND", message: `No endpoint at ${path}.`, error_description: "Not found." });
    }
  }

  private async applyFault(res: ServerResponse, fault: HoboFault, req: IncomingMessage): Promise<void> {
    if (fault.drop) {
      this.count("dropped");
      res.socket?.destroy();
      return;
    }
    if (fault.hang) {
      // Held until the client gives up or the emulator stops.
      this.count("hung");
      await new Promise<void>((resolve) => {
        const w = { resolve };
        this.waits.add(w);
        res.once("close", () => {
          this.waits.delete(w);
          resolve();
        });
      });
      res.socket?.destroy();
      return;
    }
    if (fault.html) {
      const status = fault.status ?? 502;
      return this.sendText(res, status, proxyErrorPage(status), "text/html");
    }
    const status = fault.status ?? 500;
    const code = fault.error ?? defaultFaultCode(status);
    let message = fault.message ?? ERROR_DESCRIPTIONS[code] ?? code;
    if (fault.echoTokens === "request") message += ` (request authorization: ${String(req.headers.authorization ?? "none")})`;
    if (fault.echoTokens === "issued") message += ` (session tokens: ${this.tokens.issued().join(" ")})`;
    const err = new HoboErrorReply(status, code, message);
    return this.sendError(res, err, status === 429 || status === 509 ? this.retryAfterHeader(1) : {});
  }

  private preflight(res: ServerResponse): void {
    this.count(204);
    res.writeHead(204, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, Accept, Content-Type",
      "Access-Control-Max-Age": "600",
    });
    res.end();
  }

  private async handleToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
    if (req.method !== "POST") {
      return this.sendJson(res, 405, { error: "method_not_allowed", error_description: `Request method '${req.method ?? ""}' not supported` }, { ...headers, Allow: "POST" });
    }
    let body: string;
    try {
      body = await readTextBody(req);
    } catch {
      return this.sendJson(res, 400, { error: "invalid_request", error_description: "Request body too large." }, headers);
    }
    // Servlet containers merge query-string and form parameters; the form wins.
    const params = new URLSearchParams(url.search);
    if (/application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    }
    const problem = checkTokenRequest(params, req.headers.authorization, this.legacy);
    if (problem) {
      const extra: Record<string, string> = problem.status === 401 && problem.basic ? { "WWW-Authenticate": 'Basic realm="oauth2/client"' } : {};
      return this.sendJson(res, problem.status, { error: problem.error, error_description: problem.error_description }, { ...headers, ...extra });
    }
    return this.sendJson(res, 200, this.tokens.issue(this.legacy), headers);
  }

  private async handleLegacy(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const info = this.tokens.lookup(bearerToken(req.headers.authorization));
    if (!info) return this.sendError(res, new HoboErrorReply(401, "ATH-001", "Invalid token."), { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    if (req.method !== "GET") return this.sendError(res, new HoboErrorReply(405, "VAL-034", `Request method '${req.method ?? ""}' not supported.`), { Allow: "GET" });
    const decision = this.legacyLimiter.take(`${info.clientId} ${url.pathname}`);
    if (!decision.allowed) return this.tooMany(res, decision, {});

    // /ws/data/file/{format}/user/{userId}
    const seg = url.pathname.slice("/ws/data/file/".length).split("/");
    // Spring-style trailing-slash match: ".../user/26954/" is the same endpoint.
    if (seg.length === 4 && seg[3] === "") seg.pop();
    if (seg.length < 2 || seg[1] !== "user" || seg.length > 3) {
      return this.sendJson(res, 404, { error: "NOT_FOUND", message: `No endpoint at ${url.pathname}.`, error_description: "Not found." });
    }
    try {
      const query = validateLegacy({ format: decodeURIComponent(seg[0]), userId: seg[2], tokenUserId: info.userId, params: url.searchParams, nowSec: this.nowSec(), strictFormat: this.strictFormat });
      this.logQuery("legacy", query);
      const { rows, more } = collectRows(this.ownedStations(query), query.startSec, Math.min(query.endSec, this.visibleUntilSec()), this.maxResults);
      return this.sendJson(res, 200, legacyBody(rows, more));
    } catch (err) {
      if (err instanceof HoboErrorReply) return this.sendError(res, err);
      throw err;
    }
  }

  private v1Key(req: IncomingMessage, path: string): string {
    return `${bearerToken(req.headers.authorization) ?? `anon:${req.socket.remoteAddress ?? ""}`} ${path}`;
  }

  private setRateHeaders(res: ServerResponse, d: RateDecision, windowMs: number): void {
    res.setHeader("RateLimit-Policy", `${d.limit};w=${Math.round(windowMs / 1000)}`);
    res.setHeader("RateLimit-Limit", String(d.limit));
    res.setHeader("RateLimit-Remaining", String(d.remaining));
    res.setHeader("RateLimit-Reset", String(d.resetSec));
  }

  private tooMany(res: ServerResponse, d: RateDecision, headers: Record<string, string>): void {
    return this.sendError(res, new HoboErrorReply(429, "SYS-002", "Too many requests."), { ...headers, ...this.retryAfterHeader(d.resetSec) });
  }

  private retryAfterHeader(seconds: number): Record<string, string> {
    return this.sendRetryAfter ? { "Retry-After": String(seconds) } : {};
  }

  private handleV1(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method === "OPTIONS") return this.preflight(res);
    // Counted per presented token before auth, as a gateway in front of the service would.
    const decision = this.licorLimiter.take(this.v1Key(req, url.pathname));
    this.setRateHeaders(res, decision, this.licorLimiter.windowMs);
    if (!decision.allowed) return this.tooMany(res, decision, {});
    if (bearerToken(req.headers.authorization) !== this.licor.token) return this.sendError(res, new HoboErrorReply(401, "ATH-001", "Invalid token."));
    if (req.method !== "GET") return this.sendError(res, new HoboErrorReply(405, "VAL-034", `Request method '${req.method ?? ""}' not supported.`), { Allow: "GET, OPTIONS" });
    try {
      const query = validateV1(url.searchParams, this.nowSec());
      this.logQuery("licor", query);
      const { rows, more } = collectRows(this.ownedStations(query), query.startSec, Math.min(query.endSec, this.visibleUntilSec()), this.maxResults);
      return this.sendJson(res, 200, v1Body(rows, more));
    } catch (err) {
      if (err instanceof HoboErrorReply) return this.sendError(res, err);
      throw err;
    }
  }

  /** The requested stations the user owns; unknown/unowned ones are skipped or rejected. */
  private ownedStations(query: DataQuery): StationModel[] {
    const out: StationModel[] = [];
    for (const serial of query.loggers) {
      const st = this.stations.get(serial);
      if (st && st.owned) out.push(st);
      else if (this.unowned === "error") throw new HoboErrorReply(400, "ATH-008", `Device not owned by respective user: ${serial}.`);
    }
    return out;
  }

  // ---- admin ----

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const cors = { "Access-Control-Allow-Origin": "*" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type" });
      return void res.end();
    }
    const reply = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { ...cors, "Content-Type": "application/json;charset=UTF-8", "Content-Length": String(Buffer.byteLength(text)) });
      res.end(text);
    };
    if (req.method === "GET" && path === "/_emulator/stats") {
      const { requests, tokenRequests, dataRequests, byStatus, maxInFlight } = this.stats;
      return reply(200, { requests, tokenRequests, dataRequests, byStatus, maxInFlight, inFlight: this.inFlight });
    }
    if (req.method === "GET" && path === "/_emulator/describe") return reply(200, this.describe());
    if (req.method !== "POST") return reply(404, { error: "not found" });
    let body: Record<string, unknown> = {};
    try {
      const text = await readTextBody(req);
      if (text.trim() !== "") body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body !== "object" || body === null) throw new Error("body must be a JSON object");
      switch (path) {
        case "/_emulator/faults": {
          const { count, ...fault } = body;
          this.faults.failNext(count === undefined ? 1 : Number(count), fault as HoboFault);
          return reply(200, { ok: true, pending: this.plan.pending });
        }
        case "/_emulator/latency":
          this.faults.setLatency(Number(body.ms ?? 0));
          return reply(200, { ok: true, latencyMs: this.plan.latencyMs });
        case "/_emulator/tokens/expire":
          this.faults.expireTokens();
          return reply(200, { ok: true });
        case "/_emulator/tokens/revoke":
          this.faults.revokeTokens();
          return reply(200, { ok: true });
        case "/_emulator/clear":
          this.faults.clear();
          return reply(200, { ok: true });
        case "/_emulator/stats/reset":
          this.stats.reset();
          return reply(200, { ok: true });
        default:
          return reply(404, { error: "not found" });
      }
    } catch (err) {
      return reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
