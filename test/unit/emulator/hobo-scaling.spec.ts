// HOBOlink emulator: user-configured scaling. Legacy rows carry scaled_value/scaled_unit for a
// scaled channel (0 and null for the others); LI-COR v1 reports only the scaled value, in the
// scaled unit, under the scaled measurement name (reference §2.3, §8.2).
import assert from "node:assert/strict";
import { HoboEmulator, type HoboEmulatorStation } from "../../../src/emulator/hobo";

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const SERIAL = "21150777";

const station: HoboEmulatorStation = {
  serial: SERIAL,
  name: "Scaled stream gauge",
  kind: "water-level",
  intervalSec: 900,
  unitSystem: "US",
  since: "2025-01-01 00:00:00",
  channels: [
    { sensorSn: "20958112-2", sensorKey: 2104411, type: "Water Temperature", siUnit: "°C", usUnit: "°F" },
    {
      sensorSn: "20958112-3",
      sensorKey: 2104412,
      type: "Water Level",
      siUnit: "meters",
      usUnit: "feet",
      scaled: { unit: "cm", factor: 100, offset: -12.5, type: "Stage" },
    },
  ],
};

interface Legacy {
  sensor_sn: string;
  si_value: number;
  scaled_value: number;
  scaled_unit: string | null;
  sensor_measurement_type: string;
}
interface V1 {
  sensor_sn: string;
  value: number;
  unit: string;
  sensor_measurement_type: string;
}

describe("HOBOlink emulator: scaled channels", () => {
  let emu: HoboEmulator;
  let url: string;
  before(async () => {
    emu = new HoboEmulator({ now: () => NOW, stations: [station] });
    url = await emu.start();
  });
  after(() => emu.stop());

  const query = new URLSearchParams({ loggers: SERIAL, start_date_time: "2025-06-14 00:00:00", end_date_time: "2025-06-14 06:00:00" });

  it("legacy: scaled_value = SI × factor + offset and scaled_unit for the scaled channel only", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret });
    const { access_token } = (await (await fetch(`${url}/ws/auth/token`, { method: "POST", body: form })).json()) as { access_token: string };
    const res = await fetch(`${url}/ws/data/file/JSON/user/${emu.legacy.userId}?${query}`, { headers: { Authorization: `Bearer ${access_token}` } });
    const rows = ((await res.json()) as { observation_list: Legacy[] }).observation_list;
    assert.equal(rows.length, 25 * 2);
    for (const r of rows) {
      if (r.sensor_sn === "20958112-3") {
        assert.equal(r.scaled_unit, "cm");
        assert.ok(Math.abs(r.scaled_value - (r.si_value * 100 - 12.5)) < 1e-9);
        assert.equal(r.sensor_measurement_type, "Water Level");
      } else {
        assert.equal(r.scaled_value, 0);
        assert.equal(r.scaled_unit, null);
      }
    }
  });

  it("LI-COR v1: the scaled value, unit and measurement name; other channels in the device's units", async () => {
    const res = await fetch(`${url}/v1/data?${query}`, { headers: { Authorization: `Bearer ${emu.licor.token}` } });
    const rows = ((await res.json()) as { data: V1[] }).data;
    const level = rows.filter((r) => r.sensor_sn === "20958112-3");
    const temp = rows.filter((r) => r.sensor_sn === "20958112-2");
    assert.equal(level.length, 25);
    assert.ok(level.every((r) => r.unit === "cm" && r.sensor_measurement_type === "Stage" && r.value > 0));
    assert.ok(temp.every((r) => r.unit === "°F" && r.sensor_measurement_type === "Water Temperature"));
  });

  it("refuses a scaling without a unit or with a factor that is not a number", () => {
    const bad = (scaled: unknown) => ({ ...station, channels: [{ ...station.channels[0], scaled }] }) as HoboEmulatorStation;
    assert.throws(() => new HoboEmulator({ stations: [bad({ unit: "", factor: 1 })] }), /scaling needs a unit/);
    assert.throws(() => new HoboEmulator({ stations: [bad({ unit: "cm", factor: Number.NaN })] }), /finite factor/);
  });
});
