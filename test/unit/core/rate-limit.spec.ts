// Rate limiter on fake timers: no sliding window ever holds more than N starts, no more than M jobs
// run at once, queued jobs are cancellable (and give their turn back), pause() holds the queue,
// stop() drops what waits.
import assert from "node:assert/strict";
import fc from "fast-check";
import sinon from "sinon";
import { AbortError } from "../../../src/core/errors";
import { RateLimiter } from "../../../src/core/rate-limit";

type Clock = sinon.SinonFakeTimers;

/** Runs body on a fake clock starting at 0, restoring real timers afterwards. */
async function onFakeClock<T>(body: (clock: Clock) => Promise<T>): Promise<T> {
  const clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  try {
    return await body(clock);
  } finally {
    clock.restore();
  }
}

/** A job that notes when it started, runs for `ms` of fake time, and tracks how many run at once. */
function probe() {
  const starts: number[] = [];
  let running = 0;
  let peak = 0;
  const job =
    (ms = 0) =>
    async () => {
      starts.push(Date.now());
      peak = Math.max(peak, ++running);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return starts.length;
    };
  return { starts, job, peak: () => peak };
}

/** Most starts inside any half-open window [t, t + windowMs). */
function busiestWindow(starts: number[], windowMs: number): number {
  let most = 0;
  for (const t of starts) most = Math.max(most, starts.filter((s) => s >= t && s < t + windowMs).length);
  return most;
}

describe("core/rate-limit", () => {
  it("never lets more than N requests start in any window, and runs them all", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 10, max: 5000 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 300 }),
        async (perWindow, windowMs, count, maxConcurrent, duration) =>
          onFakeClock(async (clock) => {
            const limiter = new RateLimiter({ requestsPerWindow: perWindow, windowMs, maxConcurrent });
            const p = probe();
            const all = Promise.all(Array.from({ length: count }, () => limiter.schedule(p.job(duration))));
            await clock.runAllAsync();
            assert.equal((await all).length, count);
            assert.equal(p.starts.length, count);
            assert.equal(p.starts[0], 0, "the first request is not held back");
            assert.ok(busiestWindow(p.starts, windowMs) <= perWindow, `starts ${p.starts.join(",")} break ${perWindow}/${windowMs} ms`);
            assert.ok(p.peak() <= maxConcurrent);
            assert.equal(limiter.pending(), 0);
          }),
      ),
      { numRuns: 30 },
    );
  });

  it("sends a burst of N at once, and the next one a window after the earliest answer (the service counted it by then)", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ requestsPerWindow: 30, windowMs: 60_000, maxConcurrent: 75 });
      const p = probe();
      const all = Promise.all(Array.from({ length: 65 }, () => limiter.schedule(p.job(1000))));
      await clock.runAllAsync();
      await all;
      assert.deepEqual(p.starts.slice(0, 30), Array(30).fill(0), "the first 30 went out together");
      assert.equal(p.starts[30], 61_000, "the 31st waited for a window after the first answers");
      assert.equal(p.starts[60], 122_000);
      assert.equal(busiestWindow(p.starts, 60_000), 30);
    });
  });

  it("keys are paced apart: one key's full window does not hold another's requests", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ requestsPerWindow: 2, windowMs: 1000, maxConcurrent: 10 });
      const a = probe();
      const b = probe();
      const all = Promise.all([...Array.from({ length: 4 }, () => limiter.schedule(a.job(), undefined, "a")), limiter.schedule(b.job(), undefined, "b")]);
      await clock.runAllAsync();
      await all;
      assert.deepEqual(a.starts, [0, 0, 1000, 1000]);
      assert.deepEqual(b.starts, [0]);
    });
  });

  it("runs up to maxConcurrent at once without a rate limit, and no more", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ maxConcurrent: 3 });
      const p = probe();
      const all = Promise.all(Array.from({ length: 7 }, () => limiter.schedule(p.job(100))));
      await clock.tickAsync(1);
      assert.equal(limiter.pending(), 7);
      await clock.runAllAsync();
      await all;
      assert.equal(p.peak(), 3);
      // Three at once; each later one only when an earlier one has run its 100 ms.
      assert.ok(p.starts[2] < 100, p.starts.join(","));
      for (let i = 3; i < 7; i++) assert.ok(p.starts[i] >= p.starts[i - 3] + 100, p.starts.join(","));
      assert.ok(p.starts[6] < 300, p.starts.join(","));
    });
  });

  it("runs one at a time when asked for none at once, and four when the number is not a number", async () => {
    await onFakeClock(async (clock) => {
      for (const [maxConcurrent, expected] of [
        [0, 1],
        [-3, 1],
        [NaN, 4],
      ]) {
        const limiter = new RateLimiter({ maxConcurrent });
        const p = probe();
        const all = Promise.all(Array.from({ length: 6 }, () => limiter.schedule(p.job(100))));
        await clock.runAllAsync();
        assert.equal((await all).length, 6, `maxConcurrent ${maxConcurrent}`);
        assert.equal(p.peak(), expected, `maxConcurrent ${maxConcurrent}`);
      }
    });
  });

  it("passes a job's result and error through to the caller", async () => {
    const limiter = new RateLimiter();
    assert.equal(await limiter.schedule(async () => 42), 42);
    await assert.rejects(
      limiter.schedule(async () => {
        throw new Error("from the job");
      }),
      /from the job/,
    );
  });

  it("cancels a queued job at once, without running it, and hands its turn to the next job", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ requestsPerWindow: 1, windowMs: 1000, maxConcurrent: 1 });
      const p = probe();
      const first = limiter.schedule(p.job());
      const controller = new AbortController();
      let cancelledRan = 0;
      const cancelled = Array.from({ length: 5 }, () =>
        limiter.schedule(async () => {
          cancelledRan++;
        }, controller.signal),
      );
      const outcomes = cancelled.map((c) =>
        c.then(
          () => "ran",
          (e: unknown) => e,
        ),
      );
      await clock.tickAsync(10);
      controller.abort();
      for (const o of outcomes) assert.ok((await o) instanceof AbortError);
      const next = limiter.schedule(p.job());
      await clock.runAllAsync();
      await Promise.all([first, next]);
      assert.equal(cancelledRan, 0);
      assert.equal(p.starts.length, 2);
      assert.ok(p.starts[1] <= 1001 + 1, `the next job waited for the cancelled ones (started at ${p.starts[1]} ms)`);
      assert.ok(p.starts[1] >= 1000, "but still kept the rate");
      assert.equal(limiter.pending(), 0);
    });
  });

  it("rejects at once for a signal that has already fired", async () => {
    const limiter = new RateLimiter();
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    await assert.rejects(
      limiter.schedule(async () => (ran = true), controller.signal),
      AbortError,
    );
    assert.equal(ran, false);
  });

  it("gives the caller its cancellation at once even while the job runs", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter();
      const controller = new AbortController();
      let finished = false;
      const run = limiter
        .schedule(async () => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          finished = true;
        }, controller.signal)
        .catch((e: unknown) => e);
      await clock.tickAsync(10);
      controller.abort();
      assert.ok((await run) instanceof AbortError);
      assert.equal(finished, false);
      await clock.runAllAsync();
    });
  });

  it("holds every job that has not started while paused", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ maxConcurrent: 2 });
      const p = probe();
      const first = limiter.schedule(p.job());
      await clock.runAllAsync();
      await first;
      const pausedAt = Date.now();
      limiter.pause(5000);
      limiter.pause(1000); // a shorter pause never shortens the longer one
      const later = Promise.all([limiter.schedule(p.job()), limiter.schedule(p.job()), limiter.schedule(p.job())]);
      await clock.runAllAsync();
      await later;
      assert.equal(p.starts.length, 4);
      for (const t of p.starts.slice(1)) assert.ok(t >= pausedAt + 5000 && t < pausedAt + 5100, `${t} after a pause at ${pausedAt}`);
    });
  });

  it("cancels a paused job when its signal fires", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter();
      limiter.pause(10_000);
      const controller = new AbortController();
      let ran = false;
      const run = limiter.schedule(async () => (ran = true), controller.signal).catch((e: unknown) => e);
      await clock.tickAsync(100);
      controller.abort();
      assert.ok((await run) instanceof AbortError);
      await clock.runAllAsync();
      assert.equal(ran, false);
    });
  });

  it("stop() drops waiting jobs as closed, lets the running one finish and refuses new ones", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ maxConcurrent: 1 });
      const p = probe();
      const running = limiter.schedule(p.job(500));
      const waiting = [limiter.schedule(p.job()), limiter.schedule(p.job())].map((w) => w.catch((e: unknown) => e));
      await clock.tickAsync(10);
      const stopped = limiter.stop();
      for (const w of waiting) {
        const err = await w;
        assert.ok(err instanceof AbortError);
        assert.equal(err.message, "The connection was closed");
      }
      await clock.runAllAsync();
      await stopped;
      assert.equal(await running, 1);
      assert.equal(p.starts.length, 1);
      await assert.rejects(limiter.schedule(p.job()), /The connection was closed/);
      await limiter.stop();
    });
  });
});
