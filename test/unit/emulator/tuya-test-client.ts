// A tiny signed-request client for the emulator specs, written from the reference (§3) and not
// shared with src/tuya, so the emulator is checked against an independent signer.
import { createHash, createHmac } from "node:crypto";

export interface CallOptions {
  method?: string;
  path: string;
  query?: Record<string, string | number>;
  body?: string;
  /** Sent as access_token and signed in (business paths); defaults to the client's token. */
  accessToken?: string;
  /** Token-management path: sign without the access token. */
  tokenPath?: boolean;
  t?: number | string;
  nonce?: string;
  signatureHeaders?: Record<string, string>;
  /** Use this sign value instead of computing one. */
  sign?: string;
  legacy?: boolean;
  secret?: string;
  clientId?: string;
}

export interface TuyaBody {
  success: boolean;
  t: number;
  tid: string;
  code?: number;
  msg?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  result?: any;
}

const E = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const hmac = (secret: string, s: string) => createHmac("sha256", secret).update(s).digest("hex").toUpperCase();

export function wireQuery(query: Record<string, string | number> = {}): string {
  const keys = Object.keys(query);
  return keys.length ? "?" + keys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`).join("&") : "";
}

export function signedUrl(path: string, query: Record<string, string | number> = {}): string {
  const keys = Object.keys(query).sort();
  return keys.length ? `${path}?${keys.map((k) => `${k}=${query[k]}`).join("&")}` : path;
}

export class TestClient {
  accessToken = "";
  refreshToken = "";
  /** Added to Date.now() for t, to play a skewed client. */
  offsetMs = 0;

  constructor(
    readonly base: string,
    readonly clientId: string,
    readonly secret: string,
  ) {}

  sign(o: CallOptions, t: string, token: string): string {
    const secret = o.secret ?? this.secret;
    const clientId = o.clientId ?? this.clientId;
    if (o.legacy) return hmac(secret, clientId + token + t);
    const body = o.body ?? "";
    const hash = body === "" ? E : createHash("sha256").update(body).digest("hex");
    const sh = o.signatureHeaders ?? {};
    const headers = Object.entries(sh)
      .map(([k, v]) => `${k}:${v}\n`)
      .join("");
    const sts = `${o.method ?? "GET"}\n${hash}\n${headers}\n${signedUrl(o.path, o.query)}`;
    return hmac(secret, clientId + token + t + (o.nonce ?? "") + sts);
  }

  async raw(o: CallOptions): Promise<Response> {
    const t = String(o.t ?? Date.now() + this.offsetMs);
    const token = o.accessToken ?? this.accessToken;
    const signedToken = o.tokenPath ? "" : token;
    const headers: Record<string, string> = {
      client_id: o.clientId ?? this.clientId,
      sign: o.sign ?? this.sign(o, t, signedToken),
      sign_method: "HMAC-SHA256",
      t,
    };
    if (token && !o.tokenPath) headers.access_token = token;
    if (o.nonce) headers.nonce = o.nonce;
    const sh = o.signatureHeaders;
    if (sh && Object.keys(sh).length) {
      headers["Signature-Headers"] = Object.keys(sh).join(":");
      for (const [k, v] of Object.entries(sh)) headers[k] = v;
    }
    if (o.body !== undefined) headers["content-type"] = "application/json";
    return fetch(this.base + o.path + wireQuery(o.query), { method: o.method ?? "GET", headers, body: o.body });
  }

  async call(o: CallOptions): Promise<TuyaBody> {
    const res = await this.raw(o);
    return (await res.json()) as TuyaBody;
  }

  async get(path: string, query?: Record<string, string | number>): Promise<TuyaBody> {
    return this.call({ path, query });
  }

  async post(path: string, body: unknown): Promise<TuyaBody> {
    return this.call({ method: "POST", path, body: JSON.stringify(body) });
  }

  async connect(): Promise<TuyaBody> {
    const r = await this.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true });
    if (r.success) {
      this.accessToken = r.result.access_token;
      this.refreshToken = r.result.refresh_token;
    }
    return r;
  }

  async refresh(rt = this.refreshToken): Promise<TuyaBody> {
    const r = await this.call({ path: `/v1.0/token/${rt}`, tokenPath: true });
    if (r.success) {
      this.accessToken = r.result.access_token;
      this.refreshToken = r.result.refresh_token;
    }
    return r;
  }
}
