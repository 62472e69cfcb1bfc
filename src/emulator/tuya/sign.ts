// Request-signature model of the Tuya OpenAPI (reference §3). Written independently of src/tuya
// so a client signing bug cannot be hidden by a shared helper.
import { createHash, createHmac } from "node:crypto";

export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function hmacUpperHex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("hex").toUpperCase();
}

/** One query pair, percent-decoded. The server signs decoded values (reference §3.4). */
export interface QueryPair {
  key: string;
  value: string;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // malformed escapes are signed as sent
  }
}

/** Splits a raw request target into the verbatim path and the decoded query pairs. */
export function splitTarget(rawUrl: string): { path: string; query: QueryPair[] } {
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query: QueryPair[] = [];
  if (q >= 0) {
    for (const part of rawUrl.slice(q + 1).split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      query.push(eq < 0 ? { key: decode(part), value: "" } : { key: decode(part.slice(0, eq)), value: decode(part.slice(eq + 1)) });
    }
  }
  return { path, query };
}

/** Path plus "?k=v&..." sorted by key in ASCII order (stable for duplicate keys), values raw. */
export function canonicalUrl(path: string, query: QueryPair[]): string {
  if (query.length === 0) return path;
  const sorted = [...query].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return `${path}?${sorted.map((p) => `${p.key}=${p.value}`).join("&")}`;
}

export interface SignInput {
  method: string;
  path: string;
  query: QueryPair[];
  body: Buffer;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
}

export function stringToSign(input: SignInput): string {
  const bodyHash = input.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(input.body);
  const listed = (input.header("signature-headers") ?? "").trim();
  let headers = "";
  if (listed !== "") {
    for (const name of listed.split(":")) {
      if (name === "") continue;
      headers += `${name}:${input.header(name.toLowerCase()) ?? ""}\n`;
    }
  }
  return `${input.method.toUpperCase()}\n${bodyHash}\n${headers}\n${canonicalUrl(input.path, input.query)}`;
}

export type SignAlgorithm = "any" | "new" | "legacy";

export interface VerifyArgs {
  clientId: string;
  secret: string;
  /** Access token as sent; "" for token-management paths (they are signed without it). */
  accessToken: string;
  t: string;
  sign: string;
  algorithm: SignAlgorithm;
  input: SignInput;
}

/** True when the request's sign matches the new algorithm or (if allowed) the legacy one (§3.2, §3.6). */
export function verifySign(a: VerifyArgs): boolean {
  const sent = a.sign.toUpperCase();
  if (a.algorithm !== "legacy") {
    const nonce = a.input.header("nonce") ?? "";
    const str = a.clientId + a.accessToken + a.t + nonce + stringToSign(a.input);
    if (hmacUpperHex(a.secret, str) === sent) return true;
  }
  if (a.algorithm !== "new") {
    if (hmacUpperHex(a.secret, a.clientId + a.accessToken + a.t) === sent) return true;
  }
  return false;
}
