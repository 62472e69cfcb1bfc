// Token cache on a controlled clock: one fetch shared by concurrent callers, refresh inside the
// margin (60 s by default), failures not cached, invalidate() beating a fetch already under way.
import assert from "node:assert/strict";
import fc from "fast-check";
import { TokenCache, type Token, type TokenFetcher } from "../../../src/core/token-cache";

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A cache whose fetcher waits for the test to settle each call, and records what it was given. */
function manualCache(now: () => number) {
  const calls: { current: Token<string> | undefined; result: Deferred<Token<string>> }[] = [];
  const fetcher: TokenFetcher<string> = (current) => {
    const result = deferred<Token<string>>();
    calls.push({ current, result });
    return result.promise;
  };
  const cache = new TokenCache(fetcher, { now });
  /** Calls get() n times and lets the fetches start. */
  const ask = async (n = 1) => {
    const gets = Array.from({ length: n }, () => cache.get());
    await settle();
    return gets;
  };
  return { calls, cache, ask };
}

describe("core/token-cache", () => {
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000_000;
  });

  it("fetches once and serves the cached token until the margin", async () => {
    let n = 0;
    const cache = new TokenCache<string>(async () => ({ value: `t${++n}`, expiresAt: clock + 7_200_000 }), { now });
    assert.equal(await cache.get(), "t1");
    clock += 7_200_000 - 60_001;
    assert.equal(await cache.get(), "t1");
    assert.equal(cache.needsRefresh(), false);
    clock += 1;
    assert.equal(cache.needsRefresh(), true);
    assert.equal(await cache.get(), "t2");
    assert.equal(n, 2);
  });

  it("refreshes exactly when the time reaches expiry minus the margin", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e7 }),
        fc.integer({ min: -1e7, max: 1e7 }),
        async (expiresAt, marginMs, delta) => {
          let t = 0;
          const cache = new TokenCache<string>(async () => ({ value: "x", expiresAt }), { marginMs, now: () => t });
          assert.equal(cache.needsRefresh(), true, "no token yet");
          await cache.refresh();
          t = expiresAt - marginMs + delta;
          assert.equal(cache.needsRefresh(), delta >= 0);
        },
      ),
    );
  });

  it("shares one fetch among concurrent callers", async () => {
    const { calls, cache, ask } = manualCache(now);
    const forced = cache.refresh();
    const waiting = await ask(10);
    assert.equal(calls.length, 1);
    calls[0].result.resolve({ value: "shared", expiresAt: clock + 3_600_000 });
    assert.deepEqual(await Promise.all(waiting), Array(10).fill("shared"));
    assert.equal((await forced).value, "shared");
    assert.equal(await cache.get(), "shared");
    assert.equal(calls.length, 1);
  });

  it("does not cache a failed fetch: every waiter sees the error, the next caller tries again", async () => {
    const { calls, cache, ask } = manualCache(now);
    const waiting = await ask(2);
    calls[0].result.reject(new Error("invalid_client"));
    for (const w of waiting) await assert.rejects(w, /invalid_client/);
    assert.equal(cache.peek(), undefined);
    const [again] = await ask();
    assert.equal(calls.length, 2);
    calls[1].result.resolve({ value: "ok", expiresAt: clock + 1_000_000 });
    assert.equal(await again, "ok");
  });

  it("turns a fetcher that throws instead of rejecting into a rejection, and tries again next time", async () => {
    let n = 0;
    const cache = new TokenCache<string>(
      (() => {
        if (++n === 1) throw new Error("thrown");
        return Promise.resolve({ value: "ok", expiresAt: clock + 1_000_000 });
      }) as TokenFetcher<string>,
      { now },
    );
    const first = cache.refresh();
    assert.ok(first instanceof Promise);
    await assert.rejects(first, /thrown/);
    assert.equal(await cache.get(), "ok");
  });

  it("keeps the stale token when a refresh fails, and hands it to the next fetch (for a refresh token)", async () => {
    const { calls, cache, ask } = manualCache(now);
    const [first] = await ask();
    assert.equal(calls[0].current, undefined);
    const old = { value: "old", expiresAt: clock + 100_000 };
    calls[0].result.resolve(old);
    await first;
    clock += 50_000;
    const [failing] = await ask();
    assert.equal(calls[1].current, old);
    calls[1].result.reject(new Error("network"));
    await assert.rejects(failing, /network/);
    assert.equal(cache.peek(), old);
    const [retry] = await ask();
    assert.equal(calls[2].current, old);
    calls[2].result.resolve({ value: "new", expiresAt: clock + 100_000 });
    assert.equal(await retry, "new");
  });

  it("forces a fetch on refresh() and on get() after invalidate()", async () => {
    let n = 0;
    const cache = new TokenCache<string>(async () => ({ value: `t${++n}`, expiresAt: clock + 7_200_000 }), { now });
    await cache.get();
    assert.equal((await cache.refresh()).value, "t2");
    assert.equal(await cache.get(), "t2");
    cache.invalidate();
    assert.equal(cache.peek(), undefined);
    assert.equal(cache.needsRefresh(), true);
    assert.equal(await cache.get(), "t3");
  });

  it("lets invalidate() beat a fetch under way: its token is not cached and later callers get a fresh one", async () => {
    const { calls, cache, ask } = manualCache(now);
    const [before] = await ask();
    cache.invalidate();
    const [after, alongside] = await ask(2);
    assert.equal(calls.length, 2, "a caller after invalidate() must not join the older fetch");
    calls[1].result.resolve({ value: "fresh", expiresAt: clock + 3_600_000 });
    assert.equal(await after, "fresh");
    assert.equal(await alongside, "fresh");
    calls[0].result.resolve({ value: "rejected", expiresAt: clock + 3_600_000 });
    assert.equal(await before, "rejected");
    assert.equal(cache.peek()?.value, "fresh");
    assert.equal(await cache.get(), "fresh");
    assert.equal(calls.length, 2);
  });

  it("does not let an older fetch that ends late clear a newer one in flight", async () => {
    const { calls, cache, ask } = manualCache(now);
    const [old] = await ask();
    cache.invalidate();
    const [newer] = await ask();
    calls[0].result.resolve({ value: "old", expiresAt: clock + 3_600_000 });
    await old;
    const [joining] = await ask();
    assert.equal(calls.length, 2, "the newer fetch is still the one in flight");
    calls[1].result.resolve({ value: "new", expiresAt: clock + 3_600_000 });
    assert.deepEqual(await Promise.all([newer, joining]), ["new", "new"]);
  });
});
