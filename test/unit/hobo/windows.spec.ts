// The window iterator against an in-memory model of a capped server: every row exactly once, in
// time order, with resumption on max_results and groups of at most ten loggers.
import assert from "node:assert/strict";
import fc from "fast-check";
import { toHoboUtc } from "../../../src/core/time";
import type { HoboDataAnswer, HoboRow } from "../../../src/hobo";
import { rowKey } from "../../../src/hobo/dedupe";
import { RowBlock } from "../../../src/hobo/row-block";
import { WindowSizer } from "../../../src/hobo/window-sizer";
import { iterateWindows, type DataFetcher } from "../../../src/hobo/windows";

const quiet = { debug: () => undefined, warn: () => undefined };

interface Model {
  intervalSec: number;
  channels: number;
  cap: number;
  /** Send each row twice, as the V2 guide warns the service may. */
  duplicates?: boolean;
}

/** Rows of [start, end] inclusive, sorted by timestamp then sensor_sn, cut at the cap. */
function fakeServer(m: Model, calls: { loggers: string[]; start: Date; end: Date }[]): DataFetcher {
  return async (loggers, start, end) => {
    assert.ok(loggers.length <= 10, "at most 10 loggers per request");
    assert.ok(end.getTime() > start.getTime(), "end after start (the service refuses end == start)");
    calls.push({ loggers, start, end });
    const rows: HoboRow[] = [];
    const first = Math.ceil(start.getTime() / 1000 / m.intervalSec) * m.intervalSec;
    for (let t = first; t <= end.getTime() / 1000; t += m.intervalSec) {
      const group: HoboRow[] = [];
      for (const l of loggers) {
        for (let c = 0; c < m.channels; c++) {
          const r: HoboRow = {
            logger_sn: l,
            sensor_sn: `${l}-${c}`,
            timestamp: `${toHoboUtc(new Date(t * 1000))}Z`,
            data_type_id: "1",
            value: t,
            sensor_measurement_type: "X",
          };
          group.push(r);
          if (m.duplicates) group.push({ ...r });
        }
      }
      group.sort((a, b) => (a.sensor_sn < b.sensor_sn ? -1 : 1));
      for (const r of group) {
        if (rows.length === m.cap) return { rows: RowBlock.of(rows), maxResults: true, message: "" } satisfies HoboDataAnswer;
        rows.push(r);
      }
    }
    return { rows: RowBlock.of(rows), maxResults: false, message: "" };
  };
}

function expectedKeys(loggers: string[], m: Model, startSec: number, endSec: number): Set<string> {
  const keys = new Set<string>();
  for (let t = Math.ceil(startSec / m.intervalSec) * m.intervalSec; t <= endSec; t += m.intervalSec) {
    for (const l of loggers)
      for (let c = 0; c < m.channels; c++)
        keys.add(
          rowKey({ logger_sn: l, sensor_sn: `${l}-${c}`, timestamp: `${toHoboUtc(new Date(t * 1000))}Z`, data_type_id: "1", sensor_measurement_type: "X" }),
        );
  }
  return keys;
}

async function run(
  loggers: string[],
  m: Model,
  startSec: number,
  endSec: number,
  opts: { fixedMs?: number; lookahead?: number; fill?: number; windowRows?: number } = {},
) {
  const calls: { loggers: string[]; start: Date; end: Date }[] = [];
  const groups: string[][] = [];
  for (let i = 0; i < loggers.length; i += 10) groups.push(loggers.slice(i, i + 10));
  const sizer = new WindowSizer({ rowCap: m.cap, targetFill: opts.fill ?? 0.8, channels: 10, intervalSec: 300, fixedMs: opts.fixedMs });
  const windows = [];
  for await (const w of iterateWindows(
    { groups, startSec, endSec },
    { fetch: fakeServer(m, calls), sizer, lookaheadRows: (opts.lookahead ?? 4) * m.cap, rowCap: m.cap, windowRows: opts.windowRows ?? 10_000, logger: quiet },
  ))
    windows.push(w);
  return { windows, calls };
}

function assertExactlyOnce(windows: { rows: HoboRow[] }[], expected: Set<string>): void {
  const seen = new Set<string>();
  for (const w of windows)
    for (const r of w.rows) {
      const k = rowKey(r);
      assert.ok(!seen.has(k), `duplicate ${k}`);
      seen.add(k);
    }
  assert.equal(seen.size, expected.size);
  for (const k of expected) assert.ok(seen.has(k), `missing ${k}`);
}

/** Windows of one group cover [start, end] exactly: each begins one second after the previous end. */
function assertTouching(windows: { start: Date; end: Date }[], startSec: number, endSec: number): void {
  assert.equal(windows[0].start.getTime(), startSec * 1000);
  windows.forEach((w, i) => {
    assert.ok(w.end.getTime() >= w.start.getTime());
    if (i > 0) assert.equal(w.start.getTime(), windows[i - 1].end.getTime() + 1000);
  });
  assert.equal(windows.at(-1)!.end.getTime(), endSec * 1000);
}

describe("hobo window iterator", () => {
  const T0 = Date.UTC(2024, 0, 1) / 1000;

  it("yields touching, non-overlapping windows in time order with every row once", async () => {
    const m = { intervalSec: 300, channels: 3, cap: 200 };
    const { windows, calls } = await run(["A", "B"], m, T0, T0 + 2 * 86400);
    assert.ok(windows.length > 3);
    windows.forEach((w, i) => assert.equal(w.index, i));
    assertTouching(windows, T0, T0 + 2 * 86400);
    assertExactlyOnce(windows, expectedKeys(["A", "B"], m, T0, T0 + 2 * 86400));
    assert.equal(
      calls.length,
      windows.reduce((n, w) => n + w.requests, 0),
    );
  });

  it("resumes a cut answer at its last timestamp when the window is forced too large", async () => {
    const m = { intervalSec: 60, channels: 7, cap: 50 };
    const { windows, calls } = await run(["A"], m, T0, T0 + 3600, { fixedMs: 3600_000 });
    // Each cut answer is a window of its own, ending the second before its (possibly partial) last timestamp.
    assert.ok(windows.length > 2);
    assert.equal(calls.length, windows.length);
    assert.equal(windows[0].end.getTime(), (T0 + 419) * 1000); // 50 rows = minutes 0-6 whole + 1 row of minute 7
    assertTouching(windows, T0, T0 + 3600);
    assertExactlyOnce(windows, expectedKeys(["A"], m, T0, T0 + 3600));
  });

  it("never sends end == start: a single-second remainder is asked as two seconds and trimmed", async () => {
    const m = { intervalSec: 60, channels: 2, cap: 1000 };
    const { windows, calls } = await run(["A"], m, T0, T0 + 3600, { fixedMs: 1800_000 });
    assert.equal(windows.length, 3);
    assert.deepEqual([windows[2].start.getTime(), windows[2].end.getTime()], [(T0 + 3600) * 1000, (T0 + 3600) * 1000]);
    assert.equal(calls[2].end.getTime(), (T0 + 3601) * 1000);
    assert.equal(windows[2].rows.length, 2);
    assertExactlyOnce(windows, expectedKeys(["A"], m, T0, T0 + 3600));
  });

  it("stops at the window's end when only the extra second was cut", async () => {
    const m = { intervalSec: 1, channels: 3, cap: 8 };
    const { windows, calls } = await run(["A", "B"], m, T0, T0 + 2, { fixedMs: 2000 });
    assert.equal(windows.length, 3);
    assert.equal(calls.length, 3);
    assertTouching(windows, T0, T0 + 2);
    assertExactlyOnce(windows, expectedKeys(["A", "B"], m, T0, T0 + 2));
  });

  it("drops the service's duplicate rows", async () => {
    const m = { intervalSec: 600, channels: 2, cap: 1000, duplicates: true };
    const { windows } = await run(["A", "B"], m, T0, T0 + 86400);
    assertExactlyOnce(windows, expectedKeys(["A", "B"], m, T0, T0 + 86400));
  });

  it("learns the service's cap from a cut answer and sizes later windows under it", async () => {
    const m = { intervalSec: 60, channels: 10, cap: 500 };
    // The client believes the cap is 100,000; the service cuts at 500.
    const calls: { loggers: string[]; start: Date; end: Date }[] = [];
    const sizer = new WindowSizer({ rowCap: 100_000, targetFill: 0.8, channels: 10, intervalSec: 60 });
    const server = fakeServer(m, calls);
    let cut = 0;
    const fetch: DataFetcher = async (l, s, e, signal) => {
      const answer = await server(l, s, e, signal);
      if (answer.maxResults) cut += 1;
      return answer;
    };
    const windows = [];
    for await (const w of iterateWindows(
      { groups: [["A"]], startSec: T0, endSec: T0 + 7 * 86400 },
      { fetch, sizer, lookaheadRows: 400_000, rowCap: 100_000, windowRows: 100_000, logger: quiet },
    ))
      windows.push(w);
    assertExactlyOnce(windows, expectedKeys(["A"], m, T0, T0 + 7 * 86400));
    assertTouching(windows, T0, T0 + 7 * 86400);
    // The first windows go out together, sized by the hints; each may be cut once, none after that.
    assert.ok(cut >= 1 && cut <= 2, `${cut} cut answers`);
    assert.ok(calls.length <= Math.ceil((7 * 1440 * 10) / 400) + 3, `${calls.length} requests`);
  });

  it("splits the logger group when one timestamp alone fills the cap", async () => {
    const m = { intervalSec: 300, channels: 4, cap: 10 };
    const loggers = ["A", "B", "C", "D", "E", "F"];
    const { windows, calls } = await run(loggers, m, T0, T0 + 1800);
    assert.ok(calls.some((c) => c.loggers.length < loggers.length));
    assertExactlyOnce(windows, expectedKeys(loggers, m, T0, T0 + 1800));
  });

  it("fails loudly instead of truncating when one logger's timestamp exceeds the cap", async () => {
    const m = { intervalSec: 300, channels: 12, cap: 10 };
    await assert.rejects(run(["A"], m, T0, T0 + 1800), /TRUNCATED/);
  });

  it("grows the window over a stretch without data and learns the real rate", async () => {
    const m = { intervalSec: 3600, channels: 1, cap: 1000 };
    const { windows } = await run(["A"], m, T0, T0 + 365 * 86400);
    // Hints say 10 channels at 5 min (≈ 800 rows in 6.7 h); the data has 24 rows a day.
    assert.ok(windows.length < 20, `${windows.length} windows`);
    assertExactlyOnce(windows, expectedKeys(["A"], m, T0, T0 + 365 * 86400));
  });

  it("returns every row exactly once for any cap, range, group count and lookahead (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          loggers: fc.integer({ min: 1, max: 23 }),
          channels: fc.integer({ min: 1, max: 5 }),
          intervalSec: fc.constantFrom(60, 300, 900),
          cap: fc.integer({ min: 120, max: 3000 }),
          hours: fc.integer({ min: 1, max: 30 }),
          offset: fc.integer({ min: 0, max: 899 }),
          lookahead: fc.integer({ min: 1, max: 6 }),
          fill: fc.double({ min: 0.1, max: 1, noNaN: true }),
          windowRows: fc.integer({ min: 1, max: 400 }),
        }),
        async (p) => {
          const loggers = Array.from({ length: p.loggers }, (_, i) => `L${String(i).padStart(2, "0")}`);
          const m = { intervalSec: p.intervalSec, channels: p.channels, cap: p.cap };
          const start = T0 + p.offset;
          const end = start + p.hours * 3600;
          const { windows, calls } = await run(loggers, m, start, end, { lookahead: p.lookahead, fill: p.fill, windowRows: p.windowRows });
          assertExactlyOnce(windows, expectedKeys(loggers, m, start, end));
          if (p.loggers <= 10) assertTouching(windows, start, end);
          assert.equal(
            windows.reduce((n, w) => n + w.requests, 0),
            calls.length,
          );
          for (const w of windows) {
            assert.ok(w.loggers.length <= 10);
            // At most windowRows, unless one timestamp alone has more (a group's rows of one instant).
            assert.ok(w.rows.length <= Math.max(p.windowRows, Math.min(p.loggers, 10) * p.channels), `${w.rows.length} rows in a window`);
            for (const r of w.rows) assert.ok(r.value! >= w.start.getTime() / 1000 && r.value! <= w.end.getTime() / 1000);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("stops fetching ahead when the consumer leaves early", async () => {
    const calls: { loggers: string[]; start: Date; end: Date }[] = [];
    const sizer = new WindowSizer({ rowCap: 100, targetFill: 0.8, fixedMs: 3600_000 });
    let aborted = 0;
    const base = fakeServer({ intervalSec: 300, channels: 1, cap: 100 }, calls);
    const fetch: DataFetcher = (l, s, e, signal) => {
      signal.addEventListener("abort", () => aborted++);
      return base(l, s, e, signal);
    };
    for await (const w of iterateWindows(
      { groups: [["A"]], startSec: T0, endSec: T0 + 100 * 3600 },
      { fetch, sizer, lookaheadRows: 300, rowCap: 100, windowRows: 10_000, logger: quiet },
    )) {
      assert.equal(w.index, 0);
      break;
    }
    assert.ok(calls.length <= 4);
    assert.ok(aborted > 0);
  });

  for (const answers of [1, 2, 5]) {
    it(`never holds more than its look-ahead in rows (${answers} answers' worth), counting a full answer per request in flight`, async () => {
      const cap = 600;
      const limit = answers * cap;
      const calls: { loggers: string[]; start: Date; end: Date }[] = [];
      const server = fakeServer({ intervalSec: 300, channels: 2, cap }, calls);
      let inFlight = 0;
      let mostInFlight = 0;
      let received = 0;
      let consumed = 0;
      let worst = 0;
      const held = () => received - consumed + inFlight * cap;
      const fetch: DataFetcher = async (l, st, e, signal) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        worst = Math.max(worst, held());
        await new Promise((r) => setImmediate(r));
        const answer = await server(l, st, e, signal);
        inFlight--;
        received += answer.rows.length;
        worst = Math.max(worst, held());
        return answer;
      };
      // 400 rows a window (2 loggers x 2 channels x 100 timestamps), 30 windows, a slow reader.
      const sizer = new WindowSizer({ rowCap: cap, targetFill: 0.8, fixedMs: 100 * 300_000 });
      let rows = 0;
      for await (const w of iterateWindows(
        { groups: [["A", "B"]], startSec: T0, endSec: T0 + 30 * 100 * 300 - 1 },
        { fetch, sizer, lookaheadRows: limit, rowCap: cap, windowRows: 10_000, logger: quiet },
      )) {
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        consumed += w.rows.length;
        rows += w.rows.length;
      }
      assert.equal(rows, 30 * 400);
      assert.ok(worst <= Math.max(limit, cap), `held ${worst} rows ahead, limit ${limit}`);
      // Ahead of the reader goes what leaves room for the reader's own next request.
      assert.equal(mostInFlight, Math.max(1, answers - 1));
    });
  }
});
