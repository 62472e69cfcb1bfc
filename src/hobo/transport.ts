/**
 * One HTTP request to HOBOlink, done properly: through the rate limiter (requests per window and
 * at most N at once), with the bearer token (legacy: fetched and renewed; one re-authentication
 * and retry on 401), retried with backoff when the failure allows it (429/509/5xx/network for
 * reads), pausing every queued request when the server says to wait (Retry-After, or LI-COR's
 * RateLimit-Remaining reaching 0). It also reports the connection state.
 */
import type { ClientState } from "../core/client";
import type { AxiosInstance, AxiosResponse } from "axios";
import { ApiError, isAbortError } from "../core/errors";
import type { Readable } from "node:stream";
import { createHttpClient, destroyHttpClient, nonJsonError, parseJsonBody, transportError } from "../core/http";
import { RateLimiter } from "../core/rate-limit";
import { redact } from "../core/redact";
import { retryPolicy, withRetry } from "../core/retry";
import { errorFromResponse, headerText, isConnectionError, type ErrorContext } from "./errors";
import { LegacyAuth } from "./legacy-auth";
import { secretsOf, type ResolvedHoboOptions } from "./options";
import { linkSignals, sharedController } from "../core/signals";

export interface HoboRequest<T> {
  method: "GET" | "POST";
  /** Relative to the base URL. */
  path: string;
  /** Query parameters, in order; encoded as python-requests does (space "+", ":" "%3A"). */
  params?: Record<string, string>;
  /** Form body (POST). */
  form?: Record<string, string>;
  signal?: AbortSignal;
  /** Turns the parsed JSON (or what `read` made of the body) into the result, or throws (not retried). */
  parse: (body: unknown, res: AxiosResponse, ctx: ErrorContext) => T;
  /** Reads a successful answer's body as it arrives (text chunks), instead of parsing it whole; a SyntaxError means it was not JSON. */
  read?: (chunks: AsyncIterable<string>) => Promise<unknown>;
  /** Turns an error answer into a result instead (e.g. a 400 that still proves the token works). */
  accept?: (err: ApiError) => T | undefined;
}

export class HoboTransport {
  readonly http: AxiosInstance;
  readonly limiter: RateLimiter;
  readonly auth?: LegacyAuth;
  private readonly closer = sharedController();
  private state?: ClientState["state"];

  constructor(
    private readonly o: ResolvedHoboOptions,
    private readonly emit: (state: ClientState) => void,
  ) {
    this.http = createHttpClient({ baseURL: o.baseUrl, timeoutMs: o.timeoutMs });
    // N per sliding window per URL, as the service counts: a backfill's first N windows go out together.
    this.limiter = new RateLimiter({ requestsPerWindow: o.requestsPerWindow, windowMs: o.windowMs, maxConcurrent: o.maxConcurrent });
    const c = o.credentials;
    if (c.flavour === "legacy") {
      this.auth = new LegacyAuth({
        http: this.http,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        marginMs: o.tokenMarginMs,
        logger: o.logger,
        closeSignal: this.closer.signal,
        onToken: (_info, renewed) => {
          if (renewed) this.setState({ state: "token-refreshed" });
        },
      });
    }
  }

  get closed(): boolean {
    return this.closer.signal.aborted;
  }

  get closeSignal(): AbortSignal {
    return this.closer.signal;
  }

  /** Strings that must never reach a log line or an error. */
  secrets(): string[] {
    return [...secretsOf(this.o.credentials), ...(this.auth?.secrets() ?? [])];
  }

  /** Sends a request with retries; writes are retried only when the server provably did not run them. */
  request<T>(req: HoboRequest<T>): Promise<T> {
    return this.run((signal) => this.attempt(req, signal), req.signal, req.method === "GET");
  }

  /** Runs fn with retries, cancelled by the caller's signal or close(), and reports the state. */
  async run<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, idempotent = true): Promise<T> {
    const linked = linkSignals(signal, this.closer.signal);
    if (this.state === undefined) this.setState({ state: "connecting" });
    try {
      const result = await this.withRetry(fn, linked.signal, idempotent);
      this.setState({ state: "connected" });
      return result;
    } catch (err) {
      this.failed(err);
      throw err;
    } finally {
      linked.dispose();
    }
  }

  /** fn gets the signal that also fires at the total time bound. */
  private withRetry<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, idempotent = true): Promise<T> {
    return withRetry((_attempt, bounded) => fn(bounded), {
      ...this.o.retry,
      signal,
      platform: "hobolink",
      shouldRetry: retryPolicy(idempotent),
      onRetry: (err, attempt, delayMs) =>
        this.o.logger.debug(`HOBOlink: ${err instanceof Error ? err.message : String(err)}; retry ${attempt} in ${delayMs} ms`),
    });
  }

  /** Reports a connection failure as the "error" state; a request's own bad values and cancellations are not the connection's. */
  failed(err: unknown): void {
    if (this.closed || isAbortError(err)) return;
    if (err instanceof ApiError && isConnectionError(err)) this.setState({ state: "error", code: err.code ?? err.status, message: err.message });
  }

  setState(state: ClientState): void {
    // "token-refreshed" is an event worth repeating; the others only on change.
    if (state.state === this.state && state.state !== "token-refreshed" && state.state !== "error") return;
    this.state = state.state;
    this.emit(state);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closer.abort();
    await this.limiter.stop();
    // Keep-alive sockets would otherwise stay open to the service after every redeploy.
    destroyHttpClient(this.http);
    this.setState({ state: "closed" });
  }

  private async attempt<T>(req: HoboRequest<T>, signal: AbortSignal): Promise<T> {
    let token = await this.bearer(signal);
    let res = await this.send(req, token, signal);
    if (res.status === 401 && this.auth && token !== undefined) {
      // Expired early, revoked or the clocks disagree: one new token, one more try.
      this.o.logger.debug("HOBOlink: the token was rejected (401); fetching a new one and retrying once");
      this.auth.rejected(token);
      token = await this.bearer(signal);
      res = await this.send(req, token, signal);
    }
    const ctx: ErrorContext = { method: req.method, path: req.path, secrets: this.secrets() };
    this.noteRateHeaders(res);
    if (res.status >= 400) {
      const err = errorFromResponse(res, ctx);
      const accepted = req.accept?.(err);
      if (accepted !== undefined) return accepted;
      if (res.status === 429 || res.status === 509) this.limiter.pause(this.pauseFor(err.retryAfterMs));
      throw err;
    }
    return req.parse(req.read ? res.data : parseJsonBody(res, "hobolink", ctx.secrets), res, ctx);
  }

  private bearer(signal: AbortSignal): Promise<string | undefined> | string {
    const c = this.o.credentials;
    if (c.flavour === "licor") return c.token;
    return this.auth!.token(signal);
  }

  private send(req: HoboRequest<unknown>, token: string | undefined, signal: AbortSignal): Promise<AxiosResponse> {
    const query = req.params ? new URLSearchParams(req.params).toString() : "";
    const url = query ? `${req.path}?${query}` : req.path;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (req.form) headers["Content-Type"] = "application/x-www-form-urlencoded";
    const data = req.form ? new URLSearchParams(req.form).toString() : undefined;
    return this.limiter.schedule(
      async () => {
        this.o.logger.debug(`HOBOlink: ${req.method} ${redact(url, this.secrets())}`);
        try {
          const res = await this.http.request({ method: req.method, url, data, headers, signal, responseType: req.read ? "stream" : "text" });
          // Read inside the limiter's turn: a request counts as in flight until its body is in.
          if (req.read) res.data = await this.readBody(res as AxiosResponse<Readable>, req.read);
          return res;
        } catch (err) {
          if (err instanceof ApiError) throw err;
          throw transportError(err, "hobolink", req.method, req.path, this.secrets());
        }
      },
      signal,
      req.path,
    );
  }

  /** A streamed body: an error answer as text (it is short), a successful one through `read`. */
  private async readBody(res: AxiosResponse<Readable>, read: (chunks: AsyncIterable<string>) => Promise<unknown>): Promise<unknown> {
    const stream = res.data;
    stream.setEncoding("utf8");
    if (res.status >= 400) {
      let text = "";
      for await (const chunk of stream) text += chunk as string;
      return text;
    }
    let start = "";
    async function* chunks(): AsyncGenerator<string> {
      for await (const chunk of stream) {
        if (start.length < 500) start += (chunk as string).slice(0, 500);
        yield chunk as string;
      }
    }
    try {
      return await read(chunks());
    } catch (err) {
      if (err instanceof SyntaxError) throw nonJsonError(res, start, "hobolink", this.secrets());
      throw err;
    } finally {
      stream.destroy();
    }
  }

  /** LI-COR's RateLimit-Remaining: 0 means wait RateLimit-Reset seconds before the next request. */
  private noteRateHeaders(res: AxiosResponse): void {
    const remaining = headerText(res, "ratelimit-remaining");
    if (remaining === undefined || Number(remaining) > 0) return;
    const reset = Number(headerText(res, "ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) this.limiter.pause(Math.min(reset * 1000, this.o.windowMs));
  }

  private pauseFor(retryAfterMs: number | undefined): number {
    const max = this.o.retry.maxDelayMs ?? 15_000;
    return Math.min(max, retryAfterMs ?? this.o.retry.baseDelayMs ?? 500);
  }
}
