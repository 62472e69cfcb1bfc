/**
 * Retry with exponential backoff and full jitter, bounded in attempts and total time, honouring a
 * server's Retry-After and an AbortSignal. Written here rather than taken from a library because
 * the ones that fit CommonJS on Node 20 cannot cancel a wait or follow Retry-After.
 * Whether an error may be retried at all is the caller's policy (see retryPolicy below).
 *
 * The total time bound (maxTotalMs, a user's setting) covers the whole call: every attempt (its
 * token fetch, its request) and the pauses between them, but not the waits for its turn at the
 * client's rate limiter (bound-clock.ts says why). A pause that would pass it is not taken, and the
 * attempt under way when it passes is cut there (its signal fires and the call stops waiting), so
 * timeout x attempts never adds up to more than the bound.
 */
import { BoundClock, MAX_TIMER_MS } from "./bound-clock";
import { abortable, linkSignals } from "./signals";
import { AbortError, ApiError, throwIfAborted, type Platform } from "./errors";

export interface RetryOptions {
  /** Total tries including the first (default 4). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The total time bound of the call, attempts and pauses together (default 60 s). */
  maxTotalMs?: number;
  signal?: AbortSignal;
  /** Names the service in the error for an attempt the bound cut before any answer. */
  platform?: Platform;
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

/** Waits, rejecting with AbortError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Seconds for a message: "2", "2.5", "33". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** "gave up after 3 attempts in 10 s (total time bound 10 s)". */
export function gaveUpText(attempts: number, elapsedMs: number, boundMs: number): string {
  return `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${seconds(elapsedMs)} s (total time bound ${seconds(boundMs)} s)`;
}

/** The same error (class, code, status and retry safety kept) with a note appended to its message. */
function noted(err: unknown, note: string): unknown {
  if (!(err instanceof Error)) return err;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error, err);
  Object.defineProperty(copy, "message", { value: `${err.message}; ${note}`, writable: true, configurable: true });
  Object.defineProperty(copy, "stack", { value: err.stack, writable: true, configurable: true });
  return copy;
}

/**
 * Runs fn until it succeeds, the policy refuses another attempt, the attempts are used up or the
 * total time bound passes. fn gets the attempt number and a signal that fires at the bound (or
 * when options.signal does): pass it to everything the attempt waits for.
 */
export async function withRetry<T>(fn: (attempt: number, signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = finite(options.attempts, 4);
  const base = finite(options.baseDelayMs, 500);
  const max = finite(options.maxDelayMs, 15_000);
  const bound = Math.max(0, finite(options.maxTotalMs, 60_000));
  const deadline = new AbortController();
  const clock = new BoundClock(bound, () => deadline.abort(), options.now);
  const linked = linkSignals(options.signal, deadline.signal);
  let last: unknown;
  const gaveUp = (attempt: number) => gaveUpText(attempt, clock.elapsed(), bound);
  try {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(options.signal);
      let pause: number;
      try {
        // Raced against the bound as well, so a call that ignores its signal still ends there.
        return await abortable(
          clock.within(() => fn(attempt, linked.signal)),
          linked.signal,
        );
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (deadline.signal.aborted) throw boundPassed(last, gaveUp(attempt), options.platform);
        // Attempts used up or a refusal: the error as it is; only the bound adds its note.
        if (attempt >= attempts || !options.shouldRetry(err, attempt)) throw err;
        const advised = err instanceof ApiError ? err.retryAfterMs : undefined;
        const delay = Math.min(max, Math.max(advised ?? 0, backoffDelay(attempt, base, max, options.random)));
        if (clock.elapsed() + delay >= bound) throw noted(err, gaveUp(attempt));
        last = err;
        pause = delay;
        options.onRetry?.(err, attempt, delay);
      }
      try {
        await sleep(pause, linked.signal);
      } catch (err) {
        if (options.signal?.aborted || !deadline.signal.aborted) throw err;
        throw boundPassed(last, gaveUp(attempt), options.platform);
      }
    }
  } finally {
    clock.stop();
    linked.dispose();
  }
}

/** The error for an attempt the bound cut: the previous attempt's error with the note, or "no answer". */
function boundPassed(previous: unknown, note: string, platform: Platform | undefined): unknown {
  if (previous !== undefined) return noted(previous, note);
  const text = `no answer within the total time bound: ${note}`;
  if (!platform) return Object.assign(new Error(text), { name: "TimeBoundError" });
  // Whether a request that was cut went out is not known, so it is not called unsent.
  return new ApiError({ platform, code: "ETIMEDOUT", serviceMessage: text, retryable: true, message: `${PLATFORM_NAMES[platform]} ${text}` });
}

const PLATFORM_NAMES: Record<Platform, string> = { tuya: "Tuya", hobolink: "HOBOlink", egauge: "eGauge" };

/**
 * The safety rule: a read may be repeated on any retryable failure; a write (a Tuya command)
 * only when the server provably did not execute it, so a command is never sent twice by accident.
 */
export function retryPolicy(idempotent: boolean): (err: unknown) => boolean {
  return (err) => err instanceof ApiError && (idempotent ? err.retryable : err.notExecuted);
}
