/**
 * Legacy V3 OAuth: client credentials posted form-encoded to /ws/auth/token. The core TokenCache
 * renews inside the margin and shares one fetch among concurrent callers; a token the server
 * rejected is dropped only if it is still the cached one, so a burst of 401s fetches once.
 * The secret goes into the form body and nowhere else (bestlab logs it at debug; we do not).
 */
import type { ClientLogger } from "../core/client";
import type { AxiosInstance } from "axios";
import { parseJsonBody, transportError } from "../core/http";
import { SecretHistory } from "../core/secret-history";
import { TokenCache, type Token } from "../core/token-cache";
import { errorFromResponse, shapeError, type ErrorContext } from "./errors";
import { abortable } from "../core/signals";
import { HoboTokenInfo, type HoboTokenResponse } from "./token-info";

export const TOKEN_PATH = "/ws/auth/token";

export interface LegacyAuthOptions {
  http: AxiosInstance;
  clientId: string;
  clientSecret: string;
  marginMs: number;
  logger: ClientLogger;
  /** Fires on close, cancelling a token fetch under way. */
  closeSignal: AbortSignal;
  /** Called after each fetched token; `renewed` is false for the first. */
  onToken?: (info: HoboTokenInfo, renewed: boolean) => void;
  now?: () => number;
}

export class LegacyAuth {
  private readonly cache: TokenCache<HoboTokenInfo>;
  private latest?: HoboTokenInfo;
  private fetched = 0;
  /** The client secret and every token held (bounded): an old token echoed in an error body is masked too. */
  private readonly held = new SecretHistory();

  constructor(private readonly o: LegacyAuthOptions) {
    this.held.pin(o.clientSecret);
    this.cache = new TokenCache(() => this.fetch(), { marginMs: o.marginMs, now: o.now });
  }

  /** The most recent token, even if stale (bestlab's token_info). */
  get info(): HoboTokenInfo | undefined {
    return this.latest;
  }

  /** Strings to mask in errors and logs. */
  secrets(): string[] {
    return [...this.held];
  }

  /** A valid access token, fetched when there is none or it is inside the margin. */
  async token(signal?: AbortSignal): Promise<string> {
    return (await abortable(this.cache.get(), signal)).accessToken;
  }

  /** Fetches a new token now (shared with a fetch already under way). */
  async renew(signal?: AbortSignal): Promise<HoboTokenInfo> {
    return (await abortable(this.cache.refresh(), signal)).value;
  }

  /** The server answered 401 to `token`: forget it unless a newer one has replaced it already. */
  rejected(token: string): void {
    if (this.cache.peek()?.value.accessToken === token) this.cache.invalidate();
  }

  private async fetch(): Promise<Token<HoboTokenInfo>> {
    const ctx: ErrorContext = { method: "POST", path: TOKEN_PATH, secrets: this.secrets() };
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: this.o.clientId, client_secret: this.o.clientSecret });
    this.o.logger.debug(`HOBOlink: requesting a token for client id ${this.o.clientId}`);
    let res;
    try {
      res = await this.o.http.post(TOKEN_PATH, form.toString(), {
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        signal: this.o.closeSignal,
      });
    } catch (err) {
      throw transportError(err, "hobolink", "POST", TOKEN_PATH, ctx.secrets);
    }
    if (res.status >= 400) throw errorFromResponse(res, ctx);
    const body = parseJsonBody(res, "hobolink", ctx.secrets);
    const now = (this.o.now ?? Date.now)();
    const info = new HoboTokenInfo((body ?? {}) as HoboTokenResponse, now, this.o.marginMs / 1000);
    if (!info.accessToken) throw shapeError("access_token", res, ctx);
    this.latest = info;
    this.held.remember(info.accessToken);
    this.o.logger.debug(`HOBOlink: token received, valid until ${new Date(info.expireTime * 1000).toISOString()}`);
    this.o.onToken?.(info, this.fetched++ > 0);
    return { value: info, expiresAt: info.expireTime * 1000 };
  }
}
