/**
 * Retry with exponential backoff and full jitter, bounded in attempts and total time, honouring a
 * server's Retry-After and an AbortSignal. Written here rather than taken from a library because
 * the ones that fit CommonJS on Node 20 cannot cancel a wait or follow Retry-After.
 * Whether an error may be retried at all is the caller's policy (see retryPolicy below).
 */
import { AbortError, ApiError, throwIfAborted } from "./errors";

export interface RetryOptions {
  /** Total tries including the first (default 4). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up instead of waiting past this much total time (default 60 s). */
  maxTotalMs?: number;
  signal?: AbortSignal;
  /** Decides per error whether another attempt is allowed. */
  shouldRetry: (err: unknown, attempt: number) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
  now?: () => number;
}

/** Full-jitter exponential delay for the given retry number (1 = first retry). */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  // The exponent is bounded so a zero base never meets an infinite power (0 * Infinity is NaN).
  const ceiling = Math.max(0, Math.min(maxMs, baseMs * 2 ** Math.min(1000, Math.max(0, retry - 1))));
  return Math.round(random() * ceiling);
}

/** A usable number from options, else the default (NaN would disable every bound below). */
function finite(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The longest delay a timer takes; a longer one would fire after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/** Waits, rejecting with AbortError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = finite(options.attempts, 4);
  const base = finite(options.baseDelayMs, 500);
  const max = finite(options.maxDelayMs, 15_000);
  const maxTotal = finite(options.maxTotalMs, 60_000);
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !options.shouldRetry(err, attempt)) throw err;
      const advised = err instanceof ApiError ? err.retryAfterMs : undefined;
      const delay = Math.min(max, Math.max(advised ?? 0, backoffDelay(attempt, base, max, options.random)));
      if (now() - started + delay > maxTotal) throw err;
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/**
 * The safety rule: a read may be repeated on any retryable failure; a write (a Tuya command)
 * only when the server provably did not execute it, so a command is never sent twice by accident.
 */
export function retryPolicy(idempotent: boolean): (err: unknown) => boolean {
  return (err) => err instanceof ApiError && (idempotent ? err.retryable : err.notExecuted);
}
