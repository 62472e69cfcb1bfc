// Station fixtures for the HOBOlink emulator (reference §10): the public station/channel types,
// the three default stations and generated extra weather stations (station-model.ts resolves
// them into the model the row generator works from).

/** What the value generator produces for a channel. Inferred from `type` when not given. */
export type Quantity =
  | "temperature"
  | "rh"
  | "dewPoint"
  | "solarRadiation"
  | "rain"
  | "windSpeed"
  | "gustSpeed"
  | "windDirection"
  | "wetness"
  | "battery"
  | "waterLevel"
  | "waterTemperature"
  | "barometricPressure"
  | "diffPressure"
  | "generic";

export interface HoboEmulatorChannel {
  /** "<sensor serial>-<channel>", or "<logger serial>-S" for the logger's own battery channel. */
  sensorSn: string;
  sensorKey: number;
  /** sensor_measurement_type, e.g. "Temperature". */
  type: string;
  siUnit: string;
  usUnit: string;
  /** Which generator feeds the channel; inferred from `type` when absent. */
  quantity?: Quantity;
  /** User-configured scaling (legacy scaled_value/scaled_unit; LI-COR reports the scaled value). */
  scaled?: HoboEmulatorScaling;
}

/**
 * A channel scaled in HOBOlink: scaled = SI value × factor + offset. Legacy rows carry it in
 * scaled_value/scaled_unit (unscaled channels send 0 and null); LI-COR v1 reports only the scaled
 * value, in the scaled unit, under the scaled measurement name (reference §2.3, §8.2).
 */
export interface HoboEmulatorScaling {
  unit: string;
  factor: number;
  offset?: number;
  /** The scaled measurement name LI-COR reports; default the channel's type. */
  type?: string;
}

export interface HoboEmulatorReplacedSensor {
  /** The channel (by its original sensor_sn) whose sensor was swapped. */
  sensorSn: string;
  /** The sensor_sn reported from `from` on. */
  newSensorSn: string;
  /** UTC "yyyy-MM-dd HH:mm:ss" (or ISO) from which the new serial is reported. */
  from: string;
  /** sensor_key of the new channel; default: one above the highest key of the station. */
  newSensorKey?: number;
}

export interface HoboEmulatorGap {
  /** UTC, inclusive. */
  start: string;
  /** UTC, exclusive. */
  end: string;
  /** Only this channel is missing; all channels when absent (logger offline). */
  sensorSn?: string;
}

export interface HoboEmulatorStation {
  serial: string;
  name: string;
  kind: "weather" | "water-level" | "mx-temp-rh" | string;
  intervalSec: number;
  /** Units of `value` on the LI-COR v1 endpoint (the device's configured units). */
  unitSystem: "SI" | "US";
  channels: HoboEmulatorChannel[];
  /** UTC date of the first row; default: now − 400 days, at midnight UTC. */
  since?: string;
  /** Whether the emulated user owns the logger; default true. */
  owned?: boolean;
  gaps?: HoboEmulatorGap[];
  /** sensor_sn of a channel that reports the legacy bad-sensor marker −888.88. */
  deadChannel?: string;
  replacedSensor?: HoboEmulatorReplacedSensor;
}

export const DEAD_VALUE = -888.88;

export const DAY = 86400;

/** "yyyy-MM-dd HH:mm:ss" for epoch seconds (UTC). */
export function formatUtc(sec: number): string {
  const iso = new Date(sec * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Lenient parser for fixture/test times: "yyyy-MM-dd HH:mm:ss" (UTC) or anything Date.parse takes. */
export function parseLenientUtc(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})Z?$/.exec(text.trim());
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`Invalid UTC time: ${text}`);
  return Math.floor(ms / 1000);
}

function ch(sensorSn: string, sensorKey: number, type: string, siUnit: string, usUnit: string, quantity: Quantity): HoboEmulatorChannel {
  return { sensorSn, sensorKey, type, siUnit, usUnit, quantity };
}

/** The ten channels of the real RX3000 sample (reference §2.3/§10.1). */
function weatherChannels(
  loggerSn: string,
  sensors: { thb: string; solar: string; rain: string; wind: string; wet: string },
  firstKey: number,
  batteryKey: number,
): HoboEmulatorChannel[] {
  return [
    ch(`${sensors.wet}-1`, firstKey, "Wetness", "%", "%", "wetness"),
    ch(`${sensors.thb}-1`, firstKey + 1, "Temperature", "°C", "°F", "temperature"),
    ch(`${sensors.thb}-2`, firstKey + 2, "RH", "%", "%", "rh"),
    ch(`${sensors.thb}-3`, firstKey + 3, "Dew Point", "°C", "°F", "dewPoint"),
    ch(`${sensors.solar}-1`, firstKey + 4, "Solar Radiation", "W/m²", "W/m²", "solarRadiation"),
    ch(`${sensors.rain}-1`, firstKey + 5, "Rain", "mm", "in", "rain"),
    ch(`${sensors.wind}-1`, firstKey + 6, "Wind Speed", "m/s", "mph", "windSpeed"),
    ch(`${sensors.wind}-2`, firstKey + 7, "Gust Speed", "m/s", "mph", "gustSpeed"),
    ch(`${sensors.wind}-3`, firstKey + 8, "Wind Direction", "°", "°", "windDirection"),
    ch(`${loggerSn}-S`, batteryKey, "Battery", "V", "V", "battery"),
  ];
}

/**
 * The default fixtures: (a) RX3000 weather station (5 min, US units on v1, one short outage),
 * (b) water-level station (15 min, SI, barometric sensor replaced 30 days ago), (c) a clean
 * MX temperature/RH logger (10 min, SI). Dates are relative to `nowMs` so windows near "now" work.
 */
export function defaultStations(nowMs: number): HoboEmulatorStation[] {
  const today = Math.floor(nowMs / 1000 / DAY) * DAY;
  const since = formatUtc(today - 400 * DAY);
  const gapDay = today - 3 * DAY;
  return [
    {
      serial: "21092695",
      name: "BESTLab Rooftop Weather Station",
      kind: "weather",
      intervalSec: 300,
      unitSystem: "US",
      since,
      channels: weatherChannels("21092695", { thb: "21079936", solar: "21071488", rain: "21076411", wind: "21082917", wet: "21069815" }, 2033524, 1167327),
      // A one-hour communications outage: every channel is missing.
      gaps: [{ start: formatUtc(gapDay + 10 * 3600), end: formatUtc(gapDay + 11 * 3600) }],
    },
    {
      serial: "21150777",
      name: "Mill Brook Stream Gauge",
      kind: "water-level",
      intervalSec: 900,
      unitSystem: "SI",
      since,
      channels: [
        ch("20958112-1", 2104410, "Diff Pressure", "kPa", "psi", "diffPressure"),
        ch("20958112-2", 2104411, "Water Temperature", "°C", "°F", "waterTemperature"),
        ch("20958112-3", 2104412, "Water Level", "meters", "feet", "waterLevel"),
        ch("20961004-1", 2104413, "Barometric Pressure", "kPa", "psi", "barometricPressure"),
        ch("21150777-S", 1198215, "Battery", "V", "V", "battery"),
      ],
      replacedSensor: { sensorSn: "20961004-1", newSensorSn: "21304418-1", from: formatUtc(today - 30 * DAY + 14 * 3600), newSensorKey: 2311876 },
    },
    {
      serial: "21309641",
      name: "Greenhouse MX2301A Temp/RH",
      kind: "mx-temp-rh",
      intervalSec: 600,
      unitSystem: "SI",
      since,
      channels: [
        ch("21309641-1", 2251307, "Temperature", "°C", "°F", "temperature"),
        ch("21309641-2", 2251308, "RH", "%", "%", "rh"),
        ch("21309641-3", 2251309, "Dew Point", "°C", "°F", "dewPoint"),
      ],
    },
  ];
}

/** N more weather stations (serials 22xxxxxx) for multi-logger tests; deterministic in `index`. */
export function extraWeatherStations(count: number, nowMs: number): HoboEmulatorStation[] {
  const today = Math.floor(nowMs / 1000 / DAY) * DAY;
  const since = formatUtc(today - 400 * DAY);
  const out: HoboEmulatorStation[] = [];
  for (let i = 0; i < count; i++) {
    const serial = String(22050044 + i * 7919);
    const base = 22400000 + i * 40;
    out.push({
      serial,
      name: `Extra Weather Station ${i + 1}`,
      kind: "weather",
      intervalSec: 300,
      unitSystem: "US",
      since,
      channels: weatherChannels(
        serial,
        { thb: String(base + 1), solar: String(base + 2), rain: String(base + 3), wind: String(base + 4), wet: String(base + 5) },
        2400000 + i * 16,
        1170000 + i,
      ),
    });
  }
  return out;
}
