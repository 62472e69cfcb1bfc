/**
 * The Tuya token lifecycle (reference §2), as hobo's legacy-auth.ts is HOBOlink's: GET
 * /v1.0/token?grant_type=1; expiry from expire_time as the REMAINING seconds; proactive refresh
 * inside a margin through the single-use refresh token, and a fresh grant when that fails; one
 * shared fetch for concurrent callers (the core TokenCache). A token the server rejected is
 * dropped only if it is still the cached one, so a burst of 1010s fetches once.
 */
import { ApiError, isAbortError } from "../core/errors";
import type { ClientLogger, ClientState } from "../core/client";
import { abortable } from "../core/signals";
import { TokenCache, type Token } from "../core/token-cache";
import { isRecord } from "../core/util";
import type { TuyaResponse } from "./openapi";

export interface TuyaToken {
  accessToken: string;
  refreshToken: string;
  uid?: string;
}

export interface TuyaTokensOptions {
  /** Sends a signed token request (with the client's backoff): path, and whether it may be repeated. */
  call: (path: string, idempotent: boolean) => Promise<TuyaResponse>;
  marginMs: number;
  now: () => number;
  logger?: ClientLogger;
  setState: (state: ClientState) => void;
  /** Hands each new token to the client's redaction list. */
  remember: (secret: string) => void;
  /** Strings to mask in errors (the access secret and the tokens remembered). */
  secrets: () => Iterable<string>;
  isClosed: () => boolean;
}

export class TuyaTokens {
  private readonly cache: TokenCache<TuyaToken>;
  /** The last refresh token, kept after the access token is dropped (single-use: cleared when spent). */
  private refreshToken?: string;

  constructor(private readonly o: TuyaTokensOptions) {
    this.cache = new TokenCache<TuyaToken>(() => this.fetch(), { marginMs: o.marginMs, now: o.now });
  }

  /** A valid token, fetched or refreshed when needed. */
  get(signal?: AbortSignal): Promise<TuyaToken> {
    return abortable(this.cache.get(), signal);
  }

  /** The cached token, even if stale. */
  peek(): Token<TuyaToken> | undefined {
    return this.cache.peek();
  }

  /** Forgets both tokens: the next get() makes a fresh grant (connect(), close()). */
  reset(): void {
    this.refreshToken = undefined;
    this.cache.invalidate();
  }

  /** The server rejected `accessToken`: drop it unless another caller has replaced it already. */
  rejected(accessToken: string): void {
    if (this.cache.peek()?.value.accessToken === accessToken) this.cache.invalidate();
  }

  /** Token fetcher for the cache: the refresh token first (single-use), a fresh grant if that fails. */
  private async fetch(): Promise<Token<TuyaToken>> {
    const refresh = this.refreshToken;
    this.refreshToken = undefined;
    if (!refresh && !this.cache.peek()) this.o.setState({ state: "connecting" });
    try {
      let token: Token<TuyaToken> | undefined;
      if (refresh) {
        try {
          // A refresh is spent even when its answer is lost, so it is never repeated; the grant is the fallback.
          token = await this.tokenCall(`/v1.0/token/${refresh}`, false);
        } catch (err) {
          if (isAbortError(err) || this.o.isClosed()) throw err;
          this.o.logger?.debug(`Tuya token refresh failed (${err instanceof ApiError ? String(err.code) : "error"}); requesting a new token`);
        }
      }
      const refreshed = token !== undefined;
      token ??= await this.tokenCall("/v1.0/token?grant_type=1", true);
      this.refreshToken = token.value.refreshToken;
      this.o.setState(refreshed ? { state: "token-refreshed" } : { state: "connected" });
      return token;
    } catch (err) {
      if (!this.o.isClosed()) {
        const code = err instanceof ApiError ? err.code : undefined;
        this.o.setState({ state: "error", code, message: err instanceof Error ? err.message : String(err) });
      }
      throw err;
    }
  }

  private async tokenCall(path: string, idempotent: boolean): Promise<Token<TuyaToken>> {
    const sentAt = this.o.now();
    const res = await this.o.call(path, idempotent);
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
        secrets: this.o.secrets(),
      });
    }
    this.o.remember(accessToken);
    this.o.remember(refreshToken);
    return { value: { accessToken, refreshToken, uid: typeof r.uid === "string" ? r.uid : undefined }, expiresAt: sentAt + seconds * 1000 };
  }
}
