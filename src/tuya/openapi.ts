/**
 * TuyaOpenApi: the signed, rate-limited, self-healing connection to one Tuya cloud project.
 *
 * Token lifecycle (reference §2): GET /v1.0/token?grant_type=1; expiry from expire_time as the
 * REMAINING seconds; proactive refresh inside a margin through the single-use refresh token, and
 * a fresh grant when that fails; one shared fetch for concurrent callers. Recovery: 1002/1010/1011/1012
 * → new token and one retry (even for a command: the server rejected it before executing);
 * 1013 → learn the clock offset from the server's t and one retry. Reads are backed off and
 * retried on throttling, 429/5xx and network trouble; a command only when it provably did not
 * run (connection refused, or a throttle answer: the gateway refused it). Secrets and tokens never reach logs or errors.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Agent } from "node:http";
import type { AxiosInstance } from "axios";
import { AbortError, ApiError, InputError, isAbortError } from "../core/errors";
import { createHttpClient, parseJsonBody, transportError } from "../core/http";
import { RateLimiter } from "../core/rate-limit";
import { abortable, linkSignals, sharedController } from "../core/signals";
import { parseRetryAfter, retryPolicy, withRetry } from "../core/retry";
import { TokenCache, type Token } from "../core/token-cache";
import { endpointTemplate, TuyaCallCounter } from "./counter";
import { CLOCK_CODE, hasCode, TOKEN_CODES, tuyaApiError } from "./errors";
import { resolveTuyaEndpoint } from "./regions";
import { isTokenPath, signRequest, type TuyaQueryValue } from "./sign";
import { isRecord } from "./util";

export type TuyaApiFamily = "iot-03" | "smart-home";
export const TUYA_API_FAMILIES: readonly TuyaApiFamily[] = ["iot-03", "smart-home"];

export interface TuyaRetryOptions {
  /** Total tries including the first (default 4). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxTotalMs?: number;
}

export interface TuyaLogger {
  debug(msg: string): void;
  warn(msg: string): void;
}

export interface TuyaOpenApiOptions {
  /** Region code or alias (eu, us, us-e, ...) or an http(s) URL. */
  endpoint: string;
  accessId: string;
  accessSecret: string;
  /** lang header (default "en"). */
  lang?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Client-side rate limit (default 10 per second, kept with a 10 % margin for network jitter; 0 = none). */
  requestsPerSecond?: number;
  /** Requests in flight at once (default 4). */
  maxConcurrent?: number;
  /** Path family used by the device API (default "iot-03"). */
  family?: TuyaApiFamily;
  /** "legacy" for projects created before mid-2021 that reject the new algorithm (default "new"). */
  signAlgorithm?: "new" | "legacy";
  /** Send a random nonce with each request (signed in). */
  useNonce?: boolean;
  /** Extra headers sent with every request (e.g. area_id, call_id); the protocol's own names are refused. */
  headers?: Record<string, string>;
  /**
   * Header names listed in Signature-Headers and signed, in this order: client_id, lang,
   * sign_method or any name from `headers` (0x5e/homebridge-tuya-platform signs client_id).
   */
  signatureHeaders?: string[];
  /** Refresh the token this long before it expires (default 60 s). */
  tokenMarginMs?: number;
  retry?: TuyaRetryOptions;
  /** Calls a month after which the counter reports overBudget (e.g. 26000 for the trial). */
  monthlyBudget?: number;
  logger?: TuyaLogger;
  /** Clock (tests): epoch ms. */
  now?: () => number;
}

export interface TuyaResponse<T = unknown> {
  success: true;
  t: number;
  tid?: string;
  result: T;
}

export type TuyaClientState =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "token-refreshed" }
  | { state: "error"; code?: number | string; message: string }
  | { state: "closed" };

export type TuyaMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface TuyaRequest {
  method: TuyaMethod;
  /** Path starting with "/", optionally with a "?query" (merged with query, which wins). */
  path: string;
  /** Values: string, number, boolean; arrays are sent comma-joined; null/undefined left out. */
  query?: Record<string, unknown>;
  /** POST/PUT body: an object (sent as compact JSON) or the exact text to send. */
  body?: unknown;
  signal?: AbortSignal;
  /** Safe to repeat after an ambiguous failure (default: GET only). */
  idempotent?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

interface TuyaToken {
  accessToken: string;
  refreshToken: string;
  uid?: string;
}

interface Prepared {
  method: TuyaMethod;
  path: string;
  query: Record<string, TuyaQueryValue>;
  body?: string;
  tokenPath: boolean;
  template: string;
}

const METHODS: readonly string[] = ["GET", "POST", "PUT", "DELETE"];
/** Headers the client sets per request: not settable through options.headers. */
const RESERVED_HEADERS = new Set(["client_id", "sign", "sign_method", "t", "lang", "access_token", "nonce", "signature-headers", "content-type"]);
/** Headers with a fixed value per client that may be signed. */
const SIGNABLE_OWN_HEADERS = new Set(["client_id", "lang", "sign_method"]);

function checkHeaders(headers: unknown, signed: unknown): { extra: Record<string, string>; signed: string[] } {
  if (headers !== undefined && !isRecord(headers)) throw new InputError("Tuya headers must be an object of header names and text values");
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^[A-Za-z0-9_-]+$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) throw new InputError(`The header "${name}" cannot be set: it is not a plain name or the client sets it itself`);
    if (typeof value !== "string") throw new InputError(`The header "${name}" must have a text value`);
    extra[name] = value;
  }
  if (signed !== undefined && (!Array.isArray(signed) || !signed.every((n) => typeof n === "string"))) throw new InputError("signatureHeaders must be a list of header names");
  const names = (signed ?? []) as string[];
  for (const name of names) {
    if (!SIGNABLE_OWN_HEADERS.has(name) && !(name in extra)) {
      throw new InputError(`The signed header "${name}" is not sent: use client_id, lang, sign_method or a name from headers`);
    }
  }
  return { extra, signed: names };
}
/** Tokens remembered for redaction (current and a few previous). */
const MAX_REMEMBERED_SECRETS = 32;

function queryValue(key: string, v: unknown): TuyaQueryValue {
  if (v === undefined || v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.join(",");
  throw new InputError(`Query parameter "${key}" must be a string, number, boolean or a list of them`);
}

function prepare(req: TuyaRequest): Prepared {
  const method = String(req.method ?? "").toUpperCase();
  if (!METHODS.includes(method)) throw new InputError(`HTTP method "${String(req.method)}" is not one of ${METHODS.join(", ")}`);
  if (typeof req.path !== "string" || !req.path.startsWith("/")) throw new InputError(`The API path must start with "/" (got ${JSON.stringify(req.path)})`);
  const [path, inline] = req.path.split("?", 2) as [string, string | undefined];
  const query: Record<string, TuyaQueryValue> = {};
  if (inline) for (const [k, v] of new URLSearchParams(inline)) query[k] = v;
  if (req.query !== undefined && !isRecord(req.query)) throw new InputError("The query must be an object of parameter names and values");
  for (const [k, v] of Object.entries(req.query ?? {})) query[k] = queryValue(k, v);
  let body: string | undefined;
  if ((method === "POST" || method === "PUT") && req.body !== undefined && req.body !== null) {
    body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
  }
  return { method: method as TuyaMethod, path, query, body, tokenPath: isTokenPath(path), template: endpointTemplate(method, path) };
}

export class TuyaOpenApi extends EventEmitter {
  readonly endpoint: string;
  readonly family: TuyaApiFamily;
  readonly counter: TuyaCallCounter;

  private readonly accessId: string;
  private readonly accessSecret: string;
  private readonly lang: string;
  private readonly legacy: boolean;
  private readonly useNonce: boolean;
  private readonly extraHeaders: Record<string, string>;
  private readonly signedHeaderNames: string[];
  private readonly retry: TuyaRetryOptions;
  private readonly logger?: TuyaLogger;
  private readonly now: () => number;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly tokens: TokenCache<TuyaToken>;
  // Every request in flight listens on the closing signal; many at once are normal, not a leak.
  private readonly closing = sharedController();
  private readonly secrets = new Set<string>();
  /** The last refresh token, kept after the access token is dropped (single-use: cleared when spent). */
  private refreshToken?: string;
  /** Server time minus local time, learned from a 1013 answer. */
  private clockOffsetMs = 0;
  private closed = false;

  constructor(options: TuyaOpenApiOptions) {
    super();
    if (!isRecord(options)) throw new InputError("Tuya client options are required");
    this.endpoint = resolveTuyaEndpoint(options.endpoint);
    if (typeof options.accessId !== "string" || options.accessId.trim() === "") throw new InputError("The Tuya Access ID (client id) is missing");
    if (typeof options.accessSecret !== "string" || options.accessSecret.trim() === "") throw new InputError("The Tuya Access Secret is missing");
    const family = options.family ?? "iot-03";
    if (!TUYA_API_FAMILIES.includes(family)) throw new InputError(`Unknown Tuya API family "${String(family)}": use iot-03 or smart-home`);
    this.family = family;
    this.accessId = options.accessId.trim();
    this.accessSecret = options.accessSecret.trim();
    this.secrets.add(this.accessSecret);
    this.lang = options.lang || "en";
    this.legacy = options.signAlgorithm === "legacy";
    this.useNonce = options.useNonce ?? false;
    const headerSetup = checkHeaders(options.headers, options.signatureHeaders);
    this.extraHeaders = headerSetup.extra;
    this.signedHeaderNames = headerSetup.signed;
    this.retry = options.retry ?? {};
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.counter = new TuyaCallCounter(options.monthlyBudget, this.now);
    this.http = createHttpClient({ baseURL: this.endpoint, timeoutMs: options.timeoutMs });
    // Spread over 1.1 s: the server counts arrivals, and network jitter can bring two requests
    // sent a full 1/N s apart closer than that, so a 1.0 s spacing still earns the odd 1199.
    this.limiter = new RateLimiter({ requestsPerWindow: options.requestsPerSecond ?? 10, windowMs: 1100, maxConcurrent: options.maxConcurrent ?? 4 });
    this.tokens = new TokenCache<TuyaToken>(() => this.fetchToken(), { marginMs: options.tokenMarginMs ?? 60_000, now: this.now });
  }

  /** Fetches a new token now (a fresh grant, as bestlab's connect() does). */
  async connect(signal?: AbortSignal): Promise<void> {
    this.ensureOpen();
    this.refreshToken = undefined;
    this.tokens.invalidate();
    await abortable(this.tokens.get(), signal);
  }

  /** True while a token is held that has not expired. */
  isConnected(): boolean {
    const token = this.tokens.peek();
    return !this.closed && token !== undefined && token.expiresAt > this.now();
  }

  get<T = unknown>(path: string, query?: Record<string, unknown>, opts: RequestOptions = {}): Promise<TuyaResponse<T>> {
    return this.request<T>({ method: "GET", path, query, signal: opts.signal });
  }

  /** Not idempotent: retried only when the server provably did not execute it. */
  post<T = unknown>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<TuyaResponse<T>> {
    return this.request<T>({ method: "POST", path, body, signal: opts.signal });
  }

  put<T = unknown>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<TuyaResponse<T>> {
    return this.request<T>({ method: "PUT", path, body, signal: opts.signal });
  }

  delete<T = unknown>(path: string, query?: Record<string, unknown>, opts: RequestOptions = {}): Promise<TuyaResponse<T>> {
    return this.request<T>({ method: "DELETE", path, query, signal: opts.signal });
  }

  async request<T = unknown>(req: TuyaRequest): Promise<TuyaResponse<T>> {
    this.ensureOpen();
    const prepared = prepare(req);
    // The token pair is the client's own: an outside grant or refresh would hand tokens to the
    // caller and (refresh tokens being single-use) break the pair every other caller shares.
    if (prepared.tokenPath) throw new InputError("The token paths (/v1.0/token...) cannot be requested: the client gets and refreshes its tokens itself");
    const idempotent = req.idempotent ?? prepared.method === "GET";
    if (!req.signal) return (await this.withBackoff(prepared, idempotent, this.closing.signal)) as TuyaResponse<T>;
    // Either the caller or close() cancels; listeners are removed afterwards so nothing accumulates.
    const linked = linkSignals(req.signal, this.closing.signal);
    try {
      return (await this.withBackoff(prepared, idempotent, linked.signal)) as TuyaResponse<T>;
    } finally {
      linked.dispose();
    }
  }

  /** Aborts in-flight requests, stops the limiter and forgets the token. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.limiter.stop();
    this.tokens.invalidate();
    this.refreshToken = undefined;
    for (const agent of [this.http.defaults.httpAgent, this.http.defaults.httpsAgent] as (Agent | undefined)[]) agent?.destroy();
    this.setState({ state: "closed" });
  }

  private ensureOpen(): void {
    if (this.closed) throw new AbortError("The Tuya connection was closed");
  }

  private setState(state: TuyaClientState): void {
    this.emit("state", state);
  }

  /** Backoff for transient failures: reads on any retryable error, writes only when not executed. */
  private withBackoff(p: Prepared, idempotent: boolean, signal: AbortSignal): Promise<TuyaResponse> {
    const allowed = retryPolicy(idempotent);
    return withRetry(() => this.attempt(p, signal), {
      ...this.retry,
      signal,
      // Token and clock errors already had their one retry inside attempt().
      shouldRetry: (err) => !hasCode(err, TOKEN_CODES) && !hasCode(err, CLOCK_CODE) && allowed(err),
      onRetry: (err, attempt, delayMs) => {
        if (err instanceof ApiError && err.retryAfterMs) this.limiter.pause(delayMs);
        this.logger?.debug(`Tuya ${p.template}: retry ${attempt} in ${delayMs} ms after ${err instanceof Error ? err.message : String(err)}`);
      },
    });
  }

  /** One logical try: a token error gets a new token and one retry, a clock error one corrected retry. */
  private async attempt(p: Prepared, signal: AbortSignal): Promise<TuyaResponse> {
    let tokenRetried = false;
    let clockRetried = false;
    for (;;) {
      const token = p.tokenPath ? undefined : await abortable(this.tokens.get(), signal);
      try {
        return await this.limiter.schedule(() => this.send(p, token?.accessToken, signal), signal);
      } catch (err) {
        if (!clockRetried && hasCode(err, CLOCK_CODE)) {
          clockRetried = true;
          continue;
        }
        if (!tokenRetried && token && hasCode(err, TOKEN_CODES)) {
          tokenRetried = true;
          this.logger?.debug(`Tuya ${p.template}: token rejected (${String(err.code)}), fetching a new one`);
          // Only drop the token that was rejected; another caller may already have replaced it.
          if (this.tokens.peek()?.value.accessToken === token.accessToken) this.tokens.invalidate();
          continue;
        }
        throw err;
      }
    }
  }

  /** Signs and sends once; resolves with a success body, otherwise throws ApiError. */
  private async send(p: Prepared, accessToken: string | undefined, signal: AbortSignal): Promise<TuyaResponse> {
    const t = Math.round(this.now() + this.clockOffsetMs);
    const nonce = this.useNonce ? randomUUID() : undefined;
    const own: Record<string, string> = { client_id: this.accessId, sign_method: "HMAC-SHA256", lang: this.lang, ...this.extraHeaders };
    const signatureHeaders = Object.fromEntries(this.signedHeaderNames.map((name) => [name, own[name]]));
    const signed = signRequest({
      clientId: this.accessId,
      secret: this.accessSecret,
      accessToken: p.tokenPath ? undefined : accessToken,
      t,
      nonce,
      method: p.method,
      path: p.path,
      query: p.query,
      body: p.body,
      signatureHeaders,
      legacy: this.legacy,
    });
    const headers: Record<string, string> = { ...own, sign: signed.sign, t: String(t) };
    if (this.signedHeaderNames.length) headers["Signature-Headers"] = this.signedHeaderNames.join(":");
    if (accessToken && !p.tokenPath) headers.access_token = accessToken;
    if (nonce) headers.nonce = nonce;
    if (p.body !== undefined) headers["Content-Type"] = "application/json";
    // The refresh path carries the refresh token: errors name the template instead.
    const safePath = p.tokenPath ? p.template.slice(p.method.length + 1) : p.path;
    this.counter.recordCall(p.template);
    // Listeners (the config node's budget check) see every billed call, not only state changes.
    this.emit("call", p.template);
    let res;
    try {
      // The signature hashes p.body, so those exact bytes go out: axios's default transform would
      // re-quote text that is not JSON and trim text that is.
      res = await this.http.request({ method: p.method, url: signed.url, headers, data: p.body, signal, transformRequest: [(data: unknown) => data] });
    } catch (err) {
      const e = transportError(err, "tuya", p.method, safePath, this.secrets);
      if (e instanceof ApiError) this.counter.recordError(e.code);
      throw e;
    }
    const receivedAt = this.now();
    let body: unknown;
    try {
      body = parseJsonBody(res, "tuya", this.secrets);
    } catch (err) {
      if (err instanceof ApiError) this.counter.recordError(err.code);
      throw err;
    }
    if (isRecord(body) && body.success === true && res.status < 300) {
      this.logger?.debug(`Tuya ${p.template} ok (${String(body.tid ?? "no tid")})`);
      return body as unknown as TuyaResponse;
    }
    const fields = isRecord(body) ? body : {};
    const err = tuyaApiError(fields, {
      status: res.status,
      method: p.method,
      path: safePath,
      retryAfterMs: parseRetryAfter(res.headers["retry-after"] as string | undefined, Date.now()),
      responseText: typeof res.data === "string" ? res.data : undefined,
      secrets: this.secrets,
    });
    this.counter.recordError(err.code);
    this.logger?.debug(`Tuya ${p.template} failed: ${err.message}`);
    if (err.code === CLOCK_CODE && typeof fields.t === "number") this.learnClock(fields.t, receivedAt);
    throw err;
  }

  private learnClock(serverT: number, receivedAt: number): void {
    const offset = serverT - receivedAt;
    this.clockOffsetMs = offset;
    this.logger?.warn(
      `Tuya rejected the request time (1013): the local clock is ${Math.round(-offset / 1000)} s off Tuya's; ` +
        `requests are corrected by that offset, but please fix the system time (NTP)`,
    );
  }

  /** Token fetcher for the cache: the refresh token first (single-use), a fresh grant if that fails. */
  private async fetchToken(): Promise<Token<TuyaToken>> {
    const refresh = this.refreshToken;
    this.refreshToken = undefined;
    if (!refresh && !this.tokens.peek()) this.setState({ state: "connecting" });
    try {
      let token: Token<TuyaToken> | undefined;
      if (refresh) {
        try {
          // A refresh is spent even when its answer is lost, so it is never repeated; the grant is the fallback.
          token = await this.tokenCall(`/v1.0/token/${refresh}`, false);
        } catch (err) {
          if (isAbortError(err) || this.closed) throw err;
          this.logger?.debug(`Tuya token refresh failed (${err instanceof ApiError ? String(err.code) : "error"}); requesting a new token`);
        }
      }
      const refreshed = token !== undefined;
      token ??= await this.tokenCall("/v1.0/token?grant_type=1", true);
      this.refreshToken = token.value.refreshToken;
      this.setState(refreshed ? { state: "token-refreshed" } : { state: "connected" });
      return token;
    } catch (err) {
      if (!this.closed) {
        const code = err instanceof ApiError ? err.code : undefined;
        this.setState({ state: "error", code, message: err instanceof Error ? err.message : String(err) });
      }
      throw err;
    }
  }

  private async tokenCall(path: string, idempotent: boolean): Promise<Token<TuyaToken>> {
    const sentAt = this.now();
    const res = await this.withBackoff(prepare({ method: "GET", path }), idempotent, this.closing.signal);
    const r = isRecord(res.result) ? res.result : {};
    const accessToken = r.access_token;
    const refreshToken = r.refresh_token;
    // Older pages name it "expire"; either way it is the REMAINING lifetime in seconds.
    const seconds = Number(r.expire_time ?? r.expire);
    if (typeof accessToken !== "string" || !accessToken || typeof refreshToken !== "string" || !Number.isFinite(seconds)) {
      throw new ApiError({
        platform: "tuya",
        status: 200,
        code: "BAD_TOKEN",
        serviceMessage: "the token answer has no access_token, refresh_token or expire_time",
        hint: "check that the endpoint is a Tuya OpenAPI data center",
        path: "/v1.0/token",
        secrets: this.secrets,
      });
    }
    this.remember(accessToken);
    this.remember(refreshToken);
    return { value: { accessToken, refreshToken, uid: typeof r.uid === "string" ? r.uid : undefined }, expiresAt: sentAt + seconds * 1000 };
  }

  private remember(secret: string): void {
    this.secrets.add(secret);
    if (this.secrets.size > MAX_REMEMBERED_SECRETS) {
      // Keep the access secret (first) and drop the oldest token.
      const [, oldest] = this.secrets;
      this.secrets.delete(oldest);
    }
  }
}
