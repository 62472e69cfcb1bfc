/**
 * HTTP for both clouds: an axios instance with timeouts, a keep-alive agent and a User-Agent that
 * names the pack, which never throws on an HTTP status (the clients read the service's error
 * body) and never parses bodies itself, so an HTML 502 becomes an ApiError, not a JSON crash.
 */
import http from "node:http";
import https from "node:https";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from "axios";
import { AbortError, ApiError, InputError, type Platform } from "./errors";
import { redact } from "./redact";
import { requireSecureTransport } from "./transport-rule";

export const PACKAGE_NAME = "@bestlab/node-red-platform";

/** The pack's version, read from its package.json (works from src/ under tsx and from dist/). */
export const PACKAGE_VERSION: string = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return "0.0.0";
})();

export const USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION} (Node-RED; +node ${process.version})`;

export interface HttpClientOptions {
  baseURL: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /**
   * Allow plain http to hosts other than this machine. Only for a protocol that never sends a
   * secret in clear (eGauge's digest login sends a hash) and a device that may have no https
   * (eGauge2/EG30xx meters on a LAN); the caller asks the user to opt in.
   */
  allowPlainHttp?: boolean;
}

/**
 * An axios instance that resolves for every HTTP status and leaves the body as text. The base URL
 * and every request's final URL must pass the transport rule (InputError, nothing sent), and a
 * request cannot leave the base URL's origin (a path such as "//host/x" is refused).
 */
export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const rule = (url: string, what: string) => (options.allowPlainHttp && /^http:\/\//i.test(url) ? undefined : requireSecureTransport(url, what));
  rule(options.baseURL, "The endpoint");
  const origin = new URL(options.baseURL).origin;
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    headers: { "User-Agent": USER_AGENT },
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    proxy: false,
  });
  instance.interceptors.request.use((config) => {
    const url = instance.getUri(config);
    rule(url, "The request URL");
    if (new URL(url).origin !== origin)
      throw new InputError(`The request URL "${url.slice(0, 60)}" leaves the configured endpoint ${origin}: only paths on the endpoint are sent`);
    return config;
  });
  return instance;
}

/** Destroys the instance's keep-alive agents, closing every socket it holds (a client's close()). */
export function destroyHttpClient(instance: AxiosInstance): void {
  for (const agent of [instance.defaults.httpAgent, instance.defaults.httpsAgent] as (http.Agent | undefined)[]) agent?.destroy();
}

/** Parses a JSON body, or throws an ApiError that says what came back instead. */
export function parseJsonBody(res: AxiosResponse, platform: Platform, secrets: Iterable<string> = []): unknown {
  const text = typeof res.data === "string" ? res.data : JSON.stringify(res.data ?? "");
  try {
    return JSON.parse(text);
  } catch {
    throw nonJsonError(res, text, platform, secrets);
  }
}

/** The error for an answer that is not the JSON asked for; `text` is (the start of) the body. */
export function nonJsonError(res: Pick<AxiosResponse, "status" | "headers">, text: string, platform: Platform, secrets: Iterable<string> = []): ApiError {
  const list = [...secrets];
  const type = String(res.headers["content-type"] ?? "unknown type");
  const status = res.status;
  return new ApiError({
    platform,
    status,
    code: `HTTP ${status}`,
    serviceMessage: `the server answered with a non-JSON body (${type})`,
    hint:
      status >= 500
        ? "the service or a proxy in front of it is having trouble; it is retried for reads, try again later"
        : "check the endpoint URL: it does not look like the service's API",
    // Redacted before it is cut, so a secret straddling the cut cannot survive in part.
    responseText: redact(text, list).slice(0, 500),
    retryable: status >= 500 || status === 429,
    secrets: list,
  });
}

/** Network codes that prove the request never reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Turns a transport failure (no HTTP response) into an ApiError or AbortError. */
export function transportError(err: unknown, platform: Platform, method: string, path: string, secrets: Iterable<string> = []): Error {
  if (axios.isCancel(err) || (err instanceof Error && (err.name === "AbortError" || err.name === "CanceledError"))) {
    return new AbortError();
  }
  // The transport rule refused the URL before any connection: the caller's setting, not the network.
  if (err instanceof InputError) return err;
  const code = err instanceof AxiosError ? (err.code ?? "ENETWORK") : "ENETWORK";
  const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
  const notSent = NOT_SENT_CODES.has(code);
  return new ApiError({
    platform,
    code,
    serviceMessage: timedOut ? "the request timed out" : err instanceof Error ? err.message : String(err),
    hint: notSent
      ? "the service could not be reached: check the endpoint or region and the network"
      : "the connection failed while the request was under way; reads are retried, commands are not (they may have run)",
    retryable: true,
    notExecuted: notSent,
    method,
    path,
    secrets,
  });
}
