// The total time bound of a call (issue 12 item 7), on fake clocks: whatever the per-request
// timeout, the attempts, the backoff and the bound, timeout x attempts never adds up to more than
// the bound; the attempt under way is cut there; the error says how many attempts in how long.
import assert from "node:assert/strict";
import fc from "fast-check";
import sinon from "sinon";
import { AbortError, ApiError } from "../../../src/core/errors";
import { RateLimiter } from "../../../src/core/rate-limit";
import { gaveUpText, withRetry } from "../../../src/core/retry";
import { clientOptions as tuyaOptions } from "../../../nodes/tuya-settings";
import { clientOptions as hoboOptions } from "../../../nodes/hobo-common";
import { clientOptions as egaugeOptions } from "../../../nodes/egauge-common";

const timedOut = () => new ApiError({ platform: "hobolink", code: "ECONNABORTED", serviceMessage: "the request timed out", retryable: true });

/** A request to a host that never answers: fails after timeoutMs, or with AbortError when the signal fires first. */
function unanswered(timeoutMs: number, signal: AbortSignal, spans: [number, number][]): Promise<never> {
  const start = Date.now();
  return new Promise((_resolve, reject) => {
    const end = (err: Error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      spans.push([start, Date.now()]);
      reject(err);
    };
    const onAbort = () => end(new AbortError());
    const timer = setTimeout(() => end(timedOut()), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

interface Case {
  timeoutMs: number;
  attempts: number;
  boundMs: number;
  baseDelayMs: number;
  r: number;
}

async function runCase(c: Case, ignoreSignal = false): Promise<{ error: unknown; spent: number; spans: [number, number][]; calls: number }> {
  const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const spans: [number, number][] = [];
    let calls = 0;
    const started = Date.now();
    const never = new AbortController().signal;
    let settledAt = NaN;
    const outcome = withRetry(
      (_attempt, signal) => {
        calls++;
        return unanswered(c.timeoutMs, ignoreSignal ? never : signal, spans);
      },
      {
        attempts: c.attempts,
        baseDelayMs: c.baseDelayMs,
        maxDelayMs: 15_000,
        maxTotalMs: c.boundMs,
        random: () => c.r,
        shouldRetry: () => true,
        platform: "hobolink",
      },
    ).then(
      () => assert.fail("resolved"),
      (e: unknown) => {
        settledAt = Date.now();
        return e;
      },
    );
    await clock.runAllAsync();
    const error = await outcome;
    return { error, spent: settledAt - started, spans, calls };
  } finally {
    clock.restore();
  }
}

const cases = fc.record({
  timeoutMs: fc.integer({ min: 1, max: 60_000 }),
  attempts: fc.integer({ min: 1, max: 10 }),
  boundMs: fc.integer({ min: 1, max: 120_000 }),
  baseDelayMs: fc.integer({ min: 0, max: 5000 }),
  r: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe("core/retry total time bound", () => {
  it("never lets timeout x attempts (and the pauses between them) pass the bound, for any timeout, attempts and bound", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { error, spent, spans, calls } = await runCase(c);
        assert.ok(spent <= c.boundMs, `gave up after ${spent} ms, bound ${c.boundMs} ms`);
        const busy = spans.reduce((n, [a, b]) => n + (b - a), 0);
        assert.ok(busy <= c.boundMs, `attempts took ${busy} ms together, bound ${c.boundMs} ms`);
        assert.ok(calls >= 1 && calls <= c.attempts, `${calls} attempts of ${c.attempts}`);
        // Every attempt but the last ran its full timeout; the last one at most that.
        for (const [a, b] of spans.slice(0, -1)) assert.equal(b - a, c.timeoutMs);
        assert.ok(error instanceof ApiError, String(error));
        // A call the bound ended says so; one that used up its attempts first keeps the bare error.
        const boundEnded = calls < c.attempts || spans[spans.length - 1][1] - spans[spans.length - 1][0] < c.timeoutMs;
        if (boundEnded) assert.match(error.message, new RegExp(`gave up after ${calls} attempts? in [0-9.]+ s \\(total time bound [0-9.]+ s\\)`));
      }),
      { numRuns: 200 },
    );
  });

  it("cuts the attempt under way at the bound, even one that ignores its signal, and says no answer came", async () => {
    const { error, spent, calls } = await runCase({ timeoutMs: 30_000, attempts: 4, boundMs: 10_000, baseDelayMs: 500, r: 0.5 }, true);
    assert.equal(spent, 10_000);
    assert.equal(calls, 1);
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, "ETIMEDOUT");
    assert.equal(error.notExecuted, false, "a request cut in flight may have run");
    assert.equal(error.message, "HOBOlink no answer within the total time bound: gave up after 1 attempt in 10 s (total time bound 10 s)");
  });

  it("turns the issue's case (2 s timeout, an unreachable host) into a failure at the bound, keeping the last error's code", async () => {
    const { error, spent, calls } = await runCase({ timeoutMs: 2000, attempts: 20, boundMs: 7000, baseDelayMs: 500, r: 0 });
    // 2 s + 2 s + 2 s, and the fourth attempt cut after 1 s.
    assert.equal(calls, 4);
    assert.equal(spent, 7000);
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, "ECONNABORTED");
    assert.equal(error.retryable, true);
    assert.match(error.message, /^HOBOlink ECONNABORTED the request timed out; gave up after 4 attempts in 7 s \(total time bound 7 s\)$/);
  });

  it("does not count the wait for a turn at the rate limit: the 31st window of a backfill at 30 a minute still goes out", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "Date"] });
    try {
      // HOBOlink's legacy pace: 30 requests a minute per URL; each request answers after 1 s.
      const limiter = new RateLimiter({ requestsPerWindow: 30, windowMs: 60_000, maxConcurrent: 75 });
      const sentAt: number[] = [];
      const call = () =>
        withRetry(
          (_attempt, signal) =>
            limiter.schedule(
              () => {
                sentAt.push(Date.now());
                return new Promise<string>((resolve) => setTimeout(() => resolve("rows"), 1000));
              },
              signal,
              "/data",
            ),
          {
            maxTotalMs: 10_000,
            shouldRetry: () => true,
          },
        );
      const started = Date.now();
      const results = Promise.allSettled(Array.from({ length: 45 }, call));
      await clock.runAllAsync();
      const outcomes = await results;
      assert.deepEqual(
        outcomes.filter((o) => o.status === "rejected"),
        [],
        "no call failed at the 10 s bound while it waited its turn",
      );
      assert.equal(sentAt.filter((t) => t - started < 60_000).length, 30, "the first 30 at once, the rest a minute later");
    } finally {
      clock.restore();
    }
  });

  it("still cuts a request that takes longer than the bound once it has its turn, and counts only that time", async () => {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "Date"] });
    try {
      const limiter = new RateLimiter({ requestsPerWindow: 1, windowMs: 60_000 });
      const hang = (signal: AbortSignal) => limiter.schedule(() => unanswered(120_000, signal, []), signal, "/data");
      const first = withRetry((_a, signal) => hang(signal), { maxTotalMs: 5000, attempts: 1, shouldRetry: () => false, platform: "hobolink" });
      const second = withRetry((_a, signal) => hang(signal), { maxTotalMs: 5000, attempts: 1, shouldRetry: () => false, platform: "hobolink" });
      const settled = Promise.allSettled([first, second]);
      await clock.runAllAsync();
      const [a, b] = await settled;
      for (const o of [a, b]) {
        assert.equal(o.status, "rejected");
        // The second waited a minute for its turn, then 5 s: its note counts the 5 s only.
        assert.match(
          String((o as PromiseRejectedResult).reason.message),
          /no answer within the total time bound: gave up after 1 attempt in 5 s \(total time bound 5 s\)/,
        );
      }
    } finally {
      clock.restore();
    }
  });

  it("leaves a caller's own cancellation an AbortError", async () => {
    const controller = new AbortController();
    const run = withRetry((_a, signal) => unanswered(60_000, signal, []), { signal: controller.signal, shouldRetry: () => true });
    controller.abort();
    await assert.rejects(run, AbortError);
  });

  it("words the note in whole and tenth seconds", () => {
    assert.equal(gaveUpText(3, 9_950, 60_000), "gave up after 3 attempts in 10 s (total time bound 60 s)");
    assert.equal(gaveUpText(1, 1_240, 2_500), "gave up after 1 attempt in 1.2 s (total time bound 2.5 s)");
  });

  it("takes the bound from each config's 'total time per call' setting (seconds, default 60)", () => {
    assert.equal(tuyaOptions({ totalTime: "15" } as never, { accessId: "id", accessSecret: "secret" }).retry?.maxTotalMs, 15_000);
    assert.equal(tuyaOptions({} as never, { accessId: "id", accessSecret: "secret" }).retry?.maxTotalMs, 60_000);
    assert.equal(hoboOptions({ flavour: "licor", totalTime: 5 }, { token: "t" }).retry?.maxTotalMs, 5000);
    assert.equal(hoboOptions({ flavour: "licor", totalTime: "abc" }, { token: "t" }).retry?.maxTotalMs, 60_000);
    assert.equal(egaugeOptions({ meter: "https://meter.example", totalTime: 20 }, { user: "u" }).maxTotalMs, 20_000);
  });
});
