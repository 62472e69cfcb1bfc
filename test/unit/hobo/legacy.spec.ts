// The legacy (Onset V3) client against the emulator: token lifecycle, query encoding, errors, retries.
import assert from "node:assert/strict";
import { AbortError, ApiError, InputError } from "../../../src/core/errors";
import type { HoboEmulator } from "../../../src/emulator/hobo";
import { rowKey } from "../../../src/hobo/dedupe";
import { clientFor, everything, MX, NOW, startEmulator, WATER, WEATHER } from "./emulator-helpers";

const DAY_START = "2025-06-10 00:00:00";
const DAY_END = "2025-06-11 00:00:00";

describe("hobo legacy client (emulator)", () => {
  let emu: HoboEmulator;

  beforeEach(async () => {
    ({ emu } = await startEmulator());
  });
  afterEach(() => emu.stop());

  it("fetches a day for three loggers: every row once, sorted, with one token", async () => {
    const { client, log } = clientFor(emu, "legacy");
    const result = await client.fetchAll({ loggers: [WEATHER, WATER, MX], start: DAY_START, end: DAY_END, now: NOW });
    const expected = [WEATHER, WATER, MX].reduce((n, l) => n + emu.expectedRows(l, DAY_START, DAY_END), 0);
    assert.equal(result.rows.length, expected);
    assert.equal(new Set(result.rows.map(rowKey)).size, expected);
    assert.ok(result.rows.every((r, i) => i === 0 || result.rows[i - 1].timestamp <= r.timestamp));
    assert.equal(result.rows[0].timestamp, "2025-06-10 00:00:00Z");
    assert.equal(result.rows.at(-1)!.timestamp, "2025-06-11 00:00:00Z");
    assert.ok(result.rows[0].si_unit && result.rows[0].us_unit !== undefined);
    assert.equal(emu.stats.tokenRequests, 1);
    assert.deepEqual(
      log.states.map((s) => s.state),
      ["connecting", "connected"],
    );
    await client.close();
  });

  it("hands an answer on as windows of at most windowRows, cut between timestamps; a bad windowRows is refused before any request", async () => {
    const { client } = clientFor(emu, "legacy");
    const windows = [];
    for await (const w of client.windows({ loggers: [WEATHER, WATER], start: DAY_START, end: DAY_END, windowRows: 100, now: NOW })) windows.push(w);
    const rows = windows.flatMap((w) => w.rows);
    assert.equal(rows.length, emu.expectedRows(WEATHER, DAY_START, DAY_END) + emu.expectedRows(WATER, DAY_START, DAY_END));
    assert.equal(new Set(rows.map(rowKey)).size, rows.length, "every row once");
    assert.ok(windows.length > rows.length / 100, `${windows.length} windows`);
    assert.equal(
      windows.reduce((n, w) => n + w.requests, 0),
      emu.stats.dataRequests,
      "one answer, several windows: the requests are counted once",
    );
    for (const [i, w] of windows.entries()) {
      assert.ok(w.rows.length <= 100, `${w.rows.length} rows in window ${i}`);
      for (const r of w.rows)
        assert.ok(Date.parse(r.timestamp.replace(" ", "T")) >= w.start.getTime() && Date.parse(r.timestamp.replace(" ", "T")) <= w.end.getTime());
      if (i > 0) {
        assert.equal(w.start.getTime(), windows[i - 1].end.getTime() + 1000, "windows touch");
        assert.notEqual(w.rows[0].timestamp, windows[i - 1].rows.at(-1)!.timestamp, "a timestamp's rows stay in one window");
      }
    }
    const before = emu.stats.dataRequests;
    for (const bad of [0, 2.5, -1, Number.NaN]) {
      await assert.rejects(client.fetchAll({ loggers: WEATHER, start: DAY_START, end: DAY_END, windowRows: bad, now: NOW }), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match(err.message, /windowRows must be a whole number of rows above 0/);
        return true;
      });
    }
    assert.equal(emu.stats.dataRequests, before, "nothing sent for a bad windowRows");
    await client.close();
  });

  it("resumes at the last timestamp when an answer says max_results, cut mid-timestamp", async () => {
    await emu.stop();
    ({ emu } = await startEmulator({ maxResults: 995 })); // not a multiple of 10 channels: the cut splits a timestamp
    const { client, log } = clientFor(emu, "legacy");
    const result = await client.fetchAll({ loggers: WEATHER, start: DAY_START, end: DAY_END, windowMs: 86_400_000, now: NOW });
    assert.equal(result.rows.length, emu.expectedRows(WEATHER, DAY_START, DAY_END));
    assert.equal(new Set(result.rows.map(rowKey)).size, result.rows.length);
    assert.ok(result.requests >= 3, `${result.requests} requests`);
    assert.ok(log.lines.some((l) => /cut at the row cap \(max_results\); resuming at 2025-06-10 /.test(l)));
    await client.close();
  });

  it("sends the query as loggers, start and end with space as + and colon as %3A", async () => {
    const { client, log } = clientFor(emu, "legacy");
    await client.fetchAll({ loggers: `${WEATHER}, ${MX}`, start: new Date(Date.UTC(2025, 5, 10, 6, 30)), end: "2025-06-10T07:00:00Z", now: NOW });
    const line = log.lines.find((l) => l.includes("/ws/data/file/JSON/user/"));
    assert.equal(
      line,
      `HOBOlink: GET /ws/data/file/JSON/user/26954?loggers=${WEATHER}%2C${MX}&start_date_time=2025-06-10+06%3A30%3A00&end_date_time=2025-06-10+07%3A00%3A00`,
    );
    // Every other form the core time parser reads becomes the same UTC text.
    const start = Date.UTC(2025, 5, 10, 6, 30) / 1000;
    const forms: [unknown, unknown][] = [
      [start, (start + 1800) * 1000],
      [String(start), String((start + 1800) * 1000)],
      ["2025-06-10 08:30:00+02:00", "2025-06-10 07:00:00"],
      ["2025-06-10T06:30:00.000Z", "2025-06-10 07:00"],
    ];
    for (const [s, e] of forms) {
      log.lines.length = 0;
      await client.fetchAll({ loggers: [MX, ` ${WEATHER}`, MX], start: s, end: e, now: NOW });
      assert.deepEqual(
        log.lines.filter((l) => l.includes("/ws/data/file/JSON/user/")),
        [
          `HOBOlink: GET /ws/data/file/JSON/user/26954?loggers=${MX}%2C${WEATHER}&start_date_time=2025-06-10+06%3A30%3A00&end_date_time=2025-06-10+07%3A00%3A00`,
        ],
        JSON.stringify([s, e]),
      );
    }
    await client.close();
  });

  it("shares one token fetch among concurrent callers", async () => {
    const { client } = clientFor(emu, "legacy");
    emu.faults.setLatency(30);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client.fetchAll({ loggers: WEATHER, start: `2025-06-0${i + 1} 00:00:00`, end: `2025-06-0${i + 1} 01:00:00`, now: NOW }),
      ),
    );
    assert.equal(emu.stats.tokenRequests, 1);
    await client.close();
  });

  it("renews a token inside the margin before using it", async () => {
    await emu.stop();
    ({ emu } = await startEmulator({ tokenLifetimeSec: 60 }));
    const { client } = clientFor(emu, "legacy"); // default margin 60 s: a 60 s token is due at once
    await client.fetchAll({ loggers: WEATHER, start: "2025-06-10 00:00:00", end: "2025-06-10 01:00:00", now: NOW });
    await client.fetchAll({ loggers: WEATHER, start: "2025-06-10 01:00:00", end: "2025-06-10 02:00:00", now: NOW });
    assert.equal(emu.stats.tokenRequests, 2);
    const { client: relaxed } = clientFor(emu, "legacy", { tokenMarginMs: 0 });
    emu.stats.reset();
    await relaxed.fetchAll({ loggers: WEATHER, start: "2025-06-10 00:00:00", end: "2025-06-10 01:00:00", now: NOW });
    await relaxed.fetchAll({ loggers: WEATHER, start: "2025-06-10 01:00:00", end: "2025-06-10 02:00:00", now: NOW });
    assert.equal(emu.stats.tokenRequests, 1);
    await Promise.all([client.close(), relaxed.close()]);
  });

  it("re-authenticates once on 401 and retries", async () => {
    const { client, log } = clientFor(emu, "legacy");
    await client.testConnection();
    emu.faults.expireTokens();
    const result = await client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW });
    assert.equal(result.rows.length, emu.expectedRows(MX, DAY_START, DAY_END));
    assert.equal(emu.stats.tokenRequests, 2);
    assert.equal(emu.stats.byStatus["401"], 1);
    assert.ok(log.states.some((s) => s.state === "token-refreshed"));
    assert.equal(client.listenerCount("state"), 1);
    await client.close();
  });

  it("gives up after one re-authentication when the new token is refused too", async () => {
    const { client } = clientFor(emu, "legacy");
    emu.faults.failNext(2, { status: 401, path: "/ws/data" });
    await assert.rejects(client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "ATH-001");
      assert.match(err.message, /token was rejected/);
      return true;
    });
    assert.equal(emu.stats.dataRequests, 2);
    assert.equal(emu.stats.tokenRequests, 2);
    await client.close();
  });

  it("reports wrong credentials as invalid_client with a hint, and never logs the secret", async () => {
    const { client, log } = clientFor(emu, "legacy", { clientSecret: "0123456789abcdef-wrong-secret" });
    await assert.rejects(client.testConnection(), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "invalid_client");
      assert.equal(err.status, 401);
      assert.match(err.message, /Onset/);
      assert.doesNotMatch(JSON.stringify(err) + err.message, /wrong-secret/);
      return true;
    });
    assert.equal(emu.stats.tokenRequests, 1, "a refused credential is not retried");
    assert.deepEqual(log.states.at(-1), { state: "error", code: "invalid_client", message: (log.states.at(-1) as { message: string }).message });
    assert.doesNotMatch(everything(log), /wrong-secret/);
    await client.close();
  });

  it("keeps the secret and every token out of the logs through renewals and errors", async () => {
    const { client, log } = clientFor(emu, "legacy");
    await client.fetchAll({ loggers: [WEATHER, MX], start: DAY_START, end: DAY_END, now: NOW });
    emu.faults.revokeTokens();
    emu.faults.failNext(1, { status: 500, error: "DBM-026", path: "/ws/data" });
    await client.fetchAll({ loggers: WEATHER, start: DAY_START, end: "2025-06-10 02:00:00", now: NOW });
    emu.faults.failNext(1, { status: 400, error: "VAL-006" });
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: DAY_START, end: "2025-06-10 02:00:00", now: NOW }));
    const text = everything(log);
    assert.ok(log.lines.length > 5);
    assert.doesNotMatch(text, new RegExp(emu.legacy.clientSecret));
    for (const token of emu.issuedTokens()) assert.ok(!text.includes(token), "a token reached the log");
    await client.close();
  });

  it("masks every token it has held, superseded ones too, when an error body echoes them", async () => {
    const { client, log } = clientFor(emu, "legacy");
    await client.testConnection();
    for (let i = 0; i < 3; i++) {
      emu.faults.expireTokens();
      await client.testConnection();
    }
    const issued = emu.issuedTokens();
    assert.ok(issued.length >= 4, "four tokens were issued, three superseded");
    emu.faults.failNext(1, { status: 400, error: "VAL-006", echoTokens: "issued", path: "/ws/data" });
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: DAY_START, end: "2025-06-10 02:00:00", now: NOW }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      const text = `${err.message} ${JSON.stringify(err)} ${err.responseText}`;
      assert.match(text, /session tokens/, "the echoed body reached the error");
      for (const token of issued) assert.ok(!text.includes(token), "a superseded token reached the error");
      return true;
    });
    for (const token of issued) assert.ok(!everything(log).includes(token));
    await client.close();
  });

  it("turns HOBOlink error bodies into ApiError with a hint, and does not retry them", async () => {
    const { client } = clientFor(emu, "legacy");
    emu.faults.failNext(1, { status: 400, error: "VAL-006", message: "Bad query date format.", path: "/ws/data" });
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: DAY_START, end: DAY_END, now: NOW }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "VAL-006");
      assert.equal(err.retryable, false);
      assert.match(err.message, /HOBOlink VAL-006 Bad query date format\.: a date is not/);
      return true;
    });
    assert.equal(emu.stats.dataRequests, 1);
    emu.faults.failNext(1, { status: 400, error: "ZZZ-042", message: "Something new.", path: "/ws/data" });
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: DAY_START, end: DAY_END, now: NOW }), /ZZZ-042 Something new\./);
    await client.close();
  });

  it("reports loggers the account does not own (when the service says so)", async () => {
    await emu.stop();
    ({ emu } = await startEmulator({ unownedLoggers: "error" }));
    const { client } = clientFor(emu, "legacy");
    await assert.rejects(client.fetchAll({ loggers: [WEATHER, "99999999"], start: DAY_START, end: DAY_END, now: NOW }), (err: unknown) => {
      assert.ok(err instanceof ApiError && err.code === "ATH-008");
      assert.match(err.message, /not owned by this account/);
      return true;
    });
    await client.close();
  });

  it("retries throttling (429, 509), server errors, an HTML 502 and a dropped connection", async () => {
    const { client } = clientFor(emu, "legacy");
    for (const fault of [{ status: 429 }, { status: 509 }, { status: 500, error: "DBM-026" }, { html: true }, { drop: true }]) {
      emu.stats.reset();
      emu.faults.failNext(2, { ...fault, path: "/ws/data" });
      const result = await client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW });
      assert.equal(result.rows.length, emu.expectedRows(MX, DAY_START, DAY_END), JSON.stringify(fault));
      assert.equal(emu.stats.dataRequests, 3, JSON.stringify(fault));
    }
    await client.close();
  });

  it("ends with an ApiError, not a parse crash, when HTML keeps coming", async () => {
    const { client } = clientFor(emu, "legacy", { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    emu.faults.failNext(5, { html: true, path: "/ws/data" });
    await assert.rejects(
      client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW }),
      (err: unknown) => err instanceof ApiError && err.status === 502 && /non-JSON/.test(err.message),
    );
    assert.equal(emu.stats.dataRequests, 2);
    await client.close();
  });

  it("rejects bad input before anything is sent", async () => {
    const { client } = clientFor(emu, "legacy");
    assert.throws(
      () => client.windows({ loggers: WEATHER, start: DAY_END, end: DAY_START }),
      (e: unknown) => e instanceof InputError && /must be after/.test(e.message),
    );
    assert.throws(() => client.windows({ loggers: WEATHER, start: DAY_START, end: DAY_START }), InputError);
    await assert.rejects(client.fetchAll({ loggers: { serial: 1 }, start: DAY_START, end: DAY_END }), InputError);
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: "yesterday-ish", end: DAY_END }), /Cannot read "yesterday-ish" as a start time/);
    await assert.rejects(client.fetchAll({ loggers: WEATHER, start: "2025-07-01 00:00:00", now: NOW }), /in the future/);
    assert.equal(emu.stats.requests, 0);
    await client.close();
  });

  it("ends the range at now, since no reading comes from the future", async () => {
    const { client } = clientFor(emu, "legacy");
    const result = await client.fetchAll({ loggers: MX, start: "-1h", end: "+1d", now: NOW });
    assert.equal(result.rows.at(-1)!.timestamp, "2025-06-15 12:00:00Z");
    await client.close();
  });

  it("close() aborts requests in flight and emits closed", async () => {
    const { client, log } = clientFor(emu, "legacy");
    await client.testConnection();
    emu.faults.setLatency(5_000);
    const pending = client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW });
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    await assert.rejects(pending, AbortError);
    assert.equal(log.states.at(-1)?.state, "closed");
    await assert.rejects(client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW }), AbortError);
    emu.faults.clear();
  });

  it("a caller's signal cancels its own query only", async () => {
    const { client } = clientFor(emu, "legacy");
    emu.faults.setLatency(300);
    const controller = new AbortController();
    const cancelled = client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW, signal: controller.signal });
    const other = client.fetchAll({ loggers: WEATHER, start: DAY_START, end: "2025-06-10 01:00:00", now: NOW });
    controller.abort();
    await assert.rejects(cancelled, AbortError);
    assert.ok((await other).rows.length > 0);
    await client.close();
  });
});
