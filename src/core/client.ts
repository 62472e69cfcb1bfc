/**
 * Shapes both clients share: the connection states they emit (the config nodes turn them into a
 * status), the logger they write to, and the retry bounds a caller may set. One declaration here,
 * so the Tuya and HOBOlink clients cannot drift apart.
 */

/** Emitted as the "state" event by TuyaOpenApi and every HoboClient. */
export type ClientState =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "token-refreshed" }
  | { state: "error"; code?: number | string; message: string }
  | { state: "closed" };

/** Where a client writes what it does; never handed a secret. */
export interface ClientLogger {
  debug(msg: string): void;
  warn(msg: string): void;
}

/** Retry bounds a client user may set (the policy of what is retried stays the client's). */
export interface ClientRetryOptions {
  /** Total tries including the first (default 4). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxTotalMs?: number;
}
