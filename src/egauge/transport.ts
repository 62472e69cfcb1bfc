// One meter connection: base URL (gaining the proxy's path prefix when the proxy redirects), TLS
// trust, pacing (1-2 requests in flight, reference §5), the shared login and the 401 rules:
// a 401 invalidates the token, one shared re-login, one retry; a second 401 is either a missing
// privilege (the token is fine, /auth/rights answers) or a refused login.
import https from "node:https";
import type { AxiosInstance, AxiosResponse } from "axios";
import {
  ApiError,
  createHttpClient,
  destroyHttpClient,
  parseJsonBody,
  RateLimiter,
  retryPolicy,
  TokenCache,
  transportError,
  withRetry,
  type RetryOptions,
} from "../core";
import { clientNonce, digestHash, isChallenge, tokenLifetimeSec } from "./auth";

export interface EgaugeConnectionOptions {
  /** Meter URL: http(s)://host[:port], or a proxy URL with its device prefix (https://dev.egaug.es). */
  url: string;
  user: string;
  password: string;
  /** Accept a self-signed certificate (eGauge meters ship one); default false. */
  allowSelfSigned?: boolean;
  /** PEM certificate(s) to trust instead. */
  ca?: string;
  /**
   * Allow plain http to a meter that is not on this machine (default false). The password never
   * leaves (only its digest hash), but the session token and the readings travel in clear; meters
   * without https (eGauge2, EG30xx) need it.
   */
  allowHttp?: boolean;
  /** Requests in flight at once (default 2). */
  maxInFlight?: number;
  timeoutMs?: number;
  /** Retries of a read after a 5xx or network failure (default 2). */
  retries?: number;
  /** The total time bound of one call, retries included (default 60 s). */
  maxTotalMs?: number;
  now?: () => number;
}

const PLATFORM = "egauge" as const;

function authError(message: string, hint: string, secrets: string[], code = "AUTH"): ApiError {
  return new ApiError({ platform: PLATFORM, status: 401, code, serviceMessage: message, hint, secrets });
}

export class EgaugeTransport {
  private base: string;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly tokens: TokenCache<string>;
  private readonly now: () => number;
  /** Logins performed (for tests and status). */
  logins = 0;

  constructor(private readonly options: EgaugeConnectionOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.http = createHttpClient({ baseURL: new URL(this.base).origin, timeoutMs: options.timeoutMs, allowPlainHttp: options.allowHttp });
    if (options.allowSelfSigned || options.ca) {
      this.http.defaults.httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: !options.allowSelfSigned, ca: options.ca || undefined });
    }
    this.limiter = new RateLimiter({ maxConcurrent: Math.max(1, options.maxInFlight ?? 2) });
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache((_old) => this.login(), { marginMs: 60_000, now: this.now });
  }

  get url(): string {
    return this.base;
  }

  private get secrets(): string[] {
    const token = this.tokens.peek()?.value;
    return [this.options.password, ...(token ? [token] : [])].filter((s) => s.length > 0);
  }

  /** One paced HTTP exchange; follows a redirect into a proxy path prefix once. */
  private async exchange(method: "GET" | "POST", path: string, body?: unknown, token?: string, signal?: AbortSignal): Promise<AxiosResponse> {
    return this.limiter.schedule(async () => {
      for (let hop = 0; ; hop++) {
        let res: AxiosResponse;
        try {
          res = await this.http.request({
            method,
            url: new URL(this.base).pathname.replace(/\/+$/, "") + path,
            data: body === undefined ? undefined : JSON.stringify(body),
            headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
            signal,
          });
        } catch (err) {
          throw transportError(err, PLATFORM, method, path.split("?")[0], this.secrets);
        }
        const location = res.headers.location as string | undefined;
        if (res.status >= 300 && res.status < 400 && location && hop === 0) {
          // The proxy moves a device under a path prefix (reference §5): keep it for every later call.
          const target = new URL(location, this.base + path);
          const suffix = path.split("?")[0];
          if (target.pathname.endsWith(suffix)) {
            this.base = `${target.origin}${target.pathname.slice(0, target.pathname.length - suffix.length)}`.replace(/\/+$/, "");
            continue;
          }
        }
        return res;
      }
    }, signal);
  }

  private async login(): Promise<{ value: string; expiresAt: number }> {
    // "Nonce expired." gets one more try with a fresh nonce, never a loop (reference §2).
    for (let attempt = 0; attempt < 2; attempt++) {
      const challengeRes = await this.exchange("GET", "/api/auth/unauthorized");
      const challenge = parseJsonBody(challengeRes, PLATFORM, this.secrets);
      if (!isChallenge(challenge))
        throw this.unexpected(
          challengeRes,
          "/api/auth/unauthorized",
          "the meter did not answer with a login challenge: is this an eGauge meter with firmware 4.2 or later?",
        );
      const cnnc = clientNonce();
      const hash = digestHash(this.options.user, challenge.rlm, this.options.password, challenge.nnc, cnnc);
      const res = await this.exchange("POST", "/api/auth/login", { rlm: challenge.rlm, usr: this.options.user, nnc: challenge.nnc, cnnc, hash });
      const answer = parseJsonBody(res, PLATFORM, this.secrets) as { jwt?: string; error?: string };
      if (res.status === 200 && typeof answer.jwt === "string") {
        this.logins++;
        return { value: answer.jwt, expiresAt: this.now() + tokenLifetimeSec(answer.jwt) * 1000 };
      }
      if (answer.error === "Nonce expired." && attempt === 0) continue;
      if (answer.error === "Nonce expired.")
        throw authError("Nonce expired.", "the meter kept refusing fresh login nonces: check the meter's clock and try again", this.secrets, "NONCE");
      throw authError(answer.error ?? `login failed (HTTP ${res.status})`, "check the user name and password of the meter account", this.secrets);
    }
    throw authError("login failed", "check the user name and password of the meter account", this.secrets);
  }

  private unexpected(res: AxiosResponse, path: string, hint: string): ApiError {
    return new ApiError({
      platform: PLATFORM,
      status: res.status,
      code: `HTTP ${res.status}`,
      serviceMessage: "unexpected answer",
      hint,
      path,
      retryable: res.status >= 500,
      secrets: this.secrets,
    });
  }

  /** Logs in now (test connection); a refused login throws. */
  async ensureLogin(): Promise<void> {
    await this.tokens.get();
  }

  /**
   * GET an /api path with the shared token; JSON body back. The meter's {"error"} member becomes
   * an ApiError. Reads are retried after 5xx and network trouble.
   */
  async getJson(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return withRetry((_attempt, bounded) => this.getJsonOnce(path, bounded), this.retryOptions(signal));
  }

  private async getJsonOnce(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    let res: AxiosResponse | undefined;
    let token = "";
    for (let attempt = 0; attempt < 2; attempt++) {
      token = await this.tokens.get();
      res = await this.exchange("GET", path, undefined, token, signal);
      if (res.status !== 401) break;
      // Expired or revoked (a reboot): drop the token once; the next get() logs in (shared).
      if (attempt === 0 && this.tokens.peek()?.value === token) this.tokens.invalidate();
    }
    if (res!.status === 401) throw await this.denied(path, token, signal);
    if (res!.status === 404)
      throw new ApiError({
        platform: PLATFORM,
        status: 404,
        code: "HTTP 404",
        serviceMessage: "not found",
        hint: "the meter has no such API path: firmware older than 4.2 offers only the legacy XML API",
        path: path.split("?")[0],
        secrets: this.secrets,
      });
    const body = parseJsonBody(res!, PLATFORM, this.secrets) as Record<string, unknown>;
    if (res!.status >= 400 || typeof body.error === "string") {
      throw new ApiError({
        platform: PLATFORM,
        status: res!.status,
        code: res!.status >= 400 ? `HTTP ${res!.status}` : "ERROR",
        serviceMessage: String(body.error ?? "request failed"),
        hint: res!.status >= 500 ? "the meter is having trouble; try again later" : "the meter refused the request",
        retryable: res!.status >= 500,
        path: path.split("?")[0],
        secrets: this.secrets,
      });
    }
    return body;
  }

  /** A second 401: tell a missing privilege (token accepted by /auth/rights) from a refused login. */
  private async denied(path: string, token: string, signal?: AbortSignal): Promise<ApiError> {
    {
      const res = await this.exchange("GET", "/api/auth/rights", undefined, token, signal);
      if (res.status === 200) {
        const rights = (parseJsonBody(res, PLATFORM, this.secrets) as { rights?: string[] }).rights ?? [];
        return new ApiError({
          platform: PLATFORM,
          status: 401,
          code: "PRIVILEGE",
          serviceMessage: `the user "${this.options.user}" may not read ${path.split("?")[0]} (rights: ${rights.join(", ") || "none"})`,
          hint: "give the meter account the missing privilege (e.g. view settings), or use an account that has it",
          path: path.split("?")[0],
          secrets: this.secrets,
        });
      }
    }
    return authError("the meter refused the login token twice", "check the user name and password; the meter may be rebooting", this.secrets);
  }

  /** GET a non-API path (legacy XML) as text, without a token. */
  async getText(path: string, signal?: AbortSignal): Promise<string> {
    return withRetry(async (_attempt, bounded) => {
      const res = await this.exchange("GET", path, undefined, undefined, bounded);
      if (res.status !== 200)
        throw this.unexpected(
          res,
          path.split("?")[0],
          res.status === 401
            ? "the meter's site password is on; the legacy XML API's digest login is not supported, use firmware 4.2+ and the JSON API"
            : "the meter did not answer the legacy XML API",
        );
      return String(res.data);
    }, this.retryOptions(signal));
  }

  /** Reads: a few quick retries within the call's total time bound. */
  private retryOptions(signal: AbortSignal | undefined): RetryOptions {
    return {
      attempts: 1 + (this.options.retries ?? 2),
      baseDelayMs: 200,
      maxDelayMs: 2000,
      maxTotalMs: this.options.maxTotalMs,
      signal,
      shouldRetry: retryPolicy(true),
      platform: PLATFORM,
    };
  }

  /** Revokes the token on the meter (best effort) and stops the pacing queue. */
  async close(): Promise<void> {
    const token = this.tokens.peek()?.value;
    this.tokens.invalidate();
    if (token) await this.exchange("GET", "/api/auth/logout", undefined, token).catch(() => undefined);
    await this.limiter.stop();
    destroyHttpClient(this.http);
  }
}
