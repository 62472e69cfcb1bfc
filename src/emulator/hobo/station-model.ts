// The resolved station model the row generator works from: times parsed to epoch seconds,
// quantities inferred, sensor replacements and scalings precomputed for the hot loop.
import { DAY, parseLenientUtc, type HoboEmulatorChannel, type HoboEmulatorScaling, type HoboEmulatorStation, type Quantity } from "./stations";

const QUANTITY_BY_TYPE: Record<string, Quantity> = {
  temperature: "temperature",
  "air temperature": "temperature",
  rh: "rh",
  "dew point": "dewPoint",
  "solar radiation": "solarRadiation",
  rain: "rain",
  "wind speed": "windSpeed",
  "gust speed": "gustSpeed",
  "wind direction": "windDirection",
  wetness: "wetness",
  battery: "battery",
  "water level": "waterLevel",
  "water temperature": "waterTemperature",
  "barometric pressure": "barometricPressure",
  pressure: "barometricPressure",
  "diff pressure": "diffPressure",
  "differential pressure": "diffPressure",
};

export function inferQuantity(type: string): Quantity {
  return QUANTITY_BY_TYPE[type.trim().toLowerCase()] ?? "generic";
}

/** A channel with everything the hot loop needs precomputed. */
export interface ChannelModel {
  readonly sensorSn: string;
  readonly sensorKey: number;
  readonly type: string;
  readonly siUnit: string;
  readonly usUnit: string;
  readonly quantity: Quantity;
  readonly dead: boolean;
  /** Replacement: from `replacedFromSec` on, report `newSensorSn` / `newSensorKey`. */
  readonly replacedFromSec: number;
  readonly newSensorSn: string;
  readonly newSensorKey: number;
  readonly scale?: { readonly unit: string; readonly factor: number; readonly offset: number; readonly type: string };
}

export interface GapModel {
  readonly startSec: number;
  readonly endSec: number;
  readonly sensorSn?: string;
}

export interface StationModel {
  readonly serial: string;
  readonly name: string;
  readonly kind: string;
  readonly intervalSec: number;
  readonly unitSystem: "SI" | "US";
  readonly owned: boolean;
  readonly sinceSec: number;
  readonly gaps: readonly GapModel[];
  readonly channels: readonly ChannelModel[];
  /** 32-bit seed from the serial: per-station phases and noise. */
  readonly seed: number;
}

/** FNV-1a, for turning serials into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function scaleOf(serial: string, c: HoboEmulatorChannel, sc: HoboEmulatorScaling): NonNullable<ChannelModel["scale"]> {
  const offset = sc.offset ?? 0;
  if (!sc.unit || !Number.isFinite(sc.factor) || !Number.isFinite(offset))
    throw new Error(`Station ${serial}, channel ${c.sensorSn}: scaling needs a unit and a finite factor (and offset)`);
  return { unit: sc.unit, factor: sc.factor, offset, type: sc.type ?? c.type };
}

export function resolveStation(station: HoboEmulatorStation, nowMs: number): StationModel {
  if (!/^\S+$/.test(station.serial)) throw new Error(`Station serial must be a non-empty token: "${station.serial}"`);
  if (!Number.isInteger(station.intervalSec) || station.intervalSec <= 0) throw new Error(`Station ${station.serial}: intervalSec must be a positive integer`);
  const maxKey = station.channels.reduce((m, c) => Math.max(m, c.sensorKey), 0);
  const rep = station.replacedSensor;
  const repFrom = rep ? parseLenientUtc(rep.from) : Number.POSITIVE_INFINITY;
  const channels: ChannelModel[] = station.channels.map((c) => {
    const replaced = rep !== undefined && rep.sensorSn === c.sensorSn;
    return {
      sensorSn: c.sensorSn,
      sensorKey: c.sensorKey,
      type: c.type,
      siUnit: c.siUnit,
      usUnit: c.usUnit,
      quantity: c.quantity ?? inferQuantity(c.type),
      dead: station.deadChannel === c.sensorSn,
      replacedFromSec: replaced ? repFrom : Number.POSITIVE_INFINITY,
      newSensorSn: replaced ? rep.newSensorSn : c.sensorSn,
      newSensorKey: replaced ? (rep.newSensorKey ?? maxKey + 1) : c.sensorKey,
      scale: c.scaled ? scaleOf(station.serial, c, c.scaled) : undefined,
    };
  });
  const defaultSince = Math.floor(nowMs / 1000 / DAY) * DAY - 400 * DAY;
  return {
    serial: station.serial,
    name: station.name,
    kind: station.kind,
    intervalSec: station.intervalSec,
    unitSystem: station.unitSystem,
    owned: station.owned ?? true,
    sinceSec: station.since !== undefined ? parseLenientUtc(station.since) : defaultSince,
    gaps: (station.gaps ?? []).map((g) => ({ startSec: parseLenientUtc(g.start), endSec: parseLenientUtc(g.end), sensorSn: g.sensorSn })),
    channels,
    seed: hashString(station.serial),
  };
}
