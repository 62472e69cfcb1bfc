// Deterministic, stateless sensor values (reference §10.3): every value is a pure function of
// (station seed, quantity, timestamp), built from smooth functions of time (season, day, weather
// systems as interpolated hash noise) plus per-timestamp hash noise. No Math.random and no
// sequential state, so any window can be generated directly and repeats are byte-identical.
import type { ChannelModel, StationModel } from "./station-model";
import { DEAD_VALUE, type Quantity } from "./stations";

const TAU = Math.PI * 2;
const DAY = 86400;
const YEAR_DAYS = 365.2425;

// Quantisation steps seen in real data (reference §10.1).
export const WIND_STEP = 0.5033; // m/s
export const DIRECTION_STEP = 358 / 255; // degrees, 256 levels
export const SOLAR_STEP = 0.625; // W/m²
export const RAIN_TIP_MM = 0.2;
export const WETNESS_STEP = 10 / 17; // %
export const BATTERY_STEP = 0.0015; // V

/** 32-bit integer mix (murmur3 finaliser) → [0, 1). */
function hash01(seed: number, salt: number, k: number): number {
  let h = (seed ^ Math.imul(salt, 0x9e3779b1) ^ Math.imul(k | 0, 0x85ebca77)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Per-timestamp noise in [-1, 1]. */
function noise(seed: number, salt: number, t: number): number {
  return hash01(seed, salt, t) * 2 - 1;
}

/** Smooth value noise in [-1, 1] with knots every `period` seconds: a stateless "random walk". */
function smooth(seed: number, salt: number, t: number, period: number): number {
  const x = t / period;
  const k = Math.floor(x);
  const f = x - k;
  const a = hash01(seed, salt, k) * 2 - 1;
  const b = hash01(seed, salt, k + 1) * 2 - 1;
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}

// Salts keep the noise streams of different quantities independent.
const S = {
  temp: 11,
  tempFast: 12,
  tempNoise: 13,
  cloud: 21,
  rh: 31,
  rhNoise: 32,
  solarNoise: 41,
  rainStorm: 51,
  rainTip: 52,
  rainAmount: 53,
  wind: 61,
  windFast: 62,
  windGust: 63,
  dir: 71,
  dirFast: 72,
  battery: 81,
  level: 91,
  levelNoise: 92,
  waterTemp: 101,
  baro: 111,
  baroFast: 112,
  generic: 121,
} as const;

/** Per-station climate, derived from the seed so every station looks a little different. */
interface Climate {
  meanC: number;
  seasonAmp: number;
  dayAmp: number;
  utcOffsetH: number;
  latRad: number;
}

const climateCache = new WeakMap<StationModel, Climate>();

function climate(st: StationModel): Climate {
  let c = climateCache.get(st);
  if (!c) {
    const u = (salt: number): number => hash01(st.seed, salt, 0);
    c = {
      meanC: 8 + 5 * u(1),
      seasonAmp: 9 + 4 * u(2),
      dayAmp: 4 + 3 * u(3),
      utcOffsetH: -(5 + Math.floor(3 * u(4))),
      latRad: ((38 + 8 * u(5)) * Math.PI) / 180,
    };
    climateCache.set(st, c);
  }
  return c;
}

function localHour(c: Climate, t: number): number {
  return (((t / 3600 + c.utcOffsetH) % 24) + 24) % 24;
}

/** −1 in mid-January, +1 in mid-July (days since epoch ≈ day of year, well enough for weather). */
function season(t: number, lagDays = 0): number {
  return -Math.cos((TAU * (t / DAY - 20 - lagDays)) / YEAR_DAYS);
}

/** Cloud cover in [0, 1]. */
function cloudiness(st: StationModel, t: number): number {
  return Math.min(1, Math.max(0, 0.45 + 0.55 * smooth(st.seed, S.cloud, t, 7 * 3600)));
}

/** Sine of the sun's elevation (negative at night). */
function sunElevationSin(st: StationModel, t: number): number {
  const c = climate(st);
  const decl = ((23.44 * Math.PI) / 180) * season(t, -10);
  const hourAngle = ((localHour(c, t) - 12) * 15 * Math.PI) / 180;
  return Math.sin(c.latRad) * Math.sin(decl) + Math.cos(c.latRad) * Math.cos(decl) * Math.cos(hourAngle);
}

export function airTemperature(st: StationModel, t: number): number {
  const c = climate(st);
  const day = Math.cos((TAU * (localHour(c, t) - 15)) / 24) * c.dayAmp * (1.1 - 0.5 * cloudiness(st, t));
  return (
    c.meanC +
    c.seasonAmp * season(t) +
    day +
    3.5 * smooth(st.seed, S.temp, t, 3.1 * DAY) +
    1.2 * smooth(st.seed, S.tempFast, t, 5 * 3600) +
    0.06 * noise(st.seed, S.tempNoise, t)
  );
}

/** RH in %, anti-correlated with the daily temperature cycle, ≤ 100, 0.1 steps as float32. */
export function relativeHumidity(st: StationModel, t: number): number {
  const c = climate(st);
  const raw =
    70 -
    18 * Math.cos((TAU * (localHour(c, t) - 15)) / 24) +
    14 * smooth(st.seed, S.rh, t, 2.3 * DAY) +
    10 * cloudiness(st, t) +
    0.6 * noise(st.seed, S.rhNoise, t);
  const q = Math.round(Math.min(100, Math.max(8, raw)) * 10) / 10;
  // The real service sends float32 artefacts (70.59999684…); fround(100) stays exactly 100.
  return Math.fround(q);
}

/** Magnus formula (Sonntag constants); never above the air temperature. */
export function dewPoint(tempC: number, rh: number): number {
  const a = 17.62;
  const b = 243.12;
  const gamma = Math.log(rh / 100) + (a * tempC) / (b + tempC);
  return Math.min(tempC, (b * gamma) / (a - gamma));
}

function solarRadiation(st: StationModel, t: number): number {
  const elev = sunElevationSin(st, t);
  if (elev <= 0) return 0;
  const clear = 1080 * Math.pow(elev, 1.15);
  const v = clear * (1 - 0.72 * cloudiness(st, t)) * (1 + 0.04 * noise(st.seed, S.solarNoise, t));
  return Math.max(0, Math.floor(v / SOLAR_STEP)) * SOLAR_STEP;
}

/** Storminess in [-1, 1]; rain only when well above zero. */
function storm(st: StationModel, t: number): number {
  return smooth(st.seed, S.rainStorm, t, 5 * 3600);
}

function rainTips(st: StationModel, t: number): number {
  const intensity = (storm(st, t) - 0.6) / 0.4;
  if (intensity <= 0) return 0;
  if (hash01(st.seed, S.rainTip, t) > intensity * 0.7) return 0;
  return 1 + Math.floor(hash01(st.seed, S.rainAmount, t) * intensity * 4);
}

function rain(st: StationModel, t: number): number {
  return rainTips(st, t) * RAIN_TIP_MM;
}

/** Wind speed as an integer number of 0.5033 m/s steps (gamma-ish: often calm, sometimes strong). */
function windSteps(st: StationModel, t: number): number {
  const c = climate(st);
  const base =
    2.3 + 1.2 * Math.cos((TAU * (localHour(c, t) - 14)) / 24) + 2.2 * smooth(st.seed, S.wind, t, 1.4 * DAY) + 1.1 * smooth(st.seed, S.windFast, t, 40 * 60);
  const speed = base > 0 ? base * (0.8 + (0.4 * Math.max(0, base)) / 4) : 0;
  return Math.max(0, Math.round(speed / WIND_STEP));
}

function gustSteps(st: StationModel, t: number, speedSteps: number): number {
  return speedSteps + Math.floor(speedSteps * 0.45 + 1 + 3 * hash01(st.seed, S.windGust, t));
}

function windDirection(st: StationModel, t: number): number {
  const deg = 225 + 170 * smooth(st.seed, S.dir, t, 1.7 * DAY) + 40 * smooth(st.seed, S.dirFast, t, 3 * 3600);
  const wrapped = ((deg % 360) + 360) % 360;
  const level = Math.round(wrapped / DIRECTION_STEP) % 256;
  return level * DIRECTION_STEP;
}

function wetness(st: StationModel, t: number): number {
  const rh = relativeHumidity(st, t);
  const wet = rainTips(st, t) > 0 ? 60 + 40 * hash01(st.seed, S.rainAmount, t + 1) : rh >= 93 ? (rh - 93) * 8 : 0;
  return Math.round(Math.min(100, wet) / WETNESS_STEP) * WETNESS_STEP;
}

function battery(st: StationModel, t: number): number {
  const charge = Math.max(0, sunElevationSin(st, t)) * (1 - cloudiness(st, t));
  const v = 4.272 + 0.045 * smooth(st.seed, S.battery, t, 4.5 * DAY) + 0.03 * charge;
  return Math.round(Math.min(4.35, Math.max(4.2, v)) / BATTERY_STEP) * BATTERY_STEP;
}

/** Stream stage in meters: slow baseflow plus a lagged response to storms. */
function waterLevel(st: StationModel, t: number): number {
  const base = 0.95 + 0.2 * smooth(st.seed, S.level, t, 6 * DAY) + 0.05 * season(t, 60);
  const storms = 0.35 * Math.max(0, storm(st, t - 3 * 3600) - 0.4) + 0.2 * Math.max(0, storm(st, t - 8 * 3600) - 0.4);
  return Math.max(0.05, base + storms + 0.0015 * noise(st.seed, S.levelNoise, t));
}

function waterTemperature(st: StationModel, t: number): number {
  const c = climate(st);
  return Math.max(
    0.1,
    c.meanC + 0.8 * c.seasonAmp * season(t, 20) + 1.1 * Math.cos((TAU * (localHour(c, t) - 17)) / 24) + 1.2 * smooth(st.seed, S.waterTemp, t, 4 * DAY),
  );
}

/** Barometric pressure in kPa, 0.01 kPa (0.1 mbar) steps. */
function barometricPressure(st: StationModel, t: number): number {
  const c = climate(st);
  const v =
    101.325 +
    1.3 * smooth(st.seed, S.baro, t, 2.6 * DAY) +
    0.35 * smooth(st.seed, S.baroFast, t, 9 * 3600) +
    0.08 * Math.cos((TAU * 2 * (localHour(c, t) - 10)) / 24);
  return Math.round(v * 100) / 100;
}

/** kPa of water column per meter (ρ = 1000 kg/m³, g = 9.80665). */
const KPA_PER_METER = 9.80665;

/** The SI value of one quantity at time t (epoch seconds). */
export function siValueOf(st: StationModel, quantity: Quantity, t: number): number {
  switch (quantity) {
    case "temperature":
      return airTemperature(st, t);
    case "rh":
      return relativeHumidity(st, t);
    case "dewPoint":
      return dewPoint(airTemperature(st, t), relativeHumidity(st, t));
    case "solarRadiation":
      return solarRadiation(st, t);
    case "rain":
      return rain(st, t);
    case "windSpeed":
      return windSteps(st, t) * WIND_STEP;
    case "gustSpeed":
      return gustSteps(st, t, windSteps(st, t)) * WIND_STEP;
    case "windDirection":
      return windDirection(st, t);
    case "wetness":
      return wetness(st, t);
    case "battery":
      return battery(st, t);
    case "waterLevel":
      return waterLevel(st, t);
    case "diffPressure":
      return waterLevel(st, t) * KPA_PER_METER;
    case "waterTemperature":
      return waterTemperature(st, t);
    case "barometricPressure":
      return barometricPressure(st, t);
    case "generic":
      return 50 + 10 * Math.cos((TAU * t) / DAY) + 5 * smooth(st.seed, S.generic, t, 2 * DAY);
  }
}

/** SI value of a channel, honouring the dead-channel marker. */
export function siValue(st: StationModel, channel: ChannelModel, t: number): number {
  return channel.dead ? DEAD_VALUE : siValueOf(st, channel.quantity, t);
}

/** US value derived exactly from the SI value by unit (reference §10.3); identity when units match. */
export function toUs(si: number, siUnit: string, usUnit: string): number {
  if (si === DEAD_VALUE || siUnit === usUnit) return si;
  switch (`${siUnit}>${usUnit}`) {
    case "°C>°F":
      return (si * 9) / 5 + 32;
    case "m/s>mph":
      return si * 2.236936;
    case "mm>in":
      return si / 25.4;
    case "meters>feet":
    case "m>ft":
      return si / 0.3048;
    case "kPa>psi":
      return si / 6.894757;
    default:
      return si;
  }
}
