// More than ten loggers and more than 75 requests at once, against the emulator (which refuses
// both: 400 VAL-034 for 11+ loggers, 509 SYS-001 above 75 concurrent data requests).
import assert from "node:assert/strict";
import type { HoboEmulator } from "../../../src/emulator/hobo";
import { rowKey } from "../../../src/hobo/dedupe";
import { clientFor, MX, NOW, startEmulator } from "./emulator-helpers";

const START = "2025-06-10 00:00:00";
const END = "2025-06-10 02:00:00";

describe("hobo logger groups and concurrency (emulator)", function () {
  this.timeout(30_000);
  let emu: HoboEmulator;
  afterEach(() => emu.stop());

  for (const flavour of ["legacy", "licor"] as const) {
    it(`${flavour}: 13 loggers are sent in groups of at most ten, every row once`, async () => {
      ({ emu } = await startEmulator({ extraStations: 10 }));
      const loggers = emu.loggers.map((l) => l.serial);
      assert.equal(loggers.length, 13);
      const { client, log } = clientFor(emu, flavour);
      const { rows, requests } = await client.fetchAll({ loggers: loggers.join(","), start: START, end: END, now: NOW });
      const expected = loggers.reduce((n, l) => n + emu.expectedRows(l, START, END), 0);
      assert.equal(rows.length, expected);
      assert.equal(new Set(rows.map(rowKey)).size, expected);
      assert.deepEqual(new Set(rows.map((r) => r.logger_sn)), new Set(loggers));
      // The emulator answers 400 VAL-034 to 11 or more loggers: none came back.
      assert.equal(emu.stats.byStatus["400"], undefined);
      assert.equal(requests, 2);
      const sent = log.lines.filter((l) => /GET \/(ws|v1)\/data/.test(l)).map((l) => decodeURIComponent(/loggers=([^&]*)/.exec(l)![1]).split(","));
      assert.deepEqual(sent.map((g) => g.length).sort(), [6, 7]);
      assert.deepEqual(new Set(sent.flat()), new Set(loggers));
      await client.close();
    });
  }

  it("never has more than 75 requests in flight, whatever maxConcurrent asks", async () => {
    ({ emu } = await startEmulator());
    const { client } = clientFor(emu, "legacy", { maxConcurrent: 500, requestsPerMinute: 10_000_000, retry: { attempts: 1 } });
    await client.testConnection();
    // The test's own probe request is not one of the hundred.
    emu.stats.reset();
    emu.faults.setLatency(1000);
    const hours = Array.from({ length: 100 }, (_, i) => new Date(Date.UTC(2025, 5, 1) + i * 3600_000));
    const results = await Promise.all(hours.map((h) => client.fetchAll({ loggers: MX, start: h, end: new Date(h.getTime() + 3599_000), now: NOW })));
    assert.ok(
      results.every((r) => r.rows.length === 6 * 3),
      "every hour has six 10-minute readings of three channels",
    );
    assert.equal(emu.stats.byStatus["509"], undefined, "the emulator never had to say it is busy");
    assert.ok(emu.stats.maxInFlight <= 75, `${emu.stats.maxInFlight} in flight`);
    assert.equal(emu.stats.dataRequests, 100);
    await client.close();
  });
});
