// Legacy V3 OAuth2 client-credentials tokens (reference §1) and bearer parsing for both flavours.
import { randomBytes } from "node:crypto";

export interface LegacyCredentials {
  clientId: string;
  clientSecret: string;
  userId: string;
}

export interface TokenInfo {
  clientId: string;
  userId: string;
  expiresAtMs: number;
}

/** Issued tokens, with lifetimes on the emulator's (injectable) clock. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();
  /** Every token ever handed out (bounded), so tests can prove none of them leaks. */
  private readonly history: string[] = [];

  constructor(
    private readonly lifetimeSec: number,
    private readonly revokeOnNewToken: boolean,
    private readonly clock: () => number,
  ) {}

  issue(creds: LegacyCredentials): { access_token: string; token_type: "bearer"; expires_in: number } {
    const now = this.clock();
    if (this.revokeOnNewToken) {
      for (const [token, info] of this.tokens) if (info.clientId === creds.clientId) this.tokens.delete(token);
    }
    // Forget long-dead tokens so a long benchmark does not grow the map without bound.
    for (const [token, info] of this.tokens) if (info.expiresAtMs < now - 3600_000) this.tokens.delete(token);
    const token = randomBytes(16).toString("hex");
    this.tokens.set(token, { clientId: creds.clientId, userId: creds.userId, expiresAtMs: now + this.lifetimeSec * 1000 });
    if (this.history.push(token) > 10_000) this.history.shift();
    return { access_token: token, token_type: "bearer", expires_in: this.lifetimeSec };
  }

  issued(): string[] {
    return [...this.history];
  }

  /** The token's owner, or undefined when it is unknown, revoked or expired. */
  lookup(token: string | undefined): TokenInfo | undefined {
    if (token === undefined) return undefined;
    const info = this.tokens.get(token);
    if (!info || info.expiresAtMs <= this.clock()) return undefined;
    return info;
  }

  /** Every issued token answers 401 from now on (as if its lifetime had passed). */
  expireAll(): void {
    const now = this.clock();
    for (const info of this.tokens.values()) info.expiresAtMs = Math.min(info.expiresAtMs, now);
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  get size(): number {
    return this.tokens.size;
  }
}

/** The token after "Bearer " (scheme case-insensitive, as some clients send "bearer"). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1] : undefined;
}

export interface OAuthError {
  status: 400 | 401;
  error: "invalid_request" | "invalid_client" | "unsupported_grant_type";
  error_description: string;
  /** Client authentication was attempted with HTTP Basic (401 then carries WWW-Authenticate). */
  basic: boolean;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** RFC 6749 §2.3.1 says Basic credentials are form-encoded first; most clients skip that. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/**
 * Check a token request. `params` holds the form body merged over the query string (servlet
 * containers read both). Order: missing parameters → grant type → client authentication.
 */
export function checkTokenRequest(params: URLSearchParams, authorization: string | undefined, client: LegacyCredentials): OAuthError | undefined {
  const basic = basicCredentials(authorization);
  const grantType = params.get("grant_type");
  const id = basic?.id ?? params.get("client_id");
  const secret = basic?.secret ?? params.get("client_secret");
  if (!grantType || !id || !secret) {
    const missing = [!grantType && "grant_type", !id && "client_id", !secret && "client_secret"].filter(Boolean).join(", ");
    return {
      status: 400,
      error: "invalid_request",
      error_description: `The request is malformed, a required parameter is missing or a parameter has an invalid value. Missing: ${missing}.`,
      basic: basic !== undefined,
    };
  }
  if (grantType !== "client_credentials") {
    return { status: 400, error: "unsupported_grant_type", error_description: `Unsupported grant type: ${grantType}`, basic: basic !== undefined };
  }
  const matches = (i: string, s: string): boolean => i === client.clientId && s === client.clientSecret;
  const ok = matches(id, secret) || (basic !== undefined && matches(formDecode(id), formDecode(secret)));
  if (!ok) return { status: 401, error: "invalid_client", error_description: "Bad client credentials", basic: basic !== undefined };
  return undefined;
}
