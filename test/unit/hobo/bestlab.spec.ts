// bestlab's HoboAPI face: getData (all windows, bestlab's answer shape), warnOnEmptyData, get/post, tokenInfo.
import assert from "node:assert/strict";
import { ApiError, InputError } from "../../../src/core/errors";
import type { HoboEmulator } from "../../../src/emulator/hobo";
import { HoboApi } from "../../../src/hobo";
import { MX, startEmulator, WEATHER } from "./emulator-helpers";

describe("hobo HoboApi (bestlab face, emulator)", () => {
  let emu: HoboEmulator;
  let api: HoboApi;
  let warnings: string[];
  let debug: string[];

  beforeEach(async () => {
    ({ emu } = await startEmulator({ maxResults: 500 }));
    warnings = [];
    debug = [];
    api = new HoboApi(emu.legacy.clientId, emu.legacy.clientSecret, Number(emu.legacy.userId), emu.url, {
      rowCap: 500,
      requestsPerMinute: 100_000,
      retry: { baseDelayMs: 1, maxDelayMs: 10 },
      logger: { debug: (m) => debug.push(m), warn: (m) => warnings.push(m) },
    });
  });
  afterEach(async () => {
    await api.close();
    await emu.stop();
  });

  it("getData returns bestlab's shape with every row, even past the row cap", async () => {
    const before = api.tokenInfo;
    assert.equal(before, undefined, "the token is fetched on first use");
    const result = await api.getData([WEATHER, MX], "2025-06-10 00:00:00", "2025-06-10 06:00:00");
    const expected =
      emu.expectedRows(WEATHER, "2025-06-10 00:00:00", "2025-06-10 06:00:00") + emu.expectedRows(MX, "2025-06-10 00:00:00", "2025-06-10 06:00:00");
    assert.deepEqual(Object.keys(result), ["observation_list", "message", "max_results"]);
    assert.equal(result.observation_list.length, expected);
    assert.ok(expected > 500);
    assert.equal(result.message, `OK: Found: ${expected} results.`);
    assert.equal(result.max_results, false);
    assert.equal(api.tokenInfo?.tokenType, "bearer");
    assert.equal(api.tokenInfo?.needRefresh(), false);
    assert.ok(api.tokenInfo!.expireTime > Date.now() / 1000 + 500);
    assert.deepEqual(warnings, []);
  });

  it("accepts a single number, which bestlab rejects, and rejects other types with a clear error", async () => {
    const result = await api.getData(Number(MX), "2025-06-10 00:00:00", "2025-06-10 01:00:00");
    assert.equal(result.observation_list.length, emu.expectedRows(MX, "2025-06-10 00:00:00", "2025-06-10 01:00:00"));
    await assert.rejects(api.getData({ MX }, "2025-06-10 00:00:00", "2025-06-10 01:00:00"), InputError);
  });

  it("warnOnEmptyData warns as bestlab does and returns the result unchanged", async () => {
    const empty = await api.getData("99999999", "2025-06-10 00:00:00", "2025-06-10 01:00:00", { warnOnEmptyData: true });
    assert.deepEqual(empty, { observation_list: [], message: "OK: Found: 0 results.", max_results: false });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^The data seems to be empty\. Response: \{"observation_list":\[\],"message":"OK: Found: 0 results\.","max_results":false\}, t = \d{10}$/,
    );
    await api.getData("99999999", "2025-06-10 00:00:00", "2025-06-10 01:00:00");
    assert.equal(warnings.length, 1, "no warning unless asked");
  });

  it("get() and post() call a path with the token and return the decoded body", async () => {
    const body = (await api.get(`/ws/data/file/JSON/user/${emu.legacy.userId}`, {
      loggers: MX,
      start_date_time: "2025-06-10 00:00:00",
      end_date_time: "2025-06-10 00:30:00",
    })) as { observation_list: unknown[] };
    assert.equal(body.observation_list.length, emu.expectedRows(MX, "2025-06-10 00:00:00", "2025-06-10 00:30:00"));
    await assert.rejects(api.post(`/ws/data/file/JSON/user/${emu.legacy.userId}`, { a: "b" }), (err: unknown) => err instanceof ApiError && err.status === 405);
  });

  it("a bad credential surfaces as an ApiError with statusCode and responseText (bestlab's ResponseError)", async () => {
    const bad = new HoboApi(emu.legacy.clientId, "not-the-secret", emu.legacy.userId, emu.url, { logger: { debug: () => undefined, warn: () => undefined } });
    await assert.rejects(bad.getData(MX, "2025-06-10 00:00:00", "2025-06-10 01:00:00"), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.statusCode, 401);
      assert.match(err.responseText, /invalid_client/);
      return true;
    });
    await bad.close();
  });

  it("never logs the secret", async () => {
    await api.getData(MX, "2025-06-10 00:00:00", "2025-06-10 01:00:00");
    assert.ok(debug.length > 0);
    assert.ok(!debug.join("\n").includes(emu.legacy.clientSecret));
  });
});
