// HOBOlink emulator: rate limits, concurrency, injected faults, admin routes and stats.
import assert from "node:assert/strict";
import { HoboEmulator, type HoboEmulatorOptions } from "../../../src/emulator/hobo";

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const QUERY = "loggers=21309641&start_date_time=2025-06-15+10%3A00%3A00&end_date_time=2025-06-15+11%3A00%3A00";

async function startEmu(
  options: HoboEmulatorOptions = {},
): Promise<{ emu: HoboEmulator; url: string; token: string; data: (path?: string) => Promise<Response> }> {
  const emu = new HoboEmulator({ now: () => NOW, ...options });
  const url = await emu.start();
  const res = await fetch(`${url}/ws/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const data = (path = "/ws/data/file/JSON/user/26954"): Promise<Response> =>
    fetch(`${url}${path}?${QUERY}`, { headers: { Authorization: `Bearer ${token}` } });
  return { emu, url, token, data };
}

async function errorOf(res: Response): Promise<Record<string, string>> {
  return (await res.json()) as Record<string, string>;
}

describe("HOBOlink emulator: limits and faults", () => {
  describe("rate limits", () => {
    it("429 SYS-002 (with Retry-After when sendRetryAfter is set) once the legacy window is full, per (client, path)", async () => {
      const { emu, data } = await startEmu({ legacyRateLimit: { requests: 3, windowMs: 60000 }, sendRetryAfter: true });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await data()).status, 200);
        const res = await data();
        assert.equal(res.status, 429);
        assert.deepEqual(await errorOf(res), { error: "SYS-002", message: "Too many requests.", error_description: "Too many requests." });
        assert.match(res.headers.get("retry-after") ?? "", /^[1-9]\d*$/);
        // Another URL has its own window; the token endpoint is not limited.
        assert.equal((await data("/ws/data/file/JSON/user/26954/")).status, 200);
        assert.equal(emu.stats.byStatus["429"], 1);
      } finally {
        await emu.stop();
      }
    });

    it("frees the window as the (injected) rate clock moves on", async () => {
      let now = NOW;
      const emu = new HoboEmulator({ now: () => NOW, rateClock: () => now, legacyRateLimit: { requests: 2, windowMs: 10000 }, sendRetryAfter: true });
      const url = await emu.start();
      try {
        const tok = (
          (await (
            await fetch(`${url}/ws/auth/token`, {
              method: "POST",
              body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }),
            })
          ).json()) as { access_token: string }
        ).access_token;
        const data = (): Promise<Response> => fetch(`${url}/ws/data/file/JSON/user/26954?${QUERY}`, { headers: { Authorization: `Bearer ${tok}` } });
        assert.equal((await data()).status, 200);
        now += 4000;
        assert.equal((await data()).status, 200);
        const limited = await data();
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "6");
        now += 6000;
        assert.equal((await data()).status, 200);
      } finally {
        await emu.stop();
      }
    });

    it("429 on v1 with RateLimit-Remaining counting down to 0", async () => {
      const { emu, url } = await startEmu({ licorRateLimit: { requests: 2, windowMs: 60000 } });
      try {
        const v1 = (): Promise<Response> => fetch(`${url}/v1/data?${QUERY}`, { headers: { Authorization: `Bearer ${emu.licor.token}` } });
        const a = await v1();
        const b = await v1();
        const c = await v1();
        assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
        assert.deepEqual([a.headers.get("ratelimit-remaining"), b.headers.get("ratelimit-remaining"), c.headers.get("ratelimit-remaining")], ["1", "0", "0"]);
        assert.equal(c.headers.get("ratelimit-policy"), "2;w=60");
        assert.equal((await errorOf(c)).error, "SYS-002");
        assert.equal(c.headers.get("retry-after"), null, "no Retry-After unless asked for: the reference documents none");
      } finally {
        await emu.stop();
      }
    });
  });

  it("509 SYS-001 above maxConcurrent data requests", async () => {
    const { emu, data, url, token } = await startEmu({ maxConcurrent: 1 });
    try {
      // The first request hangs and holds the only slot; once it has arrived, the others are busy.
      emu.faults.failNext(1, { hang: true });
      const holder = new AbortController();
      const first = fetch(`${url}/ws/data/file/JSON/user/26954?${QUERY}`, { headers: { Authorization: `Bearer ${token}` }, signal: holder.signal }).catch(
        () => undefined,
      );
      while (emu.stats.dataRequests < 1) await new Promise((r) => setImmediate(r));
      const answers = await Promise.all([data(), data()]);
      assert.deepEqual(
        answers.map((r) => r.status),
        [509, 509],
      );
      assert.deepEqual(await errorOf(answers[0]), { error: "SYS-001", message: "System is busy.", error_description: "System is busy." });
      assert.ok(emu.stats.maxInFlight >= 2);
      holder.abort();
      await first;
      while ((await data()).status !== 200) await new Promise((r) => setImmediate(r));
    } finally {
      await emu.stop();
    }
  });

  describe("injected faults", () => {
    let ctx: Awaited<ReturnType<typeof startEmu>>;
    before(async () => {
      ctx = await startEmu({ legacyRateLimit: { requests: 1000, windowMs: 60000 } });
    });
    after(() => ctx.emu.stop());
    afterEach(() => ctx.emu.faults.clear());

    it("setUploadLag holds back the newest rows (a backlog not uploaded yet) until it is lifted; clear() lifts it", async () => {
      // QUERY asks 10:00 to 11:00 of the greenhouse logger (10-minute readings); the clock is 12:00.
      const rows = async () => ((await (await ctx.data()).json()) as { observation_list: unknown[] }).observation_list.length;
      const all = await rows();
      assert.ok(all > 0);
      ctx.emu.faults.setUploadLag(3 * 3600);
      assert.equal(await rows(), 0, "uploaded only up to 09:00");
      ctx.emu.faults.clear();
      assert.equal(await rows(), all);
      assert.throws(() => ctx.emu.faults.setUploadLag(-1), /non-negative/);
    });

    it("fails the next n requests with a JSON error, then recovers", async () => {
      ctx.emu.faults.failNext(2, { status: 500, error: "DBM-026", message: "Database error retrieving data." });
      for (let i = 0; i < 2; i++) {
        const res = await ctx.data();
        assert.equal(res.status, 500);
        assert.deepEqual(await errorOf(res), {
          error: "DBM-026",
          message: "Database error retrieving data.",
          error_description: "Database error retrieving data.",
        });
      }
      assert.equal((await ctx.data()).status, 200);
    });

    it("picks a code from the status when none is given", async () => {
      ctx.emu.faults.failNext(1, { status: 509 });
      const res = await ctx.data();
      assert.equal(res.status, 509);
      assert.equal((await errorOf(res)).error, "SYS-001");
      ctx.emu.faults.failNext(1, { status: 500, error: "WCE-001" });
      assert.deepEqual(await errorOf(await ctx.data()), {
        error: "WCE-001",
        message: "WebCache connection not available.",
        error_description: "WebCache connection not available.",
      });
    });

    it("answers a non-JSON 502 page like a proxy", async () => {
      ctx.emu.faults.failNext(1, { html: true });
      const res = await ctx.data();
      assert.equal(res.status, 502);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(await res.text(), /<html>/);
    });

    it("drops the connection", async () => {
      ctx.emu.faults.failNext(1, { drop: true });
      await assert.rejects(ctx.data());
      assert.equal((await ctx.data()).status, 200);
    });

    it("only fails requests whose path matches the filter", async () => {
      ctx.emu.faults.failNext(1, { status: 500, path: "/ws/auth/token" });
      assert.equal((await ctx.data()).status, 200);
      const res = await fetch(`${ctx.url}/ws/auth/token`, { method: "POST", body: "grant_type=client_credentials" });
      assert.equal(res.status, 500);
    });

    it("holds a hanging request until the client aborts", async () => {
      ctx.emu.faults.failNext(1, { hang: true });
      const ac = new AbortController();
      const pending = fetch(`${ctx.url}/ws/data/file/JSON/user/26954?${QUERY}`, { headers: { Authorization: `Bearer ${ctx.token}` }, signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(pending);
      assert.equal((await ctx.data()).status, 200);
    });

    it("expires and revokes legacy tokens", async () => {
      ctx.emu.faults.expireTokens();
      assert.equal((await ctx.data()).status, 401);
      const fresh = await startEmu();
      try {
        fresh.emu.faults.revokeTokens();
        const res = await fresh.data();
        assert.equal(res.status, 401);
        assert.equal((await errorOf(res)).error, "ATH-001");
      } finally {
        await fresh.emu.stop();
      }
    });
  });

  describe("admin routes and stats", () => {
    it("drives faults, latency and tokens over HTTP and reports stats", async () => {
      const { emu, url, data } = await startEmu();
      try {
        const admin = (path: string, body?: unknown): Promise<Response> =>
          fetch(`${url}/_emulator/${path}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        emu.stats.reset();
        assert.equal((await admin("faults", { count: 1, status: 500, error: "DBM-026" })).status, 200);
        assert.equal((await data()).status, 500);
        assert.equal((await data()).status, 200);
        assert.equal((await admin("latency", { ms: 1 })).status, 200);
        assert.equal((await admin("faults", { count: 3, status: 500 })).status, 200);
        assert.equal((await admin("clear")).status, 200);
        assert.equal((await data()).status, 200);
        assert.equal((await admin("tokens/expire")).status, 200);
        assert.equal((await data()).status, 401);
        assert.equal((await admin("tokens/revoke")).status, 200);
        assert.equal((await admin("faults", "not an object")).status, 400);

        const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as Record<string, unknown>;
        assert.equal(stats.requests, 4);
        assert.equal(stats.dataRequests, 4);
        assert.equal(stats.tokenRequests, 0);
        assert.deepEqual(stats.byStatus, { "200": 2, "401": 1, "500": 1 });
        assert.equal(emu.stats.requests, 4);
        emu.stats.reset();
        assert.equal(emu.stats.requests, 0);
        assert.deepEqual(emu.stats.byStatus, {});
      } finally {
        await emu.stop();
      }
    });

    it("describes itself for the CLI", async () => {
      const emu = new HoboEmulator({ extraStations: 7 });
      const url = await emu.start();
      try {
        const d = emu.describe();
        assert.equal(d.url, url);
        assert.deepEqual(d.legacy, emu.legacy);
        assert.deepEqual(d.licor, emu.licor);
        assert.equal(d.loggers.length, 10);
        assert.deepEqual(
          d.loggers.slice(0, 3).map((l) => l.kind),
          ["weather", "water-level", "mx-temp-rh"],
        );
        assert.ok(d.loggers.every((l) => /^2\d{7}$/.test(l.serial)));
        assert.equal(new Set(d.loggers.map((l) => l.serial)).size, 10);
        assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
      } finally {
        await emu.stop();
      }
      assert.equal(emu.url, "");
    });

    it("answers 404 for unknown paths", async () => {
      const { emu, url } = await startEmu();
      try {
        assert.equal((await fetch(`${url}/nothing`)).status, 404);
      } finally {
        await emu.stop();
      }
    });
  });
});
