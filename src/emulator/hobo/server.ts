// HTTP front of the HOBOlink emulator: legacy Onset V3 under /ws, LI-COR Cloud v1 under /v1 and
// admin controls under /_emulator. Request pipeline (non-admin): concurrency (509) → injected
// fault / latency → route (auth → rate limit → validation → rows, in routes.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleAdmin, type AdminDeps } from "./admin";
import type { TokenStore } from "./auth";
import { defaultFaultCode, proxyErrorPage, type FaultPlan, type HoboFault } from "./faults";
import type { SlidingWindowLimiter } from "./ratelimit";
import type { Replier } from "./reply";
import { routeOf, type HoboRoutes } from "./routes";
import type { HoboEmulatorStats } from "./stats";
import { ERROR_DESCRIPTIONS, HoboErrorReply } from "./validate";

export interface GatewayDeps {
  stats: HoboEmulatorStats;
  reply: Replier;
  plan: FaultPlan;
  routes: HoboRoutes;
  tokens: TokenStore;
  licorLimiter: SlidingWindowLimiter;
  maxConcurrent: number;
  /** False once the emulator stops: requests held by latency are then dropped. */
  running(): boolean;
  admin: Omit<AdminDeps, "inFlight">;
}

interface Wait {
  timer?: NodeJS.Timeout;
  resolve: () => void;
}

export class HoboGateway {
  /** Data requests being handled right now. */
  inFlight = 0;
  /** Timers and held responses to release on stop(). */
  private readonly waits = new Set<Wait>();

  constructor(private readonly d: GatewayDeps) {}

  /** The node:http request listener: a handler that throws answers 500 WCE-001. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) this.d.reply.json(res, 500, { error: "WCE-001", message: String(err), error_description: ERROR_DESCRIPTIONS["WCE-001"] });
      else res.destroy();
    });
  };

  /** Releases latency waits and held (hung) responses; used on stop. */
  releaseAll(): void {
    for (const w of this.waits) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve();
    }
    this.waits.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { stats, reply, plan, routes } = this.d;
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = url.pathname;
    const route = routeOf(path);
    if (route === "admin") return handleAdmin(req, res, path, { ...this.d.admin, inFlight: () => this.inFlight });

    stats.requests += 1;
    const isData = route === "legacy" || route === "v1";
    if (route === "token") stats.tokenRequests += 1;
    if (isData) stats.dataRequests += 1;
    // The v1 host sends CORS and rate-limit headers on every answer.
    if (route === "v1" || path.startsWith("/v1/")) res.setHeader("Access-Control-Allow-Origin", "*");
    if (route === "v1") reply.rateHeaders(res, this.d.licorLimiter.peek(routes.v1Key(req, path)), this.d.licorLimiter.windowMs);

    if (isData) {
      this.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, this.inFlight);
      let released = false;
      const release = (): void => {
        if (!released) {
          released = true;
          this.inFlight -= 1;
        }
      };
      res.once("finish", release);
      res.once("close", release);
      if (this.inFlight > this.d.maxConcurrent) return reply.error(res, new HoboErrorReply(509, "SYS-001", "System is busy."), reply.retryAfter(1));
    }

    const fault = plan.take(path);
    if (plan.latencyMs > 0) await this.wait(plan.latencyMs);
    if (!this.d.running()) return void res.destroy();
    if (fault) return this.applyFault(res, fault, req);

    switch (route) {
      case "token":
        return routes.token(req, res, url);
      case "legacy":
        return routes.legacyData(req, res, url);
      case "v1":
        return routes.v1Data(req, res, url);
      default:
        if (req.method === "OPTIONS" && path.startsWith("/v1/")) return reply.preflight(res);
        return reply.notFound(res, path);
    }
  }

  private async applyFault(res: ServerResponse, fault: HoboFault, req: IncomingMessage): Promise<void> {
    const { reply } = this.d;
    if (fault.drop) {
      reply.count("dropped");
      res.socket?.destroy();
      return;
    }
    if (fault.hang) {
      // Held until the client gives up or the emulator stops.
      reply.count("hung");
      await new Promise<void>((resolve) => {
        const w: Wait = { resolve };
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
      return reply.text(res, status, proxyErrorPage(status), "text/html");
    }
    const status = fault.status ?? 500;
    const code = fault.error ?? defaultFaultCode(status);
    let message = fault.message ?? ERROR_DESCRIPTIONS[code] ?? code;
    if (fault.echoTokens === "request") message += ` (request authorization: ${String(req.headers.authorization ?? "none")})`;
    if (fault.echoTokens === "issued") message += ` (session tokens: ${this.d.tokens.issued().join(" ")})`;
    const err = new HoboErrorReply(status, code, message);
    return reply.error(res, err, status === 429 || status === 509 ? reply.retryAfter(1) : {});
  }

  /** Resolves after `ms`, or at once when the emulator stops. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w: Wait = { resolve };
      w.timer = setTimeout(() => {
        this.waits.delete(w);
        resolve();
      }, ms);
      this.waits.add(w);
    });
  }
}
