// The services' endpoints: the legacy OAuth token (/ws/auth/token), legacy data
// (/ws/data/file/{format}/user/{userId}) and LI-COR v1 data (/v1/data). Each runs
// auth → rate limit → validation → rows, in the order the real services answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HoboArchive } from "./archive";
import { bearerToken, checkTokenRequest, type LegacyCredentials, type TokenStore } from "./auth";
import { legacyBody, v1Body } from "./observations";
import type { SlidingWindowLimiter } from "./ratelimit";
import type { Replier } from "./reply";
import { logQuery, type HoboEmulatorStats } from "./stats";
import { HoboErrorReply, validateLegacy, validateV1, type DataQuery } from "./validate";
import { readTextBody } from "../http-body";

export type Route = "token" | "legacy" | "v1" | "admin" | "other";

export function routeOf(path: string): Route {
  if (path === "/ws/auth/token") return "token";
  if (path.startsWith("/ws/data/file/")) return "legacy";
  if (path === "/v1/data") return "v1";
  if (path.startsWith("/_emulator/")) return "admin";
  return "other";
}

export interface RouteDeps {
  legacy: LegacyCredentials;
  licor: { token: string };
  tokens: TokenStore;
  legacyLimiter: SlidingWindowLimiter;
  licorLimiter: SlidingWindowLimiter;
  archive: HoboArchive;
  reply: Replier;
  stats: HoboEmulatorStats;
  strictFormat: boolean;
}

export class HoboRoutes {
  constructor(private readonly d: RouteDeps) {}

  /** The v1 rate-limit key: the presented token (or the caller's address) and the path. */
  v1Key(req: IncomingMessage, path: string): string {
    return `${bearerToken(req.headers.authorization) ?? `anon:${req.socket.remoteAddress ?? ""}`} ${path}`;
  }

  async token(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { reply, legacy } = this.d;
    const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
    if (req.method !== "POST") {
      return reply.json(
        res,
        405,
        { error: "method_not_allowed", error_description: `Request method '${req.method ?? ""}' not supported` },
        { ...headers, Allow: "POST" },
      );
    }
    let body: string;
    try {
      body = await readTextBody(req);
    } catch {
      return reply.json(res, 400, { error: "invalid_request", error_description: "Request body too large." }, headers);
    }
    // Servlet containers merge query-string and form parameters; the form wins.
    const params = new URLSearchParams(url.search);
    if (/application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    }
    const problem = checkTokenRequest(params, req.headers.authorization, legacy);
    if (problem) {
      const extra: Record<string, string> = problem.status === 401 && problem.basic ? { "WWW-Authenticate": 'Basic realm="oauth2/client"' } : {};
      return reply.json(res, problem.status, { error: problem.error, error_description: problem.error_description }, { ...headers, ...extra });
    }
    return reply.json(res, 200, this.d.tokens.issue(legacy), headers);
  }

  legacyData(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const { reply, archive } = this.d;
    const info = this.d.tokens.lookup(bearerToken(req.headers.authorization));
    if (!info) return reply.error(res, new HoboErrorReply(401, "ATH-001", "Invalid token."), { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    if (req.method !== "GET")
      return reply.error(res, new HoboErrorReply(405, "VAL-034", `Request method '${req.method ?? ""}' not supported.`), { Allow: "GET" });
    const decision = this.d.legacyLimiter.take(`${info.clientId} ${url.pathname}`);
    if (!decision.allowed) return reply.tooMany(res, decision);

    // /ws/data/file/{format}/user/{userId}
    const seg = url.pathname.slice("/ws/data/file/".length).split("/");
    // Spring-style trailing-slash match: ".../user/26954/" is the same endpoint.
    if (seg.length === 4 && seg[3] === "") seg.pop();
    if (seg.length < 2 || seg[1] !== "user" || seg.length > 3) return reply.notFound(res, url.pathname);
    this.answer(res, "legacy", () =>
      validateLegacy({
        format: decodeURIComponent(seg[0]),
        userId: seg[2],
        tokenUserId: info.userId,
        params: url.searchParams,
        nowSec: archive.nowSec(),
        strictFormat: this.d.strictFormat,
      }),
    );
  }

  v1Data(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const { reply, licorLimiter } = this.d;
    if (req.method === "OPTIONS") return reply.preflight(res);
    // Counted per presented token before auth, as a gateway in front of the service would.
    const decision = licorLimiter.take(this.v1Key(req, url.pathname));
    reply.rateHeaders(res, decision, licorLimiter.windowMs);
    if (!decision.allowed) return reply.tooMany(res, decision);
    if (bearerToken(req.headers.authorization) !== this.d.licor.token) return reply.error(res, new HoboErrorReply(401, "ATH-001", "Invalid token."));
    if (req.method !== "GET")
      return reply.error(res, new HoboErrorReply(405, "VAL-034", `Request method '${req.method ?? ""}' not supported.`), { Allow: "GET, OPTIONS" });
    this.answer(res, "licor", () => validateV1(url.searchParams, this.d.archive.nowSec()));
  }

  /** Validates, logs the query and sends the rows in the flavour's body; a HoboErrorReply becomes the answer. */
  private answer(res: ServerResponse, flavour: "legacy" | "licor", validate: () => DataQuery): void {
    try {
      const query = validate();
      logQuery(this.d.stats, flavour, query);
      const { rows, more } = this.d.archive.answer(query);
      this.d.reply.json(res, 200, flavour === "legacy" ? legacyBody(rows, more) : v1Body(rows, more));
    } catch (err) {
      if (err instanceof HoboErrorReply) return this.d.reply.error(res, err);
      throw err;
    }
  }
}
