/**
 * One error type for every cloud failure (ApiError) and one for bad user input (InputError).
 * ApiError mirrors bestlab's ResponseError (statusCode, responseText) and adds the service code,
 * trace id, retry safety and a hint a person can act on. Its message and JSON pass through
 * redaction, so a secret or token can never leave through an error. Every error has one kind
 * (error-kind.ts), shared by the clouds; error-details.ts says what a flow's Catch node sees.
 */
import { kindOfFailure, type ErrorKind } from "./error-kind";
import { redact } from "./redact";

export type Platform = "tuya" | "hobolink" | "egauge";

/** How messages and statuses name each platform. */
export const PLATFORM_LABEL: Readonly<Record<Platform, string>> = { tuya: "Tuya", hobolink: "HOBOlink", egauge: "eGauge" };

export interface ApiErrorInit {
  platform: Platform;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Service code: Tuya's numeric code, HOBOlink's "VAL-006" or an OAuth error, or a network code. */
  code?: number | string;
  /** The server's own text for the code (Tuya msg, HOBOlink message or error_description). */
  serviceMessage?: string;
  /** Tuya tid or another request id, for support tickets. */
  requestId?: string;
  /** Safe to repeat for an idempotent read (throttling, 5xx, network trouble). */
  retryable?: boolean;
  /** The server provably did not execute the request (refused connection, token rejected), so even a write may be repeated. */
  notExecuted?: boolean;
  /** Server-advised wait before a retry. */
  retryAfterMs?: number;
  /** What a person can do about it. */
  hint?: string;
  /** Raw response text (redacted and shortened before it is kept). */
  responseText?: string;
  method?: string;
  path?: string;
  /** Strings that must never appear in the error (secrets, tokens). */
  secrets?: Iterable<string>;
  /** The whole message, when the caller knows better than "<platform> <code> <text>: <hint>" what happened (redacted too). */
  message?: string;
  /** The category, when the thrower knows better than the code and status tables (error-kind.ts). */
  kind?: ErrorKind;
}

const MAX_RESPONSE_TEXT = 2000;

export class ApiError extends Error {
  readonly platform: Platform;
  readonly status?: number;
  readonly code?: number | string;
  readonly serviceMessage?: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly notExecuted: boolean;
  readonly retryAfterMs?: number;
  readonly hint?: string;
  readonly responseText: string;
  readonly method?: string;
  readonly path?: string;
  /** auth, permission, throttled, network, not-found, invalid or server: the same for every cloud. */
  readonly kind: ErrorKind;

  constructor(init: ApiErrorInit) {
    const secrets = [...(init.secrets ?? [])];
    const clean = (s: string | undefined) => (s === undefined ? undefined : redact(s, secrets));
    const serviceMessage = clean(init.serviceMessage);
    const path = clean(init.path);
    const hint = clean(init.hint);
    // A text code or request id comes from the server too, and may echo what it was sent.
    const code = typeof init.code === "string" ? clean(init.code) : init.code;
    super(init.message !== undefined ? redact(init.message, secrets) : ApiError.compose(init.platform, init.status, code, serviceMessage, hint));
    this.name = "ApiError";
    this.platform = init.platform;
    this.status = init.status;
    this.code = code;
    this.serviceMessage = serviceMessage;
    this.requestId = clean(init.requestId);
    this.retryable = init.retryable ?? false;
    this.notExecuted = init.notExecuted ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.hint = hint;
    this.responseText = (clean(init.responseText) ?? "").slice(0, MAX_RESPONSE_TEXT);
    this.method = clean(init.method);
    this.path = path;
    this.kind = init.kind ?? kindOfFailure(init.platform, init.status, code);
  }

  /** bestlab parity: ResponseError.status_code. */
  get statusCode(): number | undefined {
    return this.status;
  }

  private static compose(platform: Platform, status?: number, code?: number | string, msg?: string, hint?: string): string {
    const head = [PLATFORM_LABEL[platform], code ?? (status !== undefined ? `HTTP ${status}` : undefined), msg]
      .filter((p) => p !== undefined && p !== "")
      .join(" ");
    return hint ? `${head}: ${hint}` : head;
  }

  /** Plain, redacted details for msg.error-style properties and logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      platform: this.platform,
      status: this.status,
      code: this.code,
      serviceMessage: this.serviceMessage,
      requestId: this.requestId,
      retryable: this.retryable,
      hint: this.hint,
      method: this.method,
      path: this.path,
    };
  }
}

/** A stable id for an error's text and the values it names, so a user interface can show the text in its own language. */
export interface TextKey {
  key: string;
  params?: Record<string, string | number>;
}

/** Bad input from a flow or a caller, found before anything was sent. The message is English; `key` and `params` (when given) name the text for translation. */
export class InputError extends Error {
  readonly key?: string;
  readonly params?: Record<string, string | number>;

  constructor(message: string, text?: TextKey) {
    super(message);
    this.name = "InputError";
    if (text) {
      this.key = text.key;
      this.params = text.params;
    }
  }
}

/** The operation was cancelled (node closed, caller aborted). */
export class AbortError extends Error {
  constructor(message = "The request was cancelled") {
    super(message);
    this.name = "AbortError";
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof AbortError || (err instanceof Error && (err.name === "AbortError" || err.name === "CanceledError"));
}

/** Throws AbortError when the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

/**
 * A TypeError thrown by JSON.stringify on a caller's value (a circular object, a BigInt) as the
 * InputError it is: the input cannot be sent, and nothing was. Other errors are returned as they are.
 */
export function serialisationInputError(err: unknown): unknown {
  if (!(err instanceof TypeError) || !/circular|BigInt|serializ/i.test(err.message)) return err;
  return new InputError(
    `The input cannot be serialised to JSON (${err.message.split("\n")[0].slice(0, 120)}): pass plain data without circular references or BigInt values`,
  );
}

/**
 * A message reached a node whose config node is missing: none selected, or it is disabled or
 * deleted. Nothing was sent. `configType` names the config node to choose ("tuya-config").
 */
export class ConfigMissingError extends InputError {
  readonly configType: string;

  constructor(
    configType: string,
    message = `No ${configType} node is selected (or it is disabled): open this node and choose or create a ${configType}`,
    text?: TextKey,
  ) {
    super(message, text);
    this.name = "ConfigMissingError";
    this.configType = configType;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: "invalid", configType: this.configType };
  }
}
