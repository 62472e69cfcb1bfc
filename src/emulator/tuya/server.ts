// HTTP front of the emulator: verification pipeline in the order of reference §7, the Tuya
// envelope, fault injection and the unsigned /_emulator/ admin paths.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fail, messageFor, TuyaErrorReply } from "./errors";
import type { FaultQueue, TuyaFault } from "./faults";
import type { Project } from "./project";
import { matchRoute, type Family, type Route } from "./routes";
import { splitTarget, verifySign, type SignAlgorithm } from "./sign";
import type { EmulatorStats } from "./stats";
import type { Quota, Throttle } from "./throttle";

export interface GatewayConfig {
  accessId: string;
  accessSecret: string;
  timeWindowMs: number;
  signAlgorithm: SignAlgorithm;
  throttleCode: number;
  expiredTokenMsg: string;
  deniedFamilies: Family[];
  serverNow: () => number;
}

export interface GatewayDeps {
  config: GatewayConfig;
  project: Project;
  routes: Route[];
  faults: FaultQueue;
  stats: EmulatorStats;
  throttle: Throttle;
  quota: Quota;
  /** Admin actions that live on the emulator object. */
  admin: {
    failNext(count: number, fault: TuyaFault): void;
    setLatency(ms: number): void;
    setClockSkew(ms: number): void;
    expireTokens(): void;
    revokeTokens(): void;
    clear(): void;
    devices(): unknown;
    /** The message service's admin paths (/_emulator/mq/...); undefined when the path is not one. */
    mq?(route: string, body: Record<string, unknown>): unknown;
  };
}

type Outcome = { ok: true; result: unknown } | { ok: false; code: number; msg: string };

const MAX_BODY = 1 << 20;
const TOKEN_PATH = /^\/v1\.0\/token(\/[^/]+)?$/;
/** Page cursors a lost-cursor fault removes after the signature was checked. */
const CURSOR_KEYS = ["start_row_key", "last_row_key"];

function tid(): string {
  return randomBytes(16).toString("hex");
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export class Gateway {
  /** Pending latency waits and hung requests, released on stop. */
  private readonly timers = new Set<{ timer?: NodeJS.Timeout; resolve: () => void }>();

  constructor(private readonly d: GatewayDeps) {}

  /** Releases pending latency waits (used on stop). */
  releaseAll(): void {
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    const stats = this.d.stats;
    const counted = !(req.url ?? "/").startsWith("/_emulator/");
    if (counted) {
      stats.inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    }
    this.dispatch(req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        if (counted) stats.inFlight--;
      });
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const method = (req.method ?? "GET").toUpperCase();
    const { path, query } = splitTarget(rawUrl);
    if (path.startsWith("/_emulator/")) return this.adminRequest(req, res, method, path);

    const { stats, faults } = this.d;
    stats.requests++;
    const { match, known } = matchRoute(this.d.routes, method, path);
    const template = `${method} ${match ? match.route.pattern : path}`;
    stats.byPath[template] = (stats.byPath[template] ?? 0) + 1;

    const fault = faults.take(rawUrl);
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.hang) return this.hang(req);
    if (fault?.tokens === "expire") this.d.project.tokens.expireAll();
    if (fault?.tokens === "revoke") this.d.project.tokens.revokeAll();
    const body = await readBody(req);
    await faults.pass();
    await this.delay(faults.latencyMs);
    if (fault && !fault.dropAfterExecute && !fault.ignoreCursor && !fault.tokens) return this.answerFault(res, fault);

    let outcome: Outcome;
    try {
      const headers = (name: string): string | undefined => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(",") : v;
      };
      const q = new Map(query.map((p) => [p.key, p.value] as const));
      if (fault?.ignoreCursor) for (const k of CURSOR_KEYS) q.delete(k);
      const result = this.process({ method, path, query, q, body, headers, template, route: match?.route, params: match?.params ?? {}, known });
      outcome = { ok: true, result };
    } catch (e) {
      outcome = e instanceof TuyaErrorReply ? { ok: false, code: e.code, msg: e.message } : { ok: false, code: 500, msg: messageFor(500) };
    }
    if (fault?.dropAfterExecute) {
      req.socket.destroy();
      return;
    }
    if (!outcome.ok) this.sendError(res, outcome.code, outcome.msg);
    else this.json(res, 200, { result: outcome.result, success: true, t: this.envelopeNow(), tid: tid() });
  }

  private process(r: {
    method: string;
    path: string;
    query: { key: string; value: string }[];
    q: Map<string, string>;
    body: Buffer;
    headers: (name: string) => string | undefined;
    template: string;
    route?: Route;
    params: Record<string, string>;
    known: boolean;
  }): unknown {
    const { config, project } = this.d;
    const now = config.serverNow();
    // 1) client id
    const clientId = r.headers("client_id") ?? "";
    if (clientId !== config.accessId) fail(1005);
    // 2) clock window; the envelope's t lets the client learn the offset
    const t = r.headers("t") ?? "";
    if (!/^\d{1,16}$/.test(t) || Math.abs(this.envelopeNow() - Number(t)) > config.timeWindowMs) fail(1013);
    // 3) signature over what was actually received; token paths are signed without access_token
    const isToken = TOKEN_PATH.test(r.path);
    const accessToken = r.headers("access_token") ?? "";
    const signOk = verifySign({
      clientId,
      secret: config.accessSecret,
      accessToken: isToken ? "" : accessToken,
      t,
      sign: r.headers("sign") ?? "",
      algorithm: config.signAlgorithm,
      input: { method: r.method, path: r.path, query: r.query, body: r.body, header: r.headers },
    });
    if (!signOk) fail(1004);
    // 4) token
    // Reference §5.2: no token at all is 1002 "access_token is null"; a stale or unknown one 1010.
    if (!isToken && accessToken === "") fail(1002);
    if (!isToken && project.tokens.check(accessToken, now) !== "ok") fail(1010, config.expiredTokenMsg);
    // 5) path and permissions
    const route = r.route;
    if (!route) fail(1108);
    if (config.deniedFamilies.includes(route.family)) fail(1106);
    let device;
    if ("device_id" in r.params) device = project.device(r.params.device_id) ?? fail(1106);
    // 6) parameters
    const exec = route.prepare({ params: r.params, query: r.q, body: r.body, now, device });
    // 7) rate limit per endpoint template and client
    if (!this.d.throttle.admit(clientId, r.template)) fail(config.throttleCode);
    // 8) trial quota (business calls only)
    if (!isToken && !this.d.quota.admit(now)) fail(28841004);
    return exec(now);
  }

  /** The server time clients see in `t` and are checked against: the data clock plus an injected skew. */
  private envelopeNow(): number {
    return this.d.config.serverNow() + this.d.faults.skewMs;
  }

  /** Holds the request unanswered until the client gives up (its socket closes) or the emulator stops. */
  private hang(req: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        resolve: () => {
          req.socket.destroy();
          resolve();
        },
      };
      this.timers.add(entry);
      req.socket.once("close", () => {
        this.timers.delete(entry);
        resolve();
      });
    });
  }

  private answerFault(res: ServerResponse, fault: TuyaFault): void {
    const f = fault.echoTokens
      ? { ...fault, msg: `${fault.msg ?? messageFor(fault.code ?? 500)} (session tokens: ${this.d.project.tokens.issued().join(" ")})` }
      : fault;
    const headers: Record<string, string> = {};
    if (f.retryAfterSec !== undefined) headers["retry-after"] = String(f.retryAfterSec);
    if (f.html) {
      const status = f.httpStatus ?? 502;
      const page = `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
      res.writeHead(status, { ...headers, "content-type": "text/html", "content-length": Buffer.byteLength(page) }).end(page);
      return;
    }
    if (f.httpStatus !== undefined) {
      const code = f.code ?? 500;
      this.json(res, f.httpStatus, { code, msg: f.msg ?? messageFor(code), success: false, t: this.envelopeNow(), tid: tid() }, headers);
      return;
    }
    const code = f.code ?? 500;
    this.sendError(res, code, f.msg ?? messageFor(code));
  }

  private sendError(res: ServerResponse, code: number, msg: string): void {
    const s = this.d.stats;
    s.errorsByCode[String(code)] = (s.errorsByCode[String(code)] ?? 0) + 1;
    this.json(res, 200, { code, msg, success: false, t: this.envelopeNow(), tid: tid() });
  }

  private json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...extra, "content-type": "application/json;charset=UTF-8", "content-length": Buffer.byteLength(text) }).end(text);
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private async adminRequest(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    // No CORS headers: any web page could otherwise drive the admin paths. A POST must say it is JSON,
    // which a cross-site form or no-cors fetch cannot do without a preflight, and preflights get no allowance.
    if (method === "POST" && !/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      await readBody(req);
      this.json(res, 415, { ok: false, error: "send the body as application/json" });
      return;
    }
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw.length ? JSON.parse(raw.toString("utf8")) : {};
      if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      this.json(res, 400, { ok: false, error: "body is not JSON" });
      return;
    }
    const a = this.d.admin;
    const ok = () => this.json(res, 200, { ok: true });
    const route = `${method} ${path}`;
    switch (route) {
      case "POST /_emulator/faults": {
        const { count, ...fault } = body;
        a.failNext(typeof count === "number" ? count : 1, fault as TuyaFault);
        return ok();
      }
      case "POST /_emulator/latency":
        a.setLatency(typeof body.ms === "number" ? body.ms : 0);
        return ok();
      case "POST /_emulator/clock":
        a.setClockSkew(typeof body.skewMs === "number" ? body.skewMs : 0);
        return ok();
      case "POST /_emulator/tokens/expire":
        a.expireTokens();
        return ok();
      case "POST /_emulator/tokens/revoke":
        a.revokeTokens();
        return ok();
      case "POST /_emulator/clear":
        a.clear();
        return ok();
      case "GET /_emulator/stats":
        return this.json(res, 200, this.d.stats);
      case "GET /_emulator/devices":
        return this.json(res, 200, a.devices());
      default: {
        let answer: unknown;
        try {
          answer = a.mq?.(route, body);
        } catch (e) {
          return this.json(res, 400, { ok: false, error: e instanceof Error ? e.message : String(e) });
        }
        if (answer !== undefined) return this.json(res, 200, answer);
        this.json(res, 404, { ok: false, error: `unknown admin path ${route}` });
      }
    }
  }
}
