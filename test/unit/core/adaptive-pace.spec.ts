// Per-key pacing on fake clocks: a throttle answer slows the endpoint it came from and not the
// others; bursts go out at once within N; no window ever holds more than the pace allows; the
// pace climbs while the service accepts, finds a hidden limit with few refused requests, and
// never passes a user's cap.
import assert from "node:assert/strict";
import sinon from "sinon";
import { AdaptivePace } from "../../../src/core/adaptive-pace";
import { RateLimiter } from "../../../src/core/rate-limit";

class Throttled extends Error {
  readonly status = 200;
}
const isThrottle = (e: unknown) => e instanceof Throttled;

/** A service that counts arrivals per key over a sliding window and refuses beyond its limit. */
function service(limits: Record<string, number>, windowMs = 1000, rttMs = 100) {
  const arrivals = new Map<string, number[]>();
  const log: { key: string; at: number; ok: boolean }[] = [];
  const call = (key: string) => async () => {
    const sentAt = Date.now();
    await new Promise((r) => setTimeout(r, rttMs / 2));
    const now = Date.now();
    const list = (arrivals.get(key) ?? []).filter((t) => now - t < windowMs);
    const ok = list.length < limits[key];
    if (ok) list.push(now);
    arrivals.set(key, list);
    log.push({ key, at: sentAt, ok });
    await new Promise((r) => setTimeout(r, rttMs / 2));
    if (!ok) throw new Throttled("too frequent");
    return key;
  };
  return { call, log };
}

/** Most entries inside any half-open window [t, t + windowMs). */
function busiest(times: number[], windowMs: number): number {
  let most = 0;
  for (const t of times) most = Math.max(most, times.filter((s) => s >= t && s < t + windowMs).length);
  return most;
}

async function onFakeClock<T>(body: (clock: sinon.SinonFakeTimers) => Promise<T>): Promise<T> {
  const clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"], loopLimit: 100_000 });
  try {
    return await body(clock);
  } finally {
    clock.restore();
  }
}

const paced = (limiter: RateLimiter, fn: () => Promise<string>, key: string) => limiter.schedule(fn, undefined, key).catch((e: unknown) => e);

describe("core/adaptive-pace", () => {
  it("sends a burst of up to N at once, and the window never holds more than N", async () => {
    await onFakeClock(async (clock) => {
      const pace = new AdaptivePace({ windowMs: 1100, initial: 10, max: 10, isThrottle });
      const limiter = new RateLimiter({ maxConcurrent: 50, gateFor: () => pace });
      const s = service({ a: 100 });
      const all = Promise.all(Array.from({ length: 35 }, () => paced(limiter, s.call("a"), "a")));
      await clock.runAllAsync();
      await all;
      const starts = s.log.map((e) => e.at);
      assert.equal(starts.filter((t) => t === 0).length, 10, "the first ten go out together");
      assert.equal(busiest(starts, 1100), 10, "never more than the cap in a window");
      assert.equal(s.log.length, 35);
    });
  });

  it("a throttle answer slows the endpoint it came from and not the others", async () => {
    await onFakeClock(async (clock) => {
      const paces = new Map<string, AdaptivePace>();
      const limiter = new RateLimiter({
        maxConcurrent: 100,
        gateFor: (key) => {
          const p = new AdaptivePace({ windowMs: 1100, initial: 10, isThrottle });
          paces.set(key, p);
          return p;
        },
      });
      // "slow" is limited to 5 a second, "fast" not at all: only "slow" is refused and slowed.
      const s = service({ slow: 5, fast: 10_000 });
      const jobs = [
        ...Array.from({ length: 60 }, () => paced(limiter, s.call("slow"), "slow")),
        ...Array.from({ length: 120 }, () => paced(limiter, s.call("fast"), "fast")),
      ];
      await clock.runAllAsync();
      await Promise.all(jobs);
      const slow = paces.get("slow")!;
      const fast = paces.get("fast")!;
      assert.ok(slow.throttled > 0, "the slow endpoint was refused at first");
      assert.ok(slow.safe <= 5, `slow settled at ${slow.safe}`);
      assert.equal(fast.throttled, 0, "the fast endpoint never paid for the slow one's refusals");
      assert.ok(fast.safe > 10, `fast climbed past its start (now ${fast.safe})`);
      const refused = s.log.filter((e) => !e.ok && e.key === "slow").length;
      assert.ok(refused <= 15, `${refused} refused on the slow endpoint`);
      // After the first refusals the slow endpoint keeps to its limit.
      const late = s.log.filter((e) => e.key === "slow" && e.at > 3000).map((e) => e.at);
      assert.ok(busiest(late, 1000) <= 6, `late slow starts ${late.join(",")}`);
    });
  });

  it("climbs to a hidden limit while accepted, with under 5 % refused, and holds there", async () => {
    for (const limit of [10, 40]) {
      await onFakeClock(async (clock) => {
        const pace = new AdaptivePace({ windowMs: 1100, initial: 10, isThrottle });
        const limiter = new RateLimiter({ maxConcurrent: 16, gateFor: () => pace });
        const s = service({ k: limit });
        const total = limit * 20;
        const all = Promise.all(Array.from({ length: total }, () => paced(limiter, s.call("k"), "k")));
        await clock.runAllAsync();
        await all;
        const refused = s.log.filter((e) => !e.ok).length;
        assert.ok(refused < total * 0.05, `limit ${limit}: ${refused} of ${total} refused`);
        // Per 1.1 s of the client's window: the service's 1 s limit and the 100 ms margin.
        assert.ok(pace.safe >= limit - 1 && pace.safe <= Math.ceil(limit * 1.1) + 1, `limit ${limit}: settled at ${pace.safe}`);
        // Holding there: the last ten seconds ran at the service's rate.
        const last = s.log.filter((e) => e.ok).map((e) => e.at);
        const span = last[last.length - 1] - last[last.length - limit * 10];
        assert.ok(span <= 10_000 * 1.15, `limit ${limit}: the last ${limit * 10} accepted took ${span} ms`);
      });
    }
  });

  it("cuts the pace at once when requests within it are refused, and not again for answers already under way", async () => {
    const pace = new AdaptivePace({ windowMs: 1000, initial: 20, isThrottle });
    const tickets = Array.from({ length: 20 }, () => pace.started(0));
    for (const t of tickets.slice(0, 3)) pace.settled(t, new Throttled("too frequent"), 100);
    assert.equal(pace.safe, 15, "one cut by a quarter, not three");
    pace.settled(pace.started(2000), new Throttled("too frequent"), 2100);
    assert.equal(pace.safe, 11);
  });

  it("never goes past the user's cap, however much is accepted", async () => {
    await onFakeClock(async (clock) => {
      const pace = new AdaptivePace({ windowMs: 1000, initial: 10, max: 12, isThrottle });
      const limiter = new RateLimiter({ maxConcurrent: 20, gateFor: () => pace });
      const s = service({ k: 1000 });
      const all = Promise.all(Array.from({ length: 120 }, () => paced(limiter, s.call("k"), "k")));
      await clock.runAllAsync();
      await all;
      assert.equal(pace.safe, 12);
      assert.equal(
        busiest(
          s.log.map((e) => e.at),
          1000,
        ),
        12,
      );
    });
  });

  it("a lost answer (no status) teaches nothing", () => {
    const pace = new AdaptivePace({ windowMs: 1000, initial: 1, isThrottle });
    pace.started(0);
    const probe = pace.started(0);
    pace.settled(probe, new Error("socket hang up"), 10);
    assert.equal(pace.safe, 1);
  });
});
