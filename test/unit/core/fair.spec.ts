// Fair queueing per owner (issue 12 item 1) on fake clocks: the users of one client take turns in
// its rate limiter, so a node with 1,000 requests queued does not delay another node's single
// request by more than one turn; the owner tag follows the async context of asOwner.
import assert from "node:assert/strict";
import fc from "fast-check";
import sinon from "sinon";
import { asOwner, currentOwner, FairTurns } from "../../../src/core/fair";
import { RateLimiter } from "../../../src/core/rate-limit";

async function onFakeClock<T>(body: (clock: sinon.SinonFakeTimers) => Promise<T>): Promise<T> {
  const clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"], loopLimit: 100_000 });
  try {
    return await body(clock);
  } finally {
    clock.restore();
  }
}

/** Schedules a job for owner that notes its start in `log` and runs for ms of fake time. */
function job(limiter: RateLimiter, owner: string, log: string[], ms = 100, key = "/data"): Promise<void> {
  return asOwner(owner, () =>
    limiter.schedule(
      async () => {
        log.push(owner);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
      undefined,
      key,
    ),
  );
}

describe("core/fair", () => {
  it("tags calls with their owner across awaits and timers, and only inside asOwner", async () => {
    assert.equal(currentOwner(), "");
    const seen = await asOwner("node-a", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return Promise.all([currentOwner(), asOwner("node-b", async () => currentOwner())]);
    });
    assert.deepEqual(seen, ["node-a", "node-b"]);
    assert.equal(currentOwner(), "");
  });

  it("a node with 1,000 queued requests delays another node's single request by at most one turn", async () => {
    await onFakeClock(async (clock) => {
      // Paced like HOBOlink: a few per window, a few in flight.
      const limiter = new RateLimiter({ requestsPerWindow: 5, windowMs: 1000, maxConcurrent: 2 });
      const log: string[] = [];
      const backlog = Array.from({ length: 1000 }, () => job(limiter, "backfill", log));
      await clock.tickAsync(3500);
      const before = log.length;
      assert.ok(before > 0 && before < 1000, "the backfill is under way");
      let poll = false;
      const single = job(limiter, "poll", log).then(() => (poll = true));
      // The next job to start is the poll's: no backfill request goes before it.
      while (log.length === before) await clock.tickAsync(10);
      assert.equal(log[before], "poll");
      await clock.tickAsync(200);
      assert.equal(poll, true, "answered while the backfill still has work queued");
      assert.ok(log.length < 1000);
      await clock.runAllAsync();
      await Promise.all([...backlog, single]);
      assert.equal(log.filter((o) => o === "backfill").length, 1000);
    });
  });

  it("serves owners with work waiting round-robin, each in its own order (any queue lengths and pace)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        async (lengths, perWindow, concurrent) =>
          onFakeClock(async (clock) => {
            const limiter = new RateLimiter({ requestsPerWindow: perWindow, windowMs: 1000, maxConcurrent: concurrent || 1 });
            const log: string[] = [];
            const all = lengths.flatMap((n, i) => Array.from({ length: n }, () => job(limiter, `node-${i}`, log, 50)));
            await clock.runAllAsync();
            await Promise.all(all);
            // Expected: one of each owner that still has work, in turn, until every queue is empty.
            const left = [...lengths];
            const expected: string[] = [];
            while (left.some((n) => n > 0)) {
              left.forEach((n, i) => {
                if (n > 0) {
                  expected.push(`node-${i}`);
                  left[i] = n - 1;
                }
              });
            }
            assert.deepEqual(log, expected);
          }),
      ),
      { numRuns: 40 },
    );
  });

  it("keeps arrival order for one owner (a script without asOwner behaves as before)", async () => {
    await onFakeClock(async (clock) => {
      const limiter = new RateLimiter({ requestsPerWindow: 2, windowMs: 1000, maxConcurrent: 1 });
      const order: number[] = [];
      const all = [0, 1, 2, 3, 4].map((i) => limiter.schedule(async () => void order.push(i)));
      await clock.runAllAsync();
      await Promise.all(all);
      assert.deepEqual(order, [0, 1, 2, 3, 4]);
    });
  });

  it("turns: least recently served first, newcomers before everyone, ties by arrival; remembers a bounded number of owners", () => {
    const turns = new FairTurns();
    assert.equal(turns.before("a", 1, "b", 2), true);
    turns.served("a");
    assert.equal(turns.before("a", 1, "b", 2), false, "b was never served");
    turns.served("b");
    assert.equal(turns.before("a", 5, "b", 2), true, "a was served longer ago");
    for (let i = 0; i < 1001; i++) turns.served(`n${i}`);
    // "a" and "b" were dropped: they count as newcomers again.
    assert.equal(turns.before("a", 9, "n1000", 1), true);
  });
});
