// Token lifecycle (reference §2): one pair per grant, refresh tokens single-use, a refresh kills
// the old pair, and a grant inside the lifetime returns the project's current pair with its
// REMAINING seconds (the §2.3 inference that explains expire_time values below 7200).
import { randomBytes } from "node:crypto";

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAtMs: number;
  /** Set by the expireTokens fault: the access token is dead, the refresh token still works. */
  forcedExpired: boolean;
}

export interface TokenGrant {
  access_token: string;
  expire_time: number;
  refresh_token: string;
  uid: string;
}

export type AccessCheck = "ok" | "missing" | "unknown" | "expired";

function hex32(): string {
  return randomBytes(16).toString("hex");
}

export class TokenStore {
  private readonly byAccess = new Map<string, TokenPair>();
  private readonly byRefresh = new Map<string, TokenPair>();
  private readonly history: string[] = [];
  private current: TokenPair | undefined;
  private fixed: { accessToken: string; refreshToken: string } | undefined;

  constructor(
    private readonly lifetimeSec: number,
    readonly uid: string,
    fixed?: { accessToken: string; refreshToken: string },
  ) {
    this.fixed = fixed;
  }

  /** GET /v1.0/token?grant_type=1 */
  grant(nowMs: number): TokenGrant {
    const cur = this.current;
    if (cur && !cur.forcedExpired && cur.expiresAtMs - nowMs >= 1000 && this.byAccess.has(cur.accessToken)) {
      return this.view(cur, nowMs);
    }
    return this.view(this.issue(nowMs), nowMs);
  }

  /** GET /v1.0/token/{refresh_token}; undefined when the refresh token is unknown or already used. */
  refresh(refreshToken: string, nowMs: number): TokenGrant | undefined {
    const old = this.byRefresh.get(refreshToken);
    if (!old) return undefined;
    this.byRefresh.delete(old.refreshToken);
    this.byAccess.delete(old.accessToken);
    return this.view(this.issue(nowMs), nowMs);
  }

  check(accessToken: string | undefined, nowMs: number): AccessCheck {
    if (!accessToken) return "missing";
    const pair = this.byAccess.get(accessToken);
    if (!pair) return "unknown";
    if (pair.forcedExpired || nowMs >= pair.expiresAtMs) return "expired";
    return "ok";
  }

  expireAll(): void {
    for (const pair of this.byAccess.values()) pair.forcedExpired = true;
  }

  revokeAll(): void {
    this.byAccess.clear();
    this.byRefresh.clear();
    this.current = undefined;
  }

  /** Every access and refresh token handed out (bounded), so tests can prove none of them leaks. */
  issued(): string[] {
    return [...this.history];
  }

  private issue(nowMs: number): TokenPair {
    const fixed = this.fixed;
    this.fixed = undefined; // fixed tokens are handed out once, by the first grant
    const pair: TokenPair = {
      accessToken: fixed?.accessToken ?? hex32(),
      refreshToken: fixed?.refreshToken ?? hex32(),
      expiresAtMs: nowMs + this.lifetimeSec * 1000,
      forcedExpired: false,
    };
    this.byAccess.set(pair.accessToken, pair);
    this.byRefresh.set(pair.refreshToken, pair);
    this.history.push(pair.accessToken, pair.refreshToken);
    if (this.history.length > 20_000) this.history.splice(0, 2);
    this.current = pair;
    return pair;
  }

  private view(pair: TokenPair, nowMs: number): TokenGrant {
    return {
      access_token: pair.accessToken,
      expire_time: Math.max(0, Math.floor((pair.expiresAtMs - nowMs) / 1000)),
      refresh_token: pair.refreshToken,
      uid: this.uid,
    };
  }
}
