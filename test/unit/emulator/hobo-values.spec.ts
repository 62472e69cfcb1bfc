// HOBOlink emulator: realism of the generated values and the station fixtures (reference §10).
import assert from "node:assert/strict";
import { DEAD_VALUE, HoboEmulator, defaultStations, type HoboEmulatorOptions } from "../../../src/emulator/hobo";

const NOW = Date.UTC(2025, 7, 1, 0, 0, 0);

interface Item {
  logger_sn: string;
  sensor_sn: string;
  timestamp: string;
  si_value: number;
  si_unit: string;
  us_value: number;
  us_unit: string;
  sensor_measurement_type: string;
}

async function fetchAll(options: HoboEmulatorOptions, loggers: string, start: string, end: string): Promise<Item[]> {
  const emu = new HoboEmulator({ now: () => NOW, legacyRateLimit: { requests: 1000, windowMs: 60000 }, ...options });
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
    const q = new URLSearchParams({ loggers, start_date_time: start, end_date_time: end });
    const body = (await (await fetch(`${url}/ws/data/file/JSON/user/26954?${q}`, { headers: { Authorization: `Bearer ${tok}` } })).json()) as {
      observation_list: Item[];
      max_results: boolean;
    };
    assert.equal(body.max_results, false);
    return body.observation_list;
  } finally {
    await emu.stop();
  }
}

/** Items keyed by timestamp, then measurement type. */
function byTime(items: Item[]): Map<string, Map<string, Item>> {
  const out = new Map<string, Map<string, Item>>();
  for (const i of items) {
    let m = out.get(i.timestamp);
    if (!m) out.set(i.timestamp, (m = new Map()));
    m.set(i.sensor_measurement_type, i);
  }
  return out;
}

const isMultiple = (v: number, step: number): boolean => Math.abs(v / step - Math.round(v / step)) < 1e-6;

describe("HOBOlink emulator: generated values", () => {
  let weather: Item[];
  let water: Item[];
  let mx: Item[];

  before(async () => {
    // Two summer weeks of every fixture (the weather station's outage is inside this range).
    weather = await fetchAll({}, "21092695", "2025-07-18 00:00:00", "2025-07-31 23:55:00");
    water = await fetchAll({}, "21150777", "2025-06-25 00:00:00", "2025-07-08 00:00:00");
    mx = await fetchAll({}, "21309641", "2025-07-18 00:00:00", "2025-07-31 23:50:00");
  });

  it("has the ten channels and units of the real RX3000 sample", () => {
    const units = new Map(weather.map((i) => [i.sensor_measurement_type, `${i.sensor_sn} ${i.si_unit}/${i.us_unit}`]));
    assert.deepEqual(Object.fromEntries(units), {
      Wetness: "21069815-1 %/%",
      "Solar Radiation": "21071488-1 W/m²/W/m²",
      Rain: "21076411-1 mm/in",
      Temperature: "21079936-1 °C/°F",
      RH: "21079936-2 %/%",
      "Dew Point": "21079936-3 °C/°F",
      "Wind Speed": "21082917-1 m/s/mph",
      "Gust Speed": "21082917-2 m/s/mph",
      "Wind Direction": "21082917-3 °/°",
      Battery: "21092695-S V/V",
    });
  });

  it("derives every US value exactly from the SI value", () => {
    const conv: Record<string, (si: number) => number> = {
      "°C>°F": (c) => (c * 9) / 5 + 32,
      "m/s>mph": (v) => v * 2.236936,
      "mm>in": (v) => v / 25.4,
      "meters>feet": (v) => v / 0.3048,
      "kPa>psi": (v) => v / 6.894757,
    };
    for (const i of [...weather, ...water, ...mx]) {
      const f = conv[`${i.si_unit}>${i.us_unit}`];
      if (f) assert.equal(i.us_value, f(i.si_value), `${i.sensor_sn} ${i.timestamp}`);
      else {
        assert.equal(i.si_unit, i.us_unit);
        assert.equal(i.us_value, i.si_value);
      }
    }
  });

  it("keeps weather physically consistent and on the real quantisation grids", () => {
    let dayMax = 0;
    let rainy = 0;
    for (const [ts, m] of byTime(weather)) {
      const t = m.get("Temperature")!.si_value;
      const rh = m.get("RH")!.si_value;
      const dp = m.get("Dew Point")!.si_value;
      const solar = m.get("Solar Radiation")!.si_value;
      const speed = m.get("Wind Speed")!.si_value;
      const gust = m.get("Gust Speed")!.si_value;
      const dir = m.get("Wind Direction")!.si_value;
      const rain = m.get("Rain")!.si_value;
      const wet = m.get("Wetness")!.si_value;
      const battery = m.get("Battery")!.si_value;
      assert.ok(t > -40 && t < 45, `${ts} T=${t}`);
      assert.ok(rh > 0 && rh <= 100, `${ts} RH=${rh}`);
      assert.ok(Math.abs(rh * 10 - Math.round(rh * 10)) < 1e-4, `${ts} RH step ${rh}`);
      assert.ok(dp <= t, `${ts} dew point ${dp} > T ${t}`);
      assert.ok(solar >= 0 && solar < 1400 && isMultiple(solar, 0.625), `${ts} solar ${solar}`);
      assert.ok(speed >= 0 && isMultiple(speed, 0.5033), `${ts} speed ${speed}`);
      assert.ok(gust >= speed && isMultiple(gust, 0.5033), `${ts} gust ${gust} < ${speed}`);
      assert.ok(dir >= 0 && dir <= 358 && isMultiple(dir, 358 / 255), `${ts} dir ${dir}`);
      assert.ok(rain >= 0 && isMultiple(rain, 0.2), `${ts} rain ${rain}`);
      assert.ok(wet >= 0 && wet <= 100 && isMultiple(wet, 10 / 17), `${ts} wetness ${wet}`);
      assert.ok(battery >= 4.2 && battery <= 4.35, `${ts} battery ${battery}`);
      dayMax = Math.max(dayMax, solar);
      if (rain > 0) rainy++;
      // Night in the station's time zone (UTC−5…−7): 06:00–09:00 UTC is before dawn.
      const hour = Number(ts.slice(11, 13));
      if (hour >= 6 && hour < 9) assert.equal(solar, 0, `${ts} night solar`);
    }
    assert.ok(dayMax > 400, `summer noon solar ${dayMax}`);
    const timestamps = byTime(weather).size;
    assert.ok(rainy > 0 && rainy < timestamps * 0.2, `rain in ${rainy} of ${timestamps} intervals`);
  });

  it("reports the Magnus dew point of each timestamp's temperature and RH", () => {
    // Magnus with the Sonntag constants, computed here independently of the generator.
    const magnus = (t: number, rh: number): number => {
      const gamma = Math.log(rh / 100) + (17.62 * t) / (243.12 + t);
      return (243.12 * gamma) / (17.62 - gamma);
    };
    let checked = 0;
    for (const items of [weather, mx]) {
      for (const [ts, m] of byTime(items)) {
        const t = m.get("Temperature")!.si_value;
        const rh = m.get("RH")!.si_value;
        const dp = m.get("Dew Point")!;
        assert.ok(Math.abs(dp.si_value - Math.min(t, magnus(t, rh))) < 1e-9, `${ts} dew point ${dp.si_value} for T=${t}, RH=${rh}`);
        assert.ok(Math.abs(dp.us_value - (dp.si_value * 9) / 5 - 32) < 1e-9, `${ts} dew point in °F`);
        checked += 1;
      }
    }
    assert.ok(checked > 5000, `${checked} timestamps`);
  });

  it("varies smoothly: temperature follows a daily cycle without jumps", () => {
    const temps = weather.filter((i) => i.sensor_measurement_type === "Temperature");
    for (let k = 1; k < temps.length; k++) {
      const dt = (Date.parse(temps[k].timestamp.replace(" ", "T")) - Date.parse(temps[k - 1].timestamp.replace(" ", "T"))) / 1000;
      if (dt === 300) assert.ok(Math.abs(temps[k].si_value - temps[k - 1].si_value) < 1.5, temps[k].timestamp);
    }
    const values = temps.map((i) => i.si_value);
    assert.ok(Math.max(...values) - Math.min(...values) > 5, "a fortnight spans more than 5 °C");
  });

  it("gives the water-level station consistent hydrology", () => {
    for (const [ts, m] of byTime(water)) {
      const level = m.get("Water Level")!.si_value;
      const diff = m.get("Diff Pressure")!.si_value;
      const baro = m.get("Barometric Pressure")!.si_value;
      assert.ok(level > 0 && level < 5, `${ts} level ${level}`);
      assert.ok(Math.abs(diff / 9.80665 - level) < 1e-9, `${ts} diff/level`);
      assert.ok(baro > 95 && baro < 106, `${ts} baro ${baro}`);
      assert.ok(m.get("Water Temperature")!.si_value > 0);
    }
  });

  it("keeps the MX logger clean: three channels at every 10-minute step", () => {
    const times = byTime(mx);
    assert.equal(times.size, 14 * 144);
    for (const m of times.values()) assert.equal(m.size, 3);
  });

  it("has the fixtures of the brief: weather outage, replaced water sensor, since = now − 400 days", () => {
    const stations = defaultStations(NOW);
    assert.deepEqual(
      stations.map((s) => [s.serial, s.kind, s.intervalSec, s.unitSystem, s.channels.length]),
      [
        ["21092695", "weather", 300, "US", 10],
        ["21150777", "water-level", 900, "SI", 5],
        ["21309641", "mx-temp-rh", 600, "SI", 3],
      ],
    );
    assert.equal(stations[0].gaps?.length, 1);
    assert.ok(stations[1].replacedSensor);
    assert.equal(stations[2].gaps, undefined);
    assert.equal(stations[2].replacedSensor, undefined);
    assert.equal(stations[0].since, "2024-06-27 00:00:00");
    // The outage (3 days before now, 10:00–11:00) is missing from the fetched rows.
    assert.equal(weather.filter((i) => i.timestamp.startsWith("2025-07-29 10:")).length, 0);
    assert.equal(weather.filter((i) => i.timestamp === "2025-07-29 11:00:00Z").length, 10);
  });

  it("supports a dead channel, a per-channel gap and channels with inferred generators", async () => {
    const items = await fetchAll(
      {
        stations: [
          {
            serial: "20123456",
            name: "Custom",
            kind: "weather",
            intervalSec: 300,
            unitSystem: "SI",
            deadChannel: "20123457-2",
            gaps: [{ start: "2025-07-01 00:10:00", end: "2025-07-01 00:20:00", sensorSn: "20123457-1" }],
            channels: [
              { sensorSn: "20123457-1", sensorKey: 10, type: "Temperature", siUnit: "°C", usUnit: "°F" },
              { sensorSn: "20123457-2", sensorKey: 11, type: "Water Temperature", siUnit: "°C", usUnit: "°F" },
              { sensorSn: "20123457-3", sensorKey: 12, type: "Soil Moisture", siUnit: "m³/m³", usUnit: "m³/m³" },
            ],
          },
        ],
      },
      "20123456",
      "2025-07-01 00:00:00",
      "2025-07-01 00:30:00",
    );
    const dead = items.filter((i) => i.sensor_sn === "20123457-2");
    assert.equal(dead.length, 7);
    assert.ok(dead.every((i) => i.si_value === DEAD_VALUE && i.us_value === DEAD_VALUE));
    assert.deepEqual(
      items.filter((i) => i.sensor_sn === "20123457-1").map((i) => i.timestamp.slice(11, 16)),
      ["00:00", "00:05", "00:20", "00:25", "00:30"],
    );
    assert.ok(items.filter((i) => i.sensor_sn === "20123457-3").every((i) => Number.isFinite(i.si_value)));
  });

  it("gives different stations different weather", async () => {
    const a = await fetchAll({ extraStations: 2 }, "22050044", "2025-07-20 00:00:00", "2025-07-20 01:00:00");
    const b = await fetchAll({ extraStations: 2 }, "22057963", "2025-07-20 00:00:00", "2025-07-20 01:00:00");
    const temp = (items: Item[]): number[] => items.filter((i) => i.sensor_measurement_type === "Temperature").map((i) => i.si_value);
    assert.equal(temp(a).length, 13);
    assert.notDeepEqual(temp(a), temp(b));
  });
});
