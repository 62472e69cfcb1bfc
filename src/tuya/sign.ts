/**
 * Request signing (reference §3). New algorithm:
 *   stringToSign = METHOD \n sha256hex(body bytes) \n signed-header lines \n path?sorted raw query
 *   sign = HMAC-SHA256(secret, client_id [+ access_token] + t + nonce + stringToSign), upper hex
 * Token-management paths are signed without the access token. Query keys are sorted and signed
 * raw, while the wire URL carries them percent-encoded (cursors hold + / =). The legacy algorithm
 * (projects created before mid-2021) signs only client_id [+ access_token] + t.
 */
import { createHash, createHmac } from "node:crypto";

export type TuyaQueryValue = string | number | boolean | undefined | null;

export interface SignInput {
  clientId: string;
  secret: string;
  /** Business requests only; leave out for token-management paths. */
  accessToken?: string;
  t: number | string;
  nonce?: string;
  method: string;
  path: string;
  query?: Record<string, TuyaQueryValue>;
  /** The exact text that is sent as the body ("" or undefined for none). */
  body?: string;
  /** Headers listed in Signature-Headers, in this order. */
  signatureHeaders?: Record<string, string>;
  legacy?: boolean;
}

export interface SignedRequest {
  sign: string;
  stringToSign: string;
  /** Path plus the percent-encoded, sorted query: what goes on the wire. */
  url: string;
}

/** Token paths (grant and refresh) are signed without the access token. */
export const TOKEN_PATH = /^\/v1\.0\/token(?:\/[^/?]*)?$/;

export function isTokenPath(path: string): boolean {
  return TOKEN_PATH.test(path);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function hmacUpper(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("hex").toUpperCase();
}

/** Sorted [key, value] pairs; null and undefined are left out of both signature and URL. */
function sortedPairs(query: Record<string, TuyaQueryValue> = {}): [string, string][] {
  return Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => [k, String(query[k])]);
}

export function signRequest(input: SignInput): SignedRequest {
  const pairs = sortedPairs(input.query);
  const join = (enc: (s: string) => string) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")}` : "");
  const signedUrl = input.path + join((s) => s);
  const url = input.path + join(encodeURIComponent);
  const t = String(input.t);
  const token = input.accessToken ?? "";
  if (input.legacy) {
    return { sign: hmacUpper(input.secret, input.clientId + token + t), stringToSign: "", url };
  }
  const headerLines = Object.entries(input.signatureHeaders ?? {})
    .map(([name, value]) => `${name}:${value}\n`)
    .join("");
  const stringToSign = `${input.method.toUpperCase()}\n${sha256Hex(input.body ?? "")}\n${headerLines}\n${signedUrl}`;
  const sign = hmacUpper(input.secret, input.clientId + token + t + (input.nonce ?? "") + stringToSign);
  return { sign, stringToSign, url };
}
