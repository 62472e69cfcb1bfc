// The LI-COR Cloud v1 client against the emulator: static token, value/unit rows, RateLimit-* headers.
import assert from "node:assert/strict";
import { ApiError } from "../../../src/core/errors";
import type { HoboEmulator } from "../../../src/emulator/hobo";
import { rowsToRecords } from "../../../src/hobo";
import { rowKey } from "../../../src/hobo/dedupe";
import { clientFor, MX, NOW, startEmulator, WEATHER } from "./emulator-helpers";

const DAY_START = "2025-06-10 00:00:00";
const DAY_END = "2025-06-11 00:00:00";

describe("hobo LI-COR client (emulator)", () => {
  let emu: HoboEmulator;

  beforeEach(async () => {
    ({ emu } = await startEmulator());
  });
  afterEach(() => emu.stop());

  it("fetches rows with value and unit in the device's units, each once", async () => {
    const { client, log } = clientFor(emu, "licor");
    const { rows } = await client.fetchAll({ loggers: [WEATHER, MX], start: DAY_START, end: DAY_END, now: NOW });
    const expected = emu.expectedRows(WEATHER, DAY_START, DAY_END) + emu.expectedRows(MX, DAY_START, DAY_END);
    assert.equal(rows.length, expected);
    assert.equal(new Set(rows.map(rowKey)).size, expected);
    const temp = rows.find((r) => r.logger_sn === WEATHER && r.sensor_measurement_type === "Temperature")!;
    assert.equal(temp.unit, "°F"); // the weather station is configured for US units
    assert.equal(temp.data_type, "CURRENT");
    const [record] = rowsToRecords([temp]);
    assert.equal(record.unit, "°F");
    assert.equal(record.value, temp.value);
    assert.ok(log.lines.some((l) => l.startsWith(`HOBOlink: GET /v1/data?loggers=${WEATHER}%2C${MX}&start_date_time=2025-06-10+00%3A00%3A00`)));
    assert.equal(emu.stats.tokenRequests, 0);
    await client.close();
  });

  it("testConnection proves the token with a one-minute request", async () => {
    const { client } = clientFor(emu, "licor");
    await client.testConnection();
    assert.equal(emu.stats.dataRequests, 1);
    await client.close();
  });

  it("testConnection accepts a validation answer, which comes after the token check", async () => {
    await emu.stop();
    ({ emu } = await startEmulator({ unownedLoggers: "error" }));
    const { client } = clientFor(emu, "licor");
    await client.testConnection();
    await client.close();
  });

  it("reports a wrong token as ATH-001 with a hint, without the token, and does not retry it", async () => {
    const { client, log } = clientFor(emu, "licor", { token: "NotTheRightTokenNotTheRightTokenNotTheRightToken" });
    await assert.rejects(client.testConnection(), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "ATH-001");
      assert.match(err.message, /LI-COR Cloud create a new API token/);
      assert.doesNotMatch(JSON.stringify(err), /NotTheRightToken/);
      return true;
    });
    assert.equal(emu.stats.dataRequests, 1);
    assert.equal(log.states.at(-1)?.state, "error");
    await client.close();
  });

  it("pauses when RateLimit-Remaining reaches 0, so the server never has to say 429", async () => {
    await emu.stop();
    ({ emu } = await startEmulator({ licorRateLimit: { requests: 5, windowMs: 1000 } }));
    // The client's own limiter is left loose: only the headers keep it in line here.
    const { client } = clientFor(emu, "licor", { requestsPerMinute: 10_000, windowMs: 1000, maxConcurrent: 1 });
    const { windows, rows } = await client.fetchAll({ loggers: MX, start: DAY_START, end: "2025-06-10 12:00:00", windowMs: 3600_000, now: NOW });
    assert.equal(windows, 13); // 12 hours, then the single second 12:00:00 (asked as two seconds, as end == start is refused)
    assert.equal(rows.length, emu.expectedRows(MX, DAY_START, "2025-06-10 12:00:00"));
    assert.equal(emu.stats.byStatus["429"], undefined);
    await client.close();
  });

  it("backs off and retries a 429 the server sends anyway", async () => {
    const { client } = clientFor(emu, "licor");
    emu.faults.failNext(1, { status: 429, path: "/v1/data" });
    const { rows } = await client.fetchAll({ loggers: MX, start: DAY_START, end: DAY_END, now: NOW });
    assert.equal(rows.length, emu.expectedRows(MX, DAY_START, DAY_END));
    assert.equal(emu.stats.byStatus["429"], 1);
    await client.close();
  });
});
