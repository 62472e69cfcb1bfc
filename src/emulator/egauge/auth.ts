// JSON WebAPI authentication (reference §2): server nonces that expire, the digest login
// hash = MD5(MD5(usr:rlm:pwd):nnc:cnnc), JWTs whose payload carries beg + ltm (not exp), a
// generation that a reboot bumps (revoking every token) and a logout list.
import { createHash, createHmac, randomBytes } from "node:crypto";

export const REALM = "eGauge Administration";

export interface EgaugeEmulatorUser {
  usr: string;
  pwd: string;
  /** e.g. ["save", "ctrl", "view_settings"]. */
  rights: string[];
}

export interface TokenClaims {
  rlm: string;
  usr: string;
  prv: string[];
  beg: number;
  ltm: number;
  gen: number;
}

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

export function digestHash(usr: string, rlm: string, pwd: string, nnc: string, cnnc: string): string {
  return md5(`${md5(`${usr}:${rlm}:${pwd}`)}:${nnc}:${cnnc}`);
}

export type LoginResult = { status: number; body: Record<string, unknown> };

export class AuthModel {
  private readonly nonces = new Map<string, number>();
  private readonly revoked = new Set<string>();
  private readonly key = randomBytes(32);
  private readonly issued: string[] = [];
  generation = 1;
  logins = 0;

  constructor(
    readonly users: EgaugeEmulatorUser[],
    private readonly nowSec: () => number,
    public nonceTtlSec: number,
    public tokenLifetimeSec: number,
  ) {}

  /** A fresh 401 body (every protected path answers with a new nonce). */
  challenge(): Record<string, unknown> {
    const nnc = randomBytes(16).toString("hex");
    const now = this.nowSec();
    for (const [n, at] of this.nonces) if (now - at > this.nonceTtlSec) this.nonces.delete(n);
    this.nonces.set(nnc, now);
    return { rlm: REALM, nnc, error: "Authentication required." };
  }

  login(body: unknown, viaTls: boolean, viaProxy: boolean): LoginResult {
    if (!body || typeof body !== "object" || Array.isArray(body)) return { status: 400, body: { error: "Bad Request" } };
    const b = body as Record<string, unknown>;
    if (typeof b.usr !== "string") return { status: 400, body: { error: "Bad Request" } };
    const user = this.users.find((u) => u.usr === b.usr);
    if (typeof b.pwd === "string") {
      // The password object is accepted only over TLS and never via the proxy (reference §2).
      if (!viaTls || viaProxy) return { status: 200, body: { error: "Password login requires a direct HTTPS connection." } };
      if (!user || user.pwd !== b.pwd) return { status: 200, body: { error: "Invalid username or password." } };
      return this.issue(user);
    }
    for (const k of ["rlm", "nnc", "cnnc", "hash"]) if (typeof b[k] !== "string") return { status: 400, body: { error: "Bad Request" } };
    const at = this.nonces.get(b.nnc as string);
    if (at === undefined || this.nowSec() - at > this.nonceTtlSec) return { status: 200, body: { error: "Nonce expired." } };
    if (!user || b.rlm !== REALM || digestHash(user.usr, REALM, user.pwd, b.nnc as string, b.cnnc as string) !== b.hash) {
      return { status: 200, body: { error: "Invalid username or password." } };
    }
    return this.issue(user);
  }

  private issue(user: EgaugeEmulatorUser): LoginResult {
    this.logins++;
    const claims: TokenClaims = { rlm: REALM, usr: user.usr, prv: [...user.rights], beg: this.nowSec(), ltm: this.tokenLifetimeSec, gen: this.generation };
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    // A random id keeps two logins in the same second (a frozen clock) apart, so a logout revokes only its own token.
    const payload = b64url(JSON.stringify({ ...claims, jti: randomBytes(8).toString("hex") }));
    const sig = createHmac("sha256", this.key).update(`${head}.${payload}`).digest("base64url");
    const jwt = `${head}.${payload}.${sig}`;
    this.issued.push(jwt);
    return { status: 200, body: { jwt } };
  }

  /** The claims of a valid, unexpired, unrevoked bearer token; undefined otherwise. */
  verify(authorization: string | undefined): TokenClaims | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const [head, payload, sig] = m[1].split(".");
    if (!head || !payload || !sig) return undefined;
    if (createHmac("sha256", this.key).update(`${head}.${payload}`).digest("base64url") !== sig) return undefined;
    if (this.revoked.has(m[1])) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    if (claims.gen !== this.generation || this.nowSec() >= claims.beg + claims.ltm) return undefined;
    return claims;
  }

  revoke(authorization: string | undefined): void {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (m) this.revoked.add(m[1]);
  }

  /** Every token handed out (for tests that prove none leaks). */
  issuedTokens(): string[] {
    return [...this.issued];
  }

  expireNonces(): void {
    this.nonces.clear();
  }
}
