/**
 * What a failed command's error proves about whether the command ran, and a text that claims no
 * more than that: Tuya's own JSON error answer (any HTTP status) means the gateway refused it; a
 * proxy's non-JSON answer or no answer at all leaves it open. Used by tuya-command and callers of
 * the library alike.
 */
import { ApiError, InputError } from "../core/errors";

export type CommandOutcome = "not executed" | "unknown";

/** Why the outcome is what it is: refused by Tuya, a proxy answered instead, or no answer came. */
export type CommandFailure = "refused" | "proxy" | "no-answer" | "not-sent";

export function commandFailure(err: unknown): CommandFailure {
  if (err instanceof InputError) return "not-sent";
  if (!(err instanceof ApiError)) return "no-answer";
  if (err.notExecuted) return "not-sent";
  // A numeric code is Tuya's own error body (success:false), whatever the HTTP status.
  if (typeof err.code === "number") return "refused";
  if (err.status !== undefined) return "proxy";
  return "no-answer";
}

export function commandOutcome(err: unknown): CommandOutcome {
  const failure = commandFailure(err);
  return failure === "refused" || failure === "not-sent" ? "not executed" : "unknown";
}

/** The sentence that says what happened, e.g. "Tuya answered 500 system error: the command was refused". */
export function commandFailureText(err: unknown): string {
  const e = err instanceof ApiError ? err : undefined;
  switch (commandFailure(err)) {
    case "refused":
      return `Tuya answered ${String(e?.code)}${e?.serviceMessage ? ` ${e.serviceMessage}` : ""}: the command was refused`;
    case "proxy":
      return `a proxy answered HTTP ${String(e?.status)} instead of Tuya: whether the command ran is unknown`;
    case "no-answer":
      return "no answer after sending: the command may have run";
    case "not-sent":
      return err instanceof Error ? err.message : String(err);
  }
}

/** The same error, its message saying what happened and claiming no more than is known (Tuya's hint kept for a refusal). */
export function withCommandOutcome(err: unknown): Error {
  if (!(err instanceof ApiError) || commandFailure(err) === "not-sent") return err instanceof Error ? err : new Error(String(err));
  const { platform, status, code, serviceMessage, requestId, method, path, hint } = err;
  const text = commandFailureText(err);
  return new ApiError({
    platform,
    status,
    code,
    serviceMessage,
    requestId,
    method,
    path,
    hint,
    message: commandFailure(err) === "refused" && hint ? `${text} (${hint})` : text,
  });
}
