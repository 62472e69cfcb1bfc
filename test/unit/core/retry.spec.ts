// Retry on fake timers: full-jitter backoff within [0, cap], bounded attempts and total time,
// Retry-After followed, cancellation at once, and the read/write safety rule.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import fc from "fast-check";
import sinon from "sinon";
import { AbortError, ApiError } from "../../../src/core/errors";
import { backoffDelay, parseRetryAfter, retryPolicy, sleep, withRetry, type RetryOptions } from "../../../src/core/retry";

const retryable = (extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) => new ApiError({ platform: "tuya", code: 500, retryable: true, ...extra });

/** Runs withRetry with an always-failing fn on a fake clock; reports calls, delays and fake time spent. */
async function runFailing(options: Omit<RetryOptions, "shouldRetry" | "onRetry">, err: unknown = retryable()) {
  const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const delays: number[] = [];
    let calls = 0;
    const started = Date.now();
    const run = withRetry(
      async () => {
        calls++;
        throw err;
      },
      { ...options, shouldRetry: () => true, onRetry: (_e, _a, d) => delays.push(d) },
    );
    const outcome = run.then(
      () => assert.fail("withRetry resolved"),
      (e: unknown) => e,
    );
    await clock.runAllAsync();
    return { error: await outcome, calls, delays, spent: Date.now() - started };
  } finally {
    clock.restore();
  }
}

describe("core/retry", () => {
  describe("backoffDelay", () => {
    it("stays within [0, min(cap, base·2^(retry-1))] as a whole number, for any inputs", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5000 }),
          fc.integer({ min: 0, max: 100_000 }),
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (retry, base, cap, r) => {
            const d = backoffDelay(retry, base, cap, () => r);
            assert.ok(Number.isInteger(d), `${d}`);
            const ceiling = Math.min(cap, base === 0 ? 0 : base * 2 ** (retry - 1));
            assert.ok(d >= 0 && d <= ceiling, `${d} > ${ceiling}`);
          },
        ),
      );
    });

    it("doubles the ceiling per retry up to the cap (full jitter spans all of it)", () => {
      assert.deepEqual(
        [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 10_000, () => 0.999999)),
        [500, 1000, 2000, 4000, 8000, 10_000],
      );
      assert.equal(
        backoffDelay(3, 500, 10_000, () => 0),
        0,
      );
    });

    it("treats negative base or cap as zero", () => {
      assert.equal(
        backoffDelay(2, -100, 1000, () => 0.5),
        0,
      );
      assert.equal(
        backoffDelay(2, 100, -1000, () => 0.5),
        0,
      );
    });
  });

  describe("parseRetryAfter", () => {
    it("reads seconds and HTTP dates as milliseconds from now, never negative", () => {
      const now = Date.parse("2025-06-10T06:30:00Z");
      assert.equal(parseRetryAfter("3", now), 3000);
      assert.equal(parseRetryAfter("0.5", now), 500);
      assert.equal(parseRetryAfter("-4", now), 0);
      assert.equal(parseRetryAfter("Tue, 10 Jun 2025 06:30:07 GMT", now), 7000);
      assert.equal(parseRetryAfter("Tue, 10 Jun 2025 06:29:00 GMT", now), 0);
      for (const v of [undefined, null, "", "  ", "soon", "Infinity"]) assert.equal(parseRetryAfter(v, now), undefined, String(v));
    });
  });

  describe("withRetry", () => {
    it("tries exactly `attempts` times with every delay within [0, cap] and the clock moved by their sum", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 0, max: 2000 }),
          fc.integer({ min: 0, max: 20_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          async (attempts, base, cap, r) => {
            const { calls, delays, spent, error } = await runFailing({ attempts, baseDelayMs: base, maxDelayMs: cap, maxTotalMs: 1e9, random: () => r });
            assert.ok(error instanceof ApiError);
            assert.equal(calls, attempts);
            assert.equal(delays.length, attempts - 1);
            for (const d of delays) assert.ok(d >= 0 && d <= cap, `${d}`);
            assert.equal(
              spent,
              delays.reduce((a, b) => a + b, 0),
            );
          },
        ),
        { numRuns: 40 },
      );
    });

    it("defaults to 4 attempts, also when the numbers given are not numbers", async () => {
      assert.equal((await runFailing({ baseDelayMs: 1 })).calls, 4);
      assert.equal((await runFailing({ attempts: NaN, baseDelayMs: 1, maxTotalMs: NaN })).calls, 4);
      assert.equal((await runFailing({ attempts: 0 })).calls, 1);
    });

    it("gives up rather than wait past the total time", async () => {
      const { calls, delays, spent } = await runFailing({ attempts: 10, baseDelayMs: 1000, maxDelayMs: 10_000, maxTotalMs: 5000, random: () => 0.999999 });
      assert.deepEqual(delays, [1000, 2000]);
      assert.equal(calls, 3);
      assert.equal(spent, 3000);
    });

    it("waits what Retry-After asks when that is longer than the backoff, up to the cap", async () => {
      const advised = await runFailing({ attempts: 2, baseDelayMs: 10, random: () => 0.5 }, retryable({ retryAfterMs: 3000 }));
      assert.deepEqual(advised.delays, [3000]);
      const capped = await runFailing({ attempts: 2, baseDelayMs: 10, maxDelayMs: 2000, random: () => 0.5 }, retryable({ retryAfterMs: 60_000 }));
      assert.deepEqual(capped.delays, [2000]);
    });

    it("returns the first success, passing the attempt number", async () => {
      const seen: number[] = [];
      const result = await withRetry(
        async (attempt) => {
          seen.push(attempt);
          if (attempt < 3) throw retryable();
          return "ok";
        },
        { baseDelayMs: 0, shouldRetry: () => true },
      );
      assert.equal(result, "ok");
      assert.deepEqual(seen, [1, 2, 3]);
    });

    it("throws at once when the policy refuses, telling it the attempt", async () => {
      const asked: number[] = [];
      let calls = 0;
      const err = retryable();
      await assert.rejects(
        withRetry(
          async () => {
            calls++;
            throw err;
          },
          { baseDelayMs: 0, shouldRetry: (_e, attempt) => (asked.push(attempt), attempt < 2) },
        ),
        (e: unknown) => e === err,
      );
      assert.equal(calls, 2);
      assert.deepEqual(asked, [1, 2]);
    });

    it("stops waiting as soon as the signal fires, and never starts on a fired signal", async () => {
      const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      try {
        const controller = new AbortController();
        let calls = 0;
        const run = withRetry(
          async () => {
            calls++;
            throw retryable();
          },
          { baseDelayMs: 10_000, random: () => 0.999999, signal: controller.signal, shouldRetry: () => true },
        ).catch((e: unknown) => e);
        await clock.tickAsync(5000);
        controller.abort();
        assert.ok((await run) instanceof AbortError);
        assert.equal(calls, 1);
        assert.equal(clock.countTimers(), 0, "the backoff timer was cleared");
        let started = false;
        await assert.rejects(
          withRetry(async () => (started = true), { signal: controller.signal, shouldRetry: () => true }),
          AbortError,
        );
        assert.equal(started, false);
      } finally {
        clock.restore();
      }
    });
  });

  describe("sleep", () => {
    it("resolves after the time and removes its abort listener", async () => {
      const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        const controller = new AbortController();
        let done = false;
        const p = sleep(100, controller.signal).then(() => (done = true));
        await clock.tickAsync(99);
        assert.equal(done, false);
        assert.equal(getEventListeners(controller.signal, "abort").length, 1);
        await clock.tickAsync(1);
        await p;
        assert.equal(done, true);
        assert.equal(getEventListeners(controller.signal, "abort").length, 0);
        controller.abort();
        await assert.rejects(sleep(1, controller.signal), AbortError);
      } finally {
        clock.restore();
      }
    });

    it("waits a delay longer than a timer can hold instead of firing at once", async () => {
      const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        let done = false;
        void sleep(3_000_000_000).then(() => (done = true));
        await clock.tickAsync(60_000);
        assert.equal(done, false);
        await clock.tickAsync(2_147_483_647);
        assert.equal(done, true);
      } finally {
        clock.restore();
      }
    });
  });

  describe("retryPolicy", () => {
    it("repeats reads on any retryable ApiError, writes only when the server provably did not run them", () => {
      const read = retryPolicy(true);
      const write = retryPolicy(false);
      const cases: [unknown, boolean, boolean][] = [
        [retryable(), true, false],
        [retryable({ notExecuted: true }), true, true],
        [new ApiError({ platform: "tuya", code: 1106 }), false, false],
        [new ApiError({ platform: "tuya", code: 1010, notExecuted: true }), false, true],
        [new Error("plain"), false, false],
        [new AbortError(), false, false],
      ];
      for (const [err, forRead, forWrite] of cases) {
        assert.equal(read(err), forRead, String(err));
        assert.equal(write(err), forWrite, String(err));
      }
    });
  });
});
