// Long backfills against the emulator: a small row cap, a token that expires half-way, and many
// windows at once under the rate limit (window scaled down to 2 s so the test stays quick).
import assert from "node:assert/strict";
import type { HoboEmulator } from "../../../src/emulator/hobo";
import type { HoboRow, HoboWindow } from "../../../src/hobo";
import { rowKey } from "../../../src/hobo/dedupe";
import { clientFor, NOW, oneChannelStations, startEmulator, WEATHER } from "./emulator-helpers";

const START = "2025-03-01 00:00:00";
const END = "2025-05-30 00:00:00"; // 90 days
const STEP_MS = 300_000;

/** Every logger has one row per 5 minutes from start to end inclusive: no gap, no repeat. */
function assertComplete(rows: readonly HoboRow[], loggers: readonly string[], start: string, end: string): void {
  const from = Date.parse(`${start.replace(" ", "T")}Z`);
  const to = Date.parse(`${end.replace(" ", "T")}Z`);
  const perLogger = (to - from) / STEP_MS + 1;
  assert.equal(rows.length, loggers.length * perLogger);
  assert.equal(new Set(rows.map(rowKey)).size, rows.length, "a row came twice");
  for (const logger of loggers) {
    const times = rows.filter((r) => r.logger_sn === logger).map((r) => Date.parse(r.timestamp.replace(" ", "T")));
    assert.equal(times.length, perLogger, logger);
    times.forEach((t, i) => assert.equal(t, from + i * STEP_MS, `${logger} row ${i}`));
  }
}

describe("hobo long backfills (emulator)", function () {
  this.timeout(60_000);
  let emu: HoboEmulator;
  afterEach(() => emu.stop());

  for (const flavour of ["legacy", "licor"] as const) {
    it(`${flavour}: 10 loggers x 90 days at 5 min under a 5,000-row cap arrive exactly once, without gaps`, async () => {
      ({ emu } = await startEmulator({ stations: oneChannelStations(10, "2024-01-01 00:00:00"), maxResults: 5000 }));
      const loggers = emu.loggers.map((l) => l.serial);
      // A look-ahead of twelve answers of this cap: the first twelve windows go out before any
      // answer, sized for ten channels (one is the truth).
      const { client } = clientFor(emu, flavour, { rowCap: 5000, lookaheadRows: 12 * 5000 });
      const windows: HoboWindow[] = [];
      const rows: HoboRow[] = [];
      for await (const w of client.windows({ loggers, start: START, end: END, now: NOW })) {
        windows.push({ ...w, rows: [] });
        for (const r of w.rows) rows.push(r);
      }
      assertComplete(rows, loggers, START, END);
      windows.forEach((w, i) => i > 0 && assert.equal(w.start.getTime(), windows[i - 1].end.getTime() + 1000));
      const requests = windows.reduce((n, w) => n + w.requests, 0);
      // 259,210 rows at ≤ 5,000 per answer: at least 52 requests; sizing keeps the overhead small.
      assert.ok(requests >= 52 && requests <= 80, `${requests} requests`);
      assert.equal(emu.stats.dataRequests, requests);
      await client.close();
    });
  }

  it("a token that expires in the middle of a backfill is renewed without losing a window", async () => {
    ({ emu } = await startEmulator({ stations: oneChannelStations(10, "2024-01-01 00:00:00"), maxResults: 5000, revokeOnNewToken: true }));
    const loggers = emu.loggers.map((l) => l.serial);
    const { client, log } = clientFor(emu, "legacy", { rowCap: 5000, maxConcurrent: 4 });
    emu.faults.setLatency(10); // keep several windows in flight when the token dies
    const rows: HoboRow[] = [];
    let seen = 0;
    for await (const w of client.windows({ loggers, start: START, end: END, now: NOW })) {
      if (++seen === 10) emu.faults.expireTokens();
      for (const r of w.rows) rows.push(r);
    }
    assertComplete(rows, loggers, START, END);
    // Every request in flight got 401, but they shared a single renewal.
    assert.equal(emu.stats.tokenRequests, 2);
    assert.ok((emu.stats.byStatus["401"] ?? 0) >= 1);
    assert.equal(log.states.filter((s) => s.state === "token-refreshed").length, 1);
    await client.close();
  });

  it("legacy: 40 windows requested at once stay under 30 requests per window without a single 429", async () => {
    ({ emu } = await startEmulator({ legacyRateLimit: { requests: 30, windowMs: 2000 } }));
    const { client } = clientFor(emu, "legacy", { requestsPerMinute: 30, windowMs: 2000, maxConcurrent: 8 });
    const hours = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2025, 5, 1) + i * 3600_000));
    const results = await Promise.all(hours.map((h) => client.fetchAll({ loggers: WEATHER, start: h, end: new Date(h.getTime() + 3599_000), now: NOW })));
    assert.equal(emu.stats.dataRequests, 40);
    assert.equal(emu.stats.byStatus["429"], undefined);
    assert.ok(emu.stats.maxInFlight <= 8);
    assert.ok(results.every((r) => r.rows.length === 120));
    await client.close();
  });

  it("licor: one query of 40 windows stays under its rate limit without a single 429", async () => {
    ({ emu } = await startEmulator({ licorRateLimit: { requests: 30, windowMs: 2000 } }));
    const { client } = clientFor(emu, "licor", { requestsPerMinute: 30, windowMs: 2000, maxConcurrent: 8 });
    const { windows, requests } = await client.fetchAll({
      loggers: WEATHER,
      start: "2025-06-01 00:00:00",
      end: "2025-06-02 15:59:59",
      windowMs: 3600_000,
      now: NOW,
    });
    assert.equal(windows, 40);
    assert.equal(requests, 40);
    assert.equal(emu.stats.byStatus["429"], undefined);
    await client.close();
  });
});
