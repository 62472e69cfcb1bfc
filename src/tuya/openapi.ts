/**
 * TuyaOpenApi: the signed, rate-limited, self-healing connection to one Tuya cloud project.
 * Request preparation and signing live in request.ts, the token lifecycle in token.ts (as hobo
 * keeps its in legacy-auth.ts); this file sends, recovers and counts. Recovery: 1002/1010/1011/1012
 * → new token and one retry (even for a command: the server rejected it before executing);
 * 1013 → learn the clock offset from the server's t and one retry. Reads are backed off and
 * retried on throttling, 429/5xx and network trouble; a command only when it provably did not
 * run (connection refused, or a throttle answer: the gateway refused it). Secrets and tokens never reach logs or errors.
 */
import { EventEmitter } from "node:events";
import type { AxiosInstance } from "axios";
import type { ClientLogger, ClientRetryOptions, ClientState } from "../core/client";
import { AbortError, ApiError, InputError } from "../core/errors";
import { createHttpClient, destroyHttpClient, parseJsonBody, transportError } from "../core/http";
import { RateLimiter } from "../core/rate-limit";
import { SecretHistory } from "../core/secret-history";
import { linkSignals, sharedController } from "../core/signals";
import { parseRetryAfter, retryPolicy, withRetry } from "../core/retry";
import { isRecord } from "../core/util";
import { TuyaCallCounter } from "./counter";
import { CLOCK_CODE, hasCode, TOKEN_CODES, tuyaApiError } from "./errors";
import { resolveTuyaEndpoint } from "./regions";
import { tuyaPace } from "./pace";
import { checkHeaders, prepareRequest, signedHeaders, type PreparedRequest, type RequestOptions, type SigningSetup, type TuyaRequest } from "./request";
import { TuyaTokens } from "./token";

export type { RequestOptions, TuyaMethod, TuyaRequest } from "./request";

export type TuyaApiFamily = "iot-03" | "smart-home";
export const TUYA_API_FAMILIES: readonly TuyaApiFamily[] = ["iot-03", "smart-home"];

/** @deprecated Use ClientRetryOptions (src/core): both clients share one shape. */
export type TuyaRetryOptions = ClientRetryOptions;
/** @deprecated Use ClientLogger (src/core): both clients share one shape. */
export type TuyaLogger = ClientLogger;

export interface TuyaOpenApiOptions {
  /** Region code or alias (eu, us, us-e, ...) or an http(s) URL. */
  endpoint: string;
  accessId: string;
  accessSecret: string;
  /** lang header (default "en"). */
  lang?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /**
   * A cap on requests per second per endpoint template (default none: each template's pace starts
   * at 10 a second, 4 for commands, and adapts to Tuya's answers; 0 = no client-side pacing).
   */
  requestsPerSecond?: number;
  /** Requests in flight at once over all endpoints (default 16). */
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
  retry?: ClientRetryOptions;
  /** Calls a month after which the counter reports overBudget (e.g. 26000 for the trial). */
  monthlyBudget?: number;
  logger?: ClientLogger;
  /** Clock (tests): epoch ms. */
  now?: () => number;
}

export interface TuyaResponse<T = unknown> {
  success: true;
  t: number;
  tid?: string;
  result: T;
}

/** @deprecated Use ClientState (src/core): both clients emit the same states. */
export type TuyaClientState = ClientState;

export class TuyaOpenApi extends EventEmitter {
  readonly endpoint: string;
  readonly family: TuyaApiFamily;
  readonly counter: TuyaCallCounter;

  private readonly signing: SigningSetup;
  private readonly retry: ClientRetryOptions;
  private readonly logger?: ClientLogger;
  private readonly now: () => number;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly tokens: TuyaTokens;
  // Every request in flight listens on the closing signal; many at once are normal, not a leak.
  private readonly closing = sharedController();
  /** The access secret and every token held (bounded), for redaction. */
  private readonly secrets = new SecretHistory();
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
    const headerSetup = checkHeaders(options.headers, options.signatureHeaders);
    this.signing = {
      accessId: options.accessId.trim(),
      accessSecret: options.accessSecret.trim(),
      lang: options.lang || "en",
      legacy: options.signAlgorithm === "legacy",
      useNonce: options.useNonce ?? false,
      extraHeaders: headerSetup.extra,
      signedHeaderNames: headerSetup.signed,
    };
    this.secrets.pin(this.signing.accessSecret);
    this.retry = options.retry ?? {};
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.counter = new TuyaCallCounter(options.monthlyBudget, this.now);
    this.http = createHttpClient({ baseURL: this.endpoint, timeoutMs: options.timeoutMs });
    // One pace per endpoint template, as Tuya counts; shared by every user of this client.
    const cap = options.requestsPerSecond;
    // The pace per endpoint is the limit; 16 in flight lets a paced 40/s through at a 400 ms round trip.
    this.limiter = new RateLimiter({ maxConcurrent: options.maxConcurrent ?? 16, gateFor: (template) => tuyaPace(template, cap) });
    this.tokens = new TuyaTokens({
      call: (path, idempotent) => this.withBackoff(prepareRequest({ method: "GET", path }), idempotent, this.closing.signal),
      marginMs: options.tokenMarginMs ?? 60_000,
      now: this.now,
      logger: this.logger,
      setState: (state) => this.setState(state),
      remember: (secret) => this.secrets.remember(secret),
      secrets: () => this.secrets,
      isClosed: () => this.closed,
    });
  }

  /** Fetches a new token now (a fresh grant, as bestlab's connect() does). */
  async connect(signal?: AbortSignal): Promise<void> {
    this.ensureOpen();
    this.tokens.reset();
    await this.tokens.get(signal);
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
    const prepared = prepareRequest(req);
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
    this.tokens.reset();
    destroyHttpClient(this.http);
    this.setState({ state: "closed" });
  }

  private ensureOpen(): void {
    if (this.closed) throw new AbortError("The Tuya connection was closed");
  }

  private setState(state: ClientState): void {
    this.emit("state", state);
  }

  /** Backoff for transient failures: reads on any retryable error, writes only when not executed. */
  private withBackoff(p: PreparedRequest, idempotent: boolean, signal: AbortSignal): Promise<TuyaResponse> {
    const allowed = retryPolicy(idempotent);
    // The attempt gets the signal that also fires at the total time bound.
    return withRetry((_attempt, bounded) => this.attempt(p, bounded), {
      ...this.retry,
      signal,
      platform: "tuya",
      // Token and clock errors already had their one retry inside attempt().
      shouldRetry: (err) => !hasCode(err, TOKEN_CODES) && !hasCode(err, CLOCK_CODE) && allowed(err),
      onRetry: (err, attempt, delayMs) => {
        if (err instanceof ApiError && err.retryAfterMs) this.limiter.pause(delayMs, p.template);
        this.logger?.debug(`Tuya ${p.template}: retry ${attempt} in ${delayMs} ms after ${err instanceof Error ? err.message : String(err)}`);
      },
    });
  }

  /** One logical try: a token error gets a new token and one retry, a clock error one corrected retry. */
  private async attempt(p: PreparedRequest, signal: AbortSignal): Promise<TuyaResponse> {
    let tokenRetried = false;
    let clockRetried = false;
    for (;;) {
      const token = p.tokenPath ? undefined : await this.tokens.get(signal);
      try {
        return await this.limiter.schedule(() => this.send(p, token?.accessToken, signal), signal, p.template);
      } catch (err) {
        if (!clockRetried && hasCode(err, CLOCK_CODE)) {
          clockRetried = true;
          continue;
        }
        if (!tokenRetried && token && hasCode(err, TOKEN_CODES)) {
          tokenRetried = true;
          this.logger?.debug(`Tuya ${p.template}: token rejected (${String(err.code)}), fetching a new one`);
          // Only drop the token that was rejected; another caller may already have replaced it.
          this.tokens.rejected(token.accessToken);
          continue;
        }
        throw err;
      }
    }
  }

  /** Signs and sends once; resolves with a success body, otherwise throws ApiError. */
  private async send(p: PreparedRequest, accessToken: string | undefined, signal: AbortSignal): Promise<TuyaResponse> {
    const t = Math.round(this.now() + this.clockOffsetMs);
    const signed = signedHeaders(p, this.signing, accessToken, t);
    // The refresh path carries the refresh token: errors name the template instead.
    const safePath = p.tokenPath ? p.template.slice(p.method.length + 1) : p.path;
    this.counter.recordCall(p.template);
    // Listeners (the config node's budget check) see every billed call, not only state changes.
    this.emit("call", p.template);
    let res;
    try {
      // The signature hashes p.body, so those exact bytes go out: axios's default transform would
      // re-quote text that is not JSON and trim text that is.
      res = await this.http.request({
        method: p.method,
        url: signed.url,
        headers: signed.headers,
        data: p.body,
        signal,
        transformRequest: [(data: unknown) => data],
      });
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
}
