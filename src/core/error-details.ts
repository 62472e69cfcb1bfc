/**
 * What a flow's Catch node sees of an error: errorKind() puts every error in one of the seven
 * kinds (error-kind.ts), errorDetails() gives its plain, redacted fields for msg.errorDetails.
 * Also the error of a command sent to several devices that failed on some of them.
 */
import { isErrorKind, type ErrorKind } from "./error-kind";
import { ApiError, ConfigMissingError, InputError, isAbortError } from "./errors";

/** One target's part of a command sent to several: whether it was accepted, and why not. */
export interface CommandResult {
  deviceId: string;
  name?: string;
  ok: boolean;
  /** The service's code (or the failure's name) when it failed. */
  code?: number | string;
  message?: string;
  kind?: ErrorKind;
  /** Whether a failed command ran: "not executed" or "unknown". */
  outcome?: string;
}

/** The payload entry a command node builds per device ({id, name, success, error}). */
export interface CommandPayloadEntry {
  id: string;
  name?: string;
  success: boolean;
  error?: { code?: unknown; name?: unknown; message?: string; kind?: unknown; outcome?: string };
}

/**
 * A command for several devices failed on some of them (or all): `results` holds each device's
 * outcome, successes included, so a flow can retry only the failed ones. Its kind is the first
 * failure's.
 */
export class CommandPartlyFailedError extends Error {
  readonly results: CommandResult[];
  readonly kind: ErrorKind;

  constructor(message: string, results: CommandResult[]) {
    super(message);
    this.name = "CommandPartlyFailedError";
    this.results = results;
    this.kind = results.find((r) => !r.ok)?.kind ?? "server";
  }

  /** From a command node's msg.payload entries. */
  static fromPayload(message: string, entries: readonly CommandPayloadEntry[]): CommandPartlyFailedError {
    return new CommandPartlyFailedError(
      message,
      entries.map(({ id, name, success, error: e }) => {
        if (success || !e) return { deviceId: id, ...(name ? { name } : {}), ok: success };
        const code = typeof e.code === "number" || typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : undefined;
        const kind = isErrorKind(e.kind) ? e.kind : undefined;
        return { deviceId: id, ...(name ? { name } : {}), ok: false, code, message: e.message, kind, outcome: e.outcome };
      }),
    );
  }

  get failed(): CommandResult[] {
    return this.results.filter((r) => !r.ok);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: this.kind, results: this.results.map((r) => ({ ...r })) };
  }
}

/** AbortSignal.timeout()'s error, and retry.ts's total time bound without a platform. */
const TIMEOUT_NAMES = new Set(["TimeoutError", "TimeBoundError"]);

/** Node's system errors without an answer (ECONNRESET, ETIMEDOUT, ...), e.g. from a socket. */
function systemCode(err: Error): string | undefined {
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === "string" && /^E[A-Z_]+$/.test(code) ? code : undefined;
}

/**
 * The one kind of any error: what a typed error carries (ApiError, CommandPartlyFailedError), invalid
 * for bad input (InputError, ConfigMissingError), network for a cancelled or timed-out call and a
 * socket error, server for anything else.
 */
export function errorKind(err: unknown): ErrorKind {
  if (err instanceof ApiError || err instanceof CommandPartlyFailedError) return err.kind;
  if (err instanceof InputError) return "invalid";
  if (!(err instanceof Error)) return "server";
  if (isAbortError(err) || TIMEOUT_NAMES.has(err.name) || systemCode(err) !== undefined) return "network";
  return "server";
}

/**
 * The plain, redacted details a flow's Catch node finds in msg.errorDetails: always name, message
 * and kind; the typed errors add their fields (code, status, hint, requestId, results, ...).
 */
export function errorDetails(err: unknown): Record<string, unknown> {
  if (err instanceof ApiError || err instanceof CommandPartlyFailedError || err instanceof ConfigMissingError) return err.toJSON();
  if (err instanceof Error) return { name: err.name, message: err.message, kind: errorKind(err) };
  return { name: "Error", message: text(err), kind: errorKind(err) };
}

/** A thrown non-Error as text (String() throws for an object without a prototype). */
function text(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
