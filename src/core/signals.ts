/**
 * Cancellation plumbing: one signal that fires when any of several does (a caller's signal and
 * the client's close), with its listeners removed afterwards, and a race that lets a caller stop
 * waiting for a shared promise (a token fetch) without cancelling it for the others.
 */
import { setMaxListeners } from "node:events";
import { AbortError } from "./errors";

/** A signal many concurrent requests listen to (up to 75 at once) without Node's leak warning. */
export function sharedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

export interface LinkedSignal {
  signal: AbortSignal;
  /** Aborts the linked signal (e.g. a generator that was left early) and removes the listeners. */
  dispose(): void;
}

/**
 * The reason a disposed link aborts with: one shared value, because abort() without a reason
 * builds a DOMException with its stack trace, and every request disposes a link or two (a
 * tenth of a command flood's time went to that).
 */
const RELEASED = new AbortError("The operation is over");

export function linkSignals(...signals: (AbortSignal | undefined)[]): LinkedSignal {
  const controller = sharedController();
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  const onAbort = () => controller.abort();
  for (const s of sources) {
    if (s.aborted) controller.abort();
    else s.addEventListener("abort", onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of sources) s.removeEventListener("abort", onAbort);
      controller.abort(RELEASED);
    },
  };
}

/** Resolves like `promise`, or rejects with AbortError as soon as `signal` fires. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // The caller stops waiting; the promise may still reject later, and that must not go unhandled.
    promise.catch(() => undefined);
    return Promise.reject(new AbortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError());
    signal.addEventListener("abort", onAbort, { once: true });
    // The listener goes before the caller resumes: a caller that then releases the signal (every
    // request does) would otherwise build an AbortError, stack and all, for a promise long settled.
    const settle =
      <V>(fn: (v: V) => void) =>
      (v: V) => {
        signal.removeEventListener("abort", onAbort);
        fn(v);
      };
    promise.then(settle(resolve), settle(reject));
  });
}
