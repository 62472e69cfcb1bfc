/**
 * bestlab's HoboTokenInfo: the legacy token, its type, and its expiry in epoch seconds
 * (expires_in, or 600 s when absent), renewed when less than the margin (60 s) is left.
 */
export interface HoboTokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/** bestlab's fallback when the server omits expires_in. */
export const DEFAULT_TOKEN_LIFETIME_SEC = 600;

export class HoboTokenInfo {
  readonly accessToken: string;
  /** Stored as sent ("bearer"); requests always say "Bearer", as bestlab does. */
  readonly tokenType: string;
  /** Epoch seconds at which the token stops working. */
  readonly expireTime: number;

  constructor(
    response: HoboTokenResponse,
    nowMs: number = Date.now(),
    private readonly marginSec = 60,
  ) {
    this.accessToken = typeof response.access_token === "string" ? response.access_token : "";
    this.tokenType = typeof response.token_type === "string" && response.token_type ? response.token_type : "bearer";
    const lifetime = Number(response.expires_in);
    this.expireTime = nowMs / 1000 + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_TOKEN_LIFETIME_SEC);
  }

  /** True without a token or when it expires within the margin. */
  needRefresh(nowMs: number = Date.now()): boolean {
    return !this.accessToken || nowMs / 1000 + this.marginSec > this.expireTime;
  }

  /** Never print the token itself. */
  toJSON(): Record<string, unknown> {
    return { accessToken: this.accessToken ? "***" : "", tokenType: this.tokenType, expireTime: this.expireTime };
  }
}
