// HOBOlink emulator: the legacy V3 data endpoint over real HTTP (reference §2–§4, §12).
import assert from "node:assert/strict";
import { HoboEmulator, type HoboEmulatorOptions } from "../../../src/emulator/hobo";

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const WEATHER = "21092695";
const WATER = "21150777";
const MX = "21309641";
const ITEM_KEYS = [
  "logger_sn",
  "sensor_sn",
  "timestamp",
  "data_type_id",
  "si_value",
  "si_unit",
  "us_value",
  "us_unit",
  "scaled_value",
  "scaled_unit",
  "sensor_key",
  "sensor_measurement_type",
];

interface Item {
  logger_sn: string;
  sensor_sn: string;
  timestamp: string;
  data_type_id: string;
  si_value: number;
  us_value: number;
  sensor_key: number;
  sensor_measurement_type: string;
}
interface Body {
  observation_list: Item[];
  message: string;
  max_results: boolean;
}

async function startEmu(options: HoboEmulatorOptions = {}): Promise<{ emu: HoboEmulator; url: string; token: string }> {
  const emu = new HoboEmulator({ now: () => NOW, legacyRateLimit: { requests: 10000, windowMs: 60000 }, ...options });
  const url = await emu.start();
  const res = await fetch(`${url}/ws/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  return { emu, url, token };
}

describe("HOBOlink emulator: legacy data endpoint", () => {
  let emu: HoboEmulator;
  let url: string;
  let token: string;

  before(async () => {
    ({ emu, url, token } = await startEmu());
  });
  after(() => emu.stop());

  function get(query: string, opts: { path?: string; auth?: string | null } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (opts.auth !== null) headers.Authorization = opts.auth ?? `Bearer ${token}`;
    return fetch(`${url}${opts.path ?? "/ws/data/file/JSON/user/26954"}?${query}`, { headers });
  }
  const q = (loggers: string, start: string, end: string): string => new URLSearchParams({ loggers, start_date_time: start, end_date_time: end }).toString();

  async function expectError(res: Response, status: number, code: string, description: string, message?: string | RegExp): Promise<void> {
    assert.equal(res.status, status);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body), ["error", "message", "error_description"]);
    assert.equal(body.error, code);
    assert.equal(body.error_description, description);
    if (typeof message === "string") assert.equal(body.message, message);
    else if (message) assert.match(body.message, message);
  }

  describe("validation, in order", () => {
    const good = q(WEATHER, "2025-06-15 10:00:00", "2025-06-15 11:00:00");

    it("401 ATH-001 for a missing, unknown or malformed token", async () => {
      for (const auth of [null, "Bearer 0123456789abcdef0123456789abcdef", "Token abc", `Basic ${token}`]) {
        const res = await get(good, { auth });
        await expectError(res, 401, "ATH-001", "Invalid token.", "Invalid token.");
      }
    });

    it("accepts the bearer scheme in any case", async () => {
      assert.equal((await get(good, { auth: `bearer ${token}` })).status, 200);
      assert.equal((await get(good, { auth: `BEARER ${token}` })).status, 200);
    });

    it("checks the token before anything else", async () => {
      await expectError(await get("", { path: "/ws/data/file/XML/user/abc", auth: null }), 401, "ATH-001", "Invalid token.");
    });

    it("400 VAL-033 for a format other than JSON; lower-case json is accepted unless strictFormat", async () => {
      await expectError(await get(good, { path: "/ws/data/file/XML/user/26954" }), 400, "VAL-033", "Invalid format.");
      assert.equal((await get(good, { path: "/ws/data/file/json/user/26954" })).status, 200);
      const strict = await startEmu({ strictFormat: true });
      try {
        const res = await fetch(`${strict.url}/ws/data/file/json/user/26954?${good}`, { headers: { Authorization: `Bearer ${strict.token}` } });
        await expectError(res, 400, "VAL-033", "Invalid format.");
      } finally {
        await strict.emu.stop();
      }
    });

    it("400 VAL-034 for a missing or non-numeric user id, 403 ATH-002 for another user", async () => {
      await expectError(await get(good, { path: "/ws/data/file/JSON/user/" }), 400, "VAL-034", "Invalid request.", "No user ID provided.");
      await expectError(await get(good, { path: "/ws/data/file/JSON/user" }), 400, "VAL-034", "Invalid request.", "No user ID provided.");
      await expectError(await get(good, { path: "/ws/data/file/JSON/user/abc" }), 400, "VAL-034", "Invalid request.");
      await expectError(await get(good, { path: "/ws/data/file/JSON/user/7451" }), 403, "ATH-002", "Invalid user.", "Invalid user.");
      // Format is checked before the user id.
      await expectError(await get(good, { path: "/ws/data/file/XML/user/abc" }), 400, "VAL-033", "Invalid format.");
    });

    it("400 VAL-004 when loggers are missing or empty", async () => {
      const desc = "Device serial number or user name is required.";
      await expectError(await get("start_date_time=2025-06-15+10%3A00%3A00&end_date_time=2025-06-15+11%3A00%3A00"), 400, "VAL-004", desc);
      await expectError(await get(q("", "2025-06-15 10:00:00", "2025-06-15 11:00:00")), 400, "VAL-004", desc);
      await expectError(await get(q(" , ,", "2025-06-15 10:00:00", "2025-06-15 11:00:00")), 400, "VAL-004", desc);
      // Loggers are checked before dates.
      await expectError(await get("loggers=&start_date_time=bad"), 400, "VAL-004", desc);
    });

    it("400 VAL-034 for more than 10 distinct loggers (duplicates count once)", async () => {
      const eleven = Array.from({ length: 11 }, (_, i) => String(30000000 + i)).join(",");
      await expectError(await get(q(eleven, "2025-06-15 10:00:00", "2025-06-15 11:00:00")), 400, "VAL-034", "Invalid request.", "Too many loggers (max 10)");
      const tenWithRepeats = [...Array.from({ length: 10 }, (_, i) => String(30000000 + i)), "30000000", "30000001"].join(",");
      assert.equal((await get(q(tenWithRepeats, "2025-06-15 10:00:00", "2025-06-15 11:00:00"))).status, 200);
    });

    it("400 VAL-001 when the start is missing", async () => {
      await expectError(await get(`loggers=${WEATHER}&end_date_time=2025-06-15+11%3A00%3A00`), 400, "VAL-001", "Time period start time is null.");
    });

    it("400 VAL-006 for a bad start or end date", async () => {
      for (const [s, e] of [
        ["2025-06-15T10:00:00", "2025-06-15 11:00:00"],
        ["2025-06-15 10:00", "2025-06-15 11:00:00"],
        ["2025-02-30 10:00:00", "2025-06-15 11:00:00"],
        ["2025-06-15 10:00:00", "15/06/2025 11:00"],
        ["2025-06-15 10:00:00", "2025-06-15 24:00:00"],
      ]) {
        await expectError(await get(q(WEATHER, s, e)), 400, "VAL-006", "Bad query date format.");
      }
    });

    it("decodes + and %20 as spaces", async () => {
      const plus = await (await get(`loggers=${WEATHER}&start_date_time=2025-06-15+10%3A00%3A00&end_date_time=2025-06-15+11%3A00%3A00`)).text();
      const pct = await (await get(`loggers=${WEATHER}&start_date_time=2025-06-15%2010:00:00&end_date_time=2025-06-15%2011:00:00`)).text();
      assert.equal(plus, pct);
      assert.match(plus, /"OK: Found: 130 results\."/);
    });

    it("400 VAL-002 when the start is in the future", async () => {
      await expectError(await get(q(WEATHER, "2025-06-15 12:00:01", "2025-06-15 13:00:00")), 400, "VAL-002", "Time period start time is in the future.");
      assert.equal((await get(q(WEATHER, "2025-06-15 12:00:00", "2025-06-15 13:00:00"))).status, 200);
    });

    it("400 VAL-006 when the end is not after the start", async () => {
      await expectError(await get(q(WEATHER, "2025-06-15 10:00:00", "2025-06-15 10:00:00")), 400, "VAL-006", "Bad query date format.");
      await expectError(await get(q(WEATHER, "2025-06-15 10:00:00", "2025-06-15 09:00:00")), 400, "VAL-006", "Bad query date format.");
    });
  });

  describe("results", () => {
    it("returns the inclusive window with keys, message and order of the real service", async () => {
      const res = await get(q(WEATHER, "2025-06-14 17:50:00", "2025-06-14 18:30:00"));
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      const body = (await res.json()) as Body;
      assert.deepEqual(Object.keys(body), ["observation_list", "message", "max_results"]);
      // 9 timestamps × 10 channels, as in the real 17:50–18:30 sample.
      assert.equal(body.observation_list.length, 90);
      assert.equal(body.message, "OK: Found: 90 results.");
      assert.equal(body.max_results, false);
      assert.equal(emu.expectedRows(WEATHER, "2025-06-14 17:50:00", "2025-06-14 18:30:00"), 90);
      for (const item of body.observation_list) {
        assert.deepEqual(Object.keys(item), ITEM_KEYS);
        assert.equal(item.logger_sn, WEATHER);
        assert.equal(item.data_type_id, "1");
        assert.match(item.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
        const raw = item as unknown as Record<string, unknown>;
        assert.equal(raw.scaled_value, 0);
        assert.equal(raw.scaled_unit, null);
        assert.ok(Number.isInteger(item.sensor_key));
      }
      assert.equal(body.observation_list[0].timestamp, "2025-06-14 17:50:00Z");
      assert.equal(body.observation_list[89].timestamp, "2025-06-14 18:30:00Z");
      const battery = body.observation_list.find((i) => i.sensor_sn === "21092695-S");
      assert.equal(battery?.sensor_key, 1167327);
      assert.equal(body.observation_list.find((i) => i.sensor_sn === "21079936-1")?.sensor_key, 2033525);
    });

    it("sorts by timestamp, then sensor_sn, across loggers", async () => {
      const body = (await (await get(q(`${MX},${WEATHER},${WATER}`, "2025-06-14 00:00:00", "2025-06-14 06:00:00"))).json()) as Body;
      const list = body.observation_list;
      assert.equal(
        list.length,
        emu.expectedRows(WEATHER, "2025-06-14 00:00:00", "2025-06-14 06:00:00") +
          emu.expectedRows(WATER, "2025-06-14 00:00:00", "2025-06-14 06:00:00") +
          emu.expectedRows(MX, "2025-06-14 00:00:00", "2025-06-14 06:00:00"),
      );
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1];
        const b = list[i];
        assert.ok(
          a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.sensor_sn < b.sensor_sn),
          `${i}: ${a.timestamp} ${a.sensor_sn} / ${b.timestamp} ${b.sensor_sn}`,
        );
      }
      assert.deepEqual(new Set(list.map((i) => i.logger_sn)), new Set([WEATHER, WATER, MX]));
    });

    it("counts equal expectedRows for windows with gaps, intervals, replaced sensors and edges", async () => {
      const windows: [string, string, string][] = [
        [WEATHER, "2025-06-12 09:30:00", "2025-06-12 11:30:00"], // spans the fixture outage
        [WEATHER, "2025-06-12 10:02:00", "2025-06-12 10:58:00"], // entirely inside the outage
        [WATER, "2025-05-16 00:00:00", "2025-05-17 00:00:00"], // spans the sensor replacement
        [MX, "2025-06-01 00:00:01", "2025-06-01 23:59:59"], // unaligned edges
        [WEATHER, "2024-05-10 00:00:00", "2024-05-12 00:00:00"], // crosses `since` (now − 400 days)
        [WEATHER, "2025-06-15 11:00:00", "2025-06-16 00:00:00"], // ends after now
      ];
      for (const [logger, s, e] of windows) {
        const body = (await (await get(q(logger, s, e))).json()) as Body;
        assert.equal(body.observation_list.length, emu.expectedRows(logger, s, e), `${logger} ${s}`);
      }
      assert.equal(emu.expectedRows(WEATHER, "2025-06-12 09:30:00", "2025-06-12 11:30:00"), (25 - 12) * 10);
      assert.equal(emu.expectedRows(WEATHER, "2025-06-12 10:02:00", "2025-06-12 10:58:00"), 0);
      assert.equal(emu.expectedRows(WATER, "2025-05-16 00:00:00", "2025-05-17 00:00:00"), 97 * 5);
      assert.equal(emu.expectedRows(MX, "2025-06-01 00:00:01", "2025-06-01 23:59:59"), 143 * 3);
      assert.equal(emu.expectedRows(WEATHER, "2025-06-15 11:00:00", "2025-06-16 00:00:00"), 13 * 10);
      assert.equal(emu.expectedRows(WEATHER, "2020-01-01 00:00:00", "2020-02-01 00:00:00"), 0);
    });

    it("reports the replaced sensor's new serial and key from the replacement time", async () => {
      const body = (await (await get(q(WATER, "2025-05-16 13:30:00", "2025-05-16 14:30:00"))).json()) as Body;
      const baro = body.observation_list.filter((i) => i.sensor_measurement_type === "Barometric Pressure");
      assert.deepEqual(
        baro.map((i) => [i.timestamp, i.sensor_sn, i.sensor_key]),
        [
          ["2025-05-16 13:30:00Z", "20961004-1", 2104413],
          ["2025-05-16 13:45:00Z", "20961004-1", 2104413],
          ["2025-05-16 14:00:00Z", "21304418-1", 2311876],
          ["2025-05-16 14:15:00Z", "21304418-1", 2311876],
          ["2025-05-16 14:30:00Z", "21304418-1", 2311876],
        ],
      );
    });

    it("answers the same request with the same bytes", async () => {
      const query = q(`${WEATHER},${WATER}`, "2025-06-10 00:00:00", "2025-06-11 00:00:00");
      const a = await (await get(query)).text();
      const b = await (await get(query)).text();
      assert.equal(a, b);
      const other = await startEmu();
      try {
        const c = await (await fetch(`${other.url}/ws/data/file/JSON/user/26954?${query}`, { headers: { Authorization: `Bearer ${other.token}` } })).text();
        assert.equal(c, a);
      } finally {
        await other.emu.stop();
      }
    });

    it("treats a window's data as the same whichever window it is fetched with", async () => {
      const day = (await (await get(q(WEATHER, "2025-06-10 00:00:00", "2025-06-10 23:59:59"))).json()) as Body;
      const hour = (await (await get(q(WEATHER, "2025-06-10 07:00:00", "2025-06-10 08:00:00"))).json()) as Body;
      const fromDay = day.observation_list.filter((i) => i.timestamp >= "2025-06-10 07:00:00Z" && i.timestamp <= "2025-06-10 08:00:00Z");
      assert.deepEqual(hour.observation_list, fromDay);
    });

    it("uses the clock and uploadLagSec for the newest row", async () => {
      const lagged = await startEmu({ uploadLagSec: 3600 });
      try {
        const res = await fetch(`${lagged.url}/ws/data/file/JSON/user/26954?${q(MX, "2025-06-15 09:00:00", "2025-06-15 12:00:00")}`, {
          headers: { Authorization: `Bearer ${lagged.token}` },
        });
        const body = (await res.json()) as Body;
        assert.equal(body.observation_list.at(-1)?.timestamp, "2025-06-15 11:00:00Z");
        assert.equal(body.observation_list.length, lagged.emu.expectedRows(MX, "2025-06-15 09:00:00", "2025-06-15 12:00:00"));
        assert.equal(body.observation_list.length, 13 * 3);
      } finally {
        await lagged.emu.stop();
      }
    });
  });

  describe("max_results", () => {
    let capped: Awaited<ReturnType<typeof startEmu>>;
    before(async () => {
      capped = await startEmu({ maxResults: 25 });
    });
    after(() => capped.emu.stop());
    const fetchCapped = async (query: string): Promise<Body> =>
      (await (await fetch(`${capped.url}/ws/data/file/JSON/user/26954?${query}`, { headers: { Authorization: `Bearer ${capped.token}` } })).json()) as Body;

    it("returns exactly maxResults rows, cut mid-timestamp, and max_results: true", async () => {
      const body = await fetchCapped(q(WEATHER, "2025-06-14 00:00:00", "2025-06-14 01:00:00"));
      assert.equal(body.observation_list.length, 25);
      assert.equal(body.max_results, true);
      assert.equal(body.message, "OK: Found: 25 results.");
      // 10 channels per timestamp: the 25th row is the 5th channel of the third timestamp.
      assert.equal(body.observation_list[24].timestamp, "2025-06-14 00:10:00Z");
      assert.equal(body.observation_list.filter((i) => i.timestamp === "2025-06-14 00:10:00Z").length, 5);
      // The capped rows are the first rows of the uncapped answer.
      const full = (await (await get(q(WEATHER, "2025-06-14 00:00:00", "2025-06-14 01:00:00"))).json()) as Body;
      assert.deepEqual(body.observation_list, full.observation_list.slice(0, 25));
    });

    it("is false when the window holds exactly maxResults rows", async () => {
      // 5 timestamps × 5 channels of the water-level station = 25.
      const body = await fetchCapped(q(WATER, "2025-06-14 00:00:00", "2025-06-14 01:00:00"));
      assert.equal(body.observation_list.length, 25);
      assert.equal(body.max_results, false);
    });
  });

  describe("paging a large pull", () => {
    it("resuming at the last timestamp and de-duplicating yields exactly the expected rows", async () => {
      const e = await startEmu({ maxResults: 5000, extraStations: 7 });
      try {
        const loggers = e.emu.loggers.map((l) => l.serial);
        assert.equal(loggers.length, 10);
        const start = "2025-06-10 00:00:00";
        const end = "2025-06-13 00:00:00";
        const seen = new Set<string>();
        let from = start;
        let requests = 0;
        for (;;) {
          const res = await fetch(`${e.url}/ws/data/file/JSON/user/26954?${q(loggers.join(","), from, end)}`, {
            headers: { Authorization: `Bearer ${e.token}` },
          });
          const body = (await res.json()) as Body;
          requests++;
          for (const i of body.observation_list) seen.add(`${i.logger_sn}|${i.sensor_sn}|${i.timestamp}`);
          if (!body.max_results) break;
          assert.equal(body.observation_list.length, 5000);
          from = body.observation_list[4999].timestamp.slice(0, 19);
        }
        const expected = loggers.reduce((n, l) => n + e.emu.expectedRows(l, start, end), 0);
        assert.equal(seen.size, expected);
        assert.ok(requests >= Math.ceil(expected / 5000));
      } finally {
        await e.emu.stop();
      }
    });
  });

  describe("loggers the user does not own", () => {
    const stations: HoboEmulatorOptions["stations"] = [
      {
        serial: "20000001",
        name: "Mine",
        kind: "mx-temp-rh",
        intervalSec: 600,
        unitSystem: "SI",
        channels: [{ sensorSn: "20000001-1", sensorKey: 1, type: "Temperature", siUnit: "°C", usUnit: "°F" }],
      },
      {
        serial: "20000002",
        name: "Theirs",
        kind: "mx-temp-rh",
        intervalSec: 600,
        unitSystem: "SI",
        owned: false,
        channels: [{ sensorSn: "20000002-1", sensorKey: 2, type: "Temperature", siUnit: "°C", usUnit: "°F" }],
      },
    ];

    it("contribute no rows by default (200)", async () => {
      const e = await startEmu({ stations });
      try {
        assert.deepEqual(e.emu.loggers, [{ serial: "20000001", name: "Mine", kind: "mx-temp-rh" }]);
        const res = await fetch(`${e.url}/ws/data/file/JSON/user/26954?${q("20000001,20000002,99999999", "2025-06-14 00:00:00", "2025-06-14 01:00:00")}`, {
          headers: { Authorization: `Bearer ${e.token}` },
        });
        assert.equal(res.status, 200);
        const body = (await res.json()) as Body;
        assert.equal(body.observation_list.length, 7);
        assert.ok(body.observation_list.every((i) => i.logger_sn === "20000001"));
        assert.equal(e.emu.expectedRows("20000002", "2025-06-14 00:00:00", "2025-06-14 01:00:00"), 0);
        const none = await fetch(`${e.url}/ws/data/file/JSON/user/26954?${q("20000002", "2025-06-14 00:00:00", "2025-06-14 01:00:00")}`, {
          headers: { Authorization: `Bearer ${e.token}` },
        });
        assert.equal(await none.text(), '{"observation_list":[],"message":"OK: Found: 0 results.","max_results":false}');
      } finally {
        await e.emu.stop();
      }
    });

    it("answer 400 with an error body in error mode", async () => {
      const e = await startEmu({ stations, unownedLoggers: "error" });
      try {
        const res = await fetch(`${e.url}/ws/data/file/JSON/user/26954?${q("20000001,20000002", "2025-06-14 00:00:00", "2025-06-14 01:00:00")}`, {
          headers: { Authorization: `Bearer ${e.token}` },
        });
        await expectError(res, 400, "ATH-008", "Device not owned by respective user.", /20000002/);
      } finally {
        await e.emu.stop();
      }
    });
  });
});
