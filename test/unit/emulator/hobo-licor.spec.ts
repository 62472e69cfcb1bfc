// HOBOlink emulator: the LI-COR Cloud v1 data endpoint over real HTTP (reference §8).
import assert from "node:assert/strict";
import { HoboEmulator } from "../../../src/emulator/hobo";

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const WEATHER = "21092695";
const WATER = "21150777";
const V1_KEYS = ["logger_sn", "sensor_sn", "timestamp", "data_type", "data_type_id", "value", "unit", "sensor_measurement_type"];

interface V1Item {
  logger_sn: string;
  sensor_sn: string;
  timestamp: string;
  value: number;
  unit: string;
  sensor_measurement_type: string;
}
interface V1Body {
  message: string;
  max_results: boolean;
  data: V1Item[];
}
interface LegacyBody {
  observation_list: { sensor_sn: string; timestamp: string; si_value: number; si_unit: string; us_value: number; us_unit: string }[];
}

describe("HOBOlink emulator: LI-COR v1 endpoint", () => {
  let emu: HoboEmulator;
  let url: string;
  let legacyToken: string;

  before(async () => {
    emu = new HoboEmulator({ now: () => NOW, licorRateLimit: { requests: 1000, windowMs: 60000 }, legacyRateLimit: { requests: 1000, windowMs: 60000 } });
    url = await emu.start();
    const res = await fetch(`${url}/ws/auth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }),
    });
    legacyToken = ((await res.json()) as { access_token: string }).access_token;
  });
  after(() => emu.stop());

  const v1 = (query: string, auth: string | null = `Bearer ${emu.licor.token}`): Promise<Response> =>
    fetch(`${url}/v1/data?${query}`, { headers: auth === null ? {} : { Authorization: auth } });
  const q = (loggers: string, start: string, end: string): string => new URLSearchParams({ loggers, start_date_time: start, end_date_time: end }).toString();

  async function expectError(res: Response, status: number, code: string): Promise<void> {
    assert.equal(res.status, status);
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body), ["error", "message", "error_description"]);
    assert.equal(body.error, code);
  }

  it("answers the documented shape, keys in order, no user id", async () => {
    const res = await v1(q(WEATHER, "2025-06-14 17:50:00", "2025-06-14 18:30:00"));
    assert.equal(res.status, 200);
    const body = (await res.json()) as V1Body;
    assert.deepEqual(Object.keys(body), ["message", "max_results", "data"]);
    assert.equal(body.message, "OK: Found: 90 results.");
    assert.equal(body.max_results, false);
    assert.equal(body.data.length, emu.expectedRows(WEATHER, "2025-06-14 17:50:00", "2025-06-14 18:30:00"));
    for (const item of body.data) {
      assert.deepEqual(Object.keys(item), V1_KEYS);
      const raw = item as unknown as Record<string, unknown>;
      assert.equal(raw.data_type, "CURRENT");
      assert.equal(raw.data_type_id, "1");
    }
  });

  it("reports values in each station's unit system, equal to the legacy si/us values", async () => {
    for (const [logger, system] of [
      [WEATHER, "US"],
      [WATER, "SI"],
    ] as const) {
      const query = q(logger, "2025-06-14 06:00:00", "2025-06-14 09:00:00");
      const v = (await (await v1(query)).json()) as V1Body;
      const l = (await (
        await fetch(`${url}/ws/data/file/JSON/user/26954?${query}`, { headers: { Authorization: `Bearer ${legacyToken}` } })
      ).json()) as LegacyBody;
      assert.equal(v.data.length, l.observation_list.length);
      v.data.forEach((item, i) => {
        const legacy = l.observation_list[i];
        assert.equal(item.sensor_sn, legacy.sensor_sn);
        assert.equal(item.timestamp, legacy.timestamp);
        assert.equal(item.value, system === "US" ? legacy.us_value : legacy.si_value);
        assert.equal(item.unit, system === "US" ? legacy.us_unit : legacy.si_unit);
      });
    }
    const weather = (await (await v1(q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00"))).json()) as V1Body;
    assert.deepEqual(new Set(weather.data.map((i) => i.unit)), new Set(["%", "°F", "W/m²", "in", "mph", "°", "V"]));
  });

  it("sends CORS and RateLimit-* headers on every answer", async () => {
    for (const res of [
      await v1(q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00")),
      await v1(q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00"), "Bearer wrong"),
      await v1(""),
    ]) {
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("ratelimit-policy"), "1000;w=60");
      assert.equal(res.headers.get("ratelimit-limit"), "1000");
      assert.match(res.headers.get("ratelimit-remaining") ?? "", /^\d+$/);
      assert.match(res.headers.get("ratelimit-reset") ?? "", /^\d+$/);
    }
    const pre = await fetch(`${url}/v1/data`, { method: "OPTIONS" });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Authorization/);
  });

  it("has the real default policy 60;w=60", async () => {
    const e = new HoboEmulator({ now: () => NOW });
    const u = await e.start();
    try {
      const a = await fetch(`${u}/v1/data?${q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00")}`, {
        headers: { Authorization: `Bearer ${e.licor.token}` },
      });
      const b = await fetch(`${u}/v1/data?${q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00")}`, {
        headers: { Authorization: `Bearer ${e.licor.token}` },
      });
      assert.equal(a.headers.get("ratelimit-policy"), "60;w=60");
      assert.equal(a.headers.get("ratelimit-limit"), "60");
      assert.equal(a.headers.get("ratelimit-remaining"), "59");
      assert.equal(b.headers.get("ratelimit-remaining"), "58");
    } finally {
      await e.stop();
    }
  });

  it("401 ATH-001 for a missing or wrong token (a legacy token is not a v1 token)", async () => {
    const query = q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 12:05:00");
    await expectError(await v1(query, null), 401, "ATH-001");
    await expectError(await v1(query, "Bearer nope"), 401, "ATH-001");
    await expectError(await v1(query, `Bearer ${legacyToken}`), 401, "ATH-001");
    assert.equal((await v1(query, `bearer ${emu.licor.token}`)).status, 200);
  });

  it("requires all three parameters", async () => {
    await expectError(await v1("start_date_time=2025-06-14+12%3A00%3A00&end_date_time=2025-06-14+13%3A00%3A00"), 400, "VAL-004");
    await expectError(await v1(`loggers=${WEATHER}&end_date_time=2025-06-14+13%3A00%3A00`), 400, "VAL-001");
    await expectError(await v1(`loggers=${WEATHER}&start_date_time=2025-06-14+12%3A00%3A00`), 400, "VAL-008");
    await expectError(await v1(q(WEATHER, "2025-06-14 12:00", "2025-06-14 13:00:00")), 400, "VAL-006");
    await expectError(await v1(q(WEATHER, "2025-06-16 12:00:00", "2025-06-16 13:00:00")), 400, "VAL-002");
    await expectError(await v1(q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 11:00:00")), 400, "VAL-006");
    await expectError(
      await v1(q(Array.from({ length: 11 }, (_, i) => String(30000000 + i)).join(","), "2025-06-14 12:00:00", "2025-06-14 13:00:00")),
      400,
      "VAL-034",
    );
  });

  it("accepts %20 and + for spaces", async () => {
    const a = await (await v1(`loggers=${WEATHER}&start_date_time=2025-06-14%2012:00:00&end_date_time=2025-06-14%2013:00:00`)).text();
    const b = await (await v1(`loggers=${WEATHER}&start_date_time=2025-06-14+12%3A00%3A00&end_date_time=2025-06-14+13%3A00%3A00`)).text();
    assert.equal(a, b);
  });

  it("caps at maxResults with max_results: true", async () => {
    const e = new HoboEmulator({ now: () => NOW, maxResults: 7 });
    const u = await e.start();
    try {
      const body = (await (
        await fetch(`${u}/v1/data?${q(WEATHER, "2025-06-14 12:00:00", "2025-06-14 13:00:00")}`, { headers: { Authorization: `Bearer ${e.licor.token}` } })
      ).json()) as V1Body;
      assert.equal(body.data.length, 7);
      assert.equal(body.max_results, true);
      assert.equal(body.message, "OK: Found: 7 results.");
    } finally {
      await e.stop();
    }
  });
});
