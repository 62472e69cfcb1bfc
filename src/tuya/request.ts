/**
 * Request preparation for the Tuya OpenAPI (reference §1): what a caller may ask for (method, path,
 * query, body, extra headers) is checked and normalised once, and the signed headers of one try
 * are built from it. No I/O here: TuyaOpenApi sends, TuyaTokens keeps the token pair.
 */
import { randomUUID } from "node:crypto";
import { InputError, serialisationInputError } from "../core/errors";
import { isRecord } from "../core/util";
import { endpointTemplate } from "./counter";
import { isTokenPath, signRequest, type TuyaQueryValue } from "./sign";

export type TuyaMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface TuyaRequest {
  method: TuyaMethod;
  /** Path starting with "/", optionally with a "?query" (merged with query, which wins). */
  path: string;
  /** Values: string, number, boolean; arrays are sent comma-joined; null/undefined left out. */
  query?: Record<string, unknown>;
  /** POST/PUT body: an object (sent as compact JSON) or the exact text to send. */
  body?: unknown;
  signal?: AbortSignal;
  /** Safe to repeat after an ambiguous failure (default: GET only). */
  idempotent?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A request checked once and sent (possibly several times) as is. */
export interface PreparedRequest {
  method: TuyaMethod;
  path: string;
  query: Record<string, TuyaQueryValue>;
  body?: string;
  tokenPath: boolean;
  /** "GET /v1.0/devices/{id}": counted, logged and named in errors in place of the real path. */
  template: string;
}

const METHODS: readonly string[] = ["GET", "POST", "PUT", "DELETE"];
/** Headers the client sets per request: not settable through options.headers. */
const RESERVED_HEADERS = new Set(["client_id", "sign", "sign_method", "t", "lang", "access_token", "nonce", "signature-headers", "content-type"]);
/** Headers with a fixed value per client that may be signed. */
const SIGNABLE_OWN_HEADERS = new Set(["client_id", "lang", "sign_method"]);

/** The extra headers and the names to sign, checked once when the client is made. */
export function checkHeaders(headers: unknown, signed: unknown): { extra: Record<string, string>; signed: string[] } {
  if (headers !== undefined && !isRecord(headers)) throw new InputError("Tuya headers must be an object of header names and text values");
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^[A-Za-z0-9_-]+$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
      throw new InputError(`The header "${name}" cannot be set: it is not a plain name or the client sets it itself`);
    if (typeof value !== "string") throw new InputError(`The header "${name}" must have a text value`);
    extra[name] = value;
  }
  if (signed !== undefined && (!Array.isArray(signed) || !signed.every((n) => typeof n === "string")))
    throw new InputError("signatureHeaders must be a list of header names");
  const names = (signed ?? []) as string[];
  for (const name of names) {
    if (!SIGNABLE_OWN_HEADERS.has(name) && !(name in extra)) {
      throw new InputError(`The signed header "${name}" is not sent: use client_id, lang, sign_method or a name from headers`);
    }
  }
  return { extra, signed: names };
}

function queryValue(key: string, v: unknown): TuyaQueryValue {
  if (v === undefined || v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.join(",");
  throw new InputError(`Query parameter "${key}" must be a string, number, boolean or a list of them`);
}

/** Checks and normalises a caller's request; throws InputError before anything is sent. */
export function prepareRequest(req: TuyaRequest): PreparedRequest {
  const method = String(req.method ?? "").toUpperCase();
  if (!METHODS.includes(method)) throw new InputError(`HTTP method "${String(req.method)}" is not one of ${METHODS.join(", ")}`);
  if (typeof req.path !== "string" || !req.path.startsWith("/")) throw new InputError(`The API path must start with "/" (got ${JSON.stringify(req.path)})`);
  const [path, inline] = req.path.split("?", 2) as [string, string | undefined];
  const query: Record<string, TuyaQueryValue> = {};
  if (inline) for (const [k, v] of new URLSearchParams(inline)) query[k] = v;
  if (req.query !== undefined && !isRecord(req.query)) throw new InputError("The query must be an object of parameter names and values");
  for (const [k, v] of Object.entries(req.query ?? {})) query[k] = queryValue(k, v);
  let body: string | undefined;
  if ((method === "POST" || method === "PUT") && req.body !== undefined && req.body !== null) {
    try {
      body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    } catch (err) {
      throw serialisationInputError(err);
    }
  }
  return { method: method as TuyaMethod, path, query, body, tokenPath: isTokenPath(path), template: endpointTemplate(method, path) };
}

/** What one client signs with: fixed per client. */
export interface SigningSetup {
  accessId: string;
  accessSecret: string;
  lang: string;
  legacy: boolean;
  useNonce: boolean;
  extraHeaders: Record<string, string>;
  signedHeaderNames: string[];
}

/** The URL and headers of one try at time t (ms, already corrected by the learned clock offset). */
export function signedHeaders(
  p: PreparedRequest,
  setup: SigningSetup,
  accessToken: string | undefined,
  t: number,
): { url: string; headers: Record<string, string> } {
  const nonce = setup.useNonce ? randomUUID() : undefined;
  const own: Record<string, string> = { client_id: setup.accessId, sign_method: "HMAC-SHA256", lang: setup.lang, ...setup.extraHeaders };
  const signatureHeaders = Object.fromEntries(setup.signedHeaderNames.map((name) => [name, own[name]]));
  const token = p.tokenPath ? undefined : accessToken;
  const signed = signRequest({
    clientId: setup.accessId,
    secret: setup.accessSecret,
    accessToken: token,
    t,
    nonce,
    method: p.method,
    path: p.path,
    query: p.query,
    body: p.body,
    signatureHeaders,
    legacy: setup.legacy,
  });
  const headers: Record<string, string> = { ...own, sign: signed.sign, t: String(t) };
  if (setup.signedHeaderNames.length) headers["Signature-Headers"] = setup.signedHeaderNames.join(":");
  if (token) headers.access_token = token;
  if (nonce) headers.nonce = nonce;
  if (p.body !== undefined) headers["Content-Type"] = "application/json";
  return { url: signed.url, headers };
}
