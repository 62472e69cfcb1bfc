/**
 * Typed reading records from status and logs. With a spec, an Integer becomes value / 10^scale
 * in the spec's unit (the raw value kept in extra.raw) and log text becomes the spec's type;
 * without one, log text is read by content ("true"/"false", numeric text).
 */
import type { ReadingRecord, ReadingValue } from "../core/records";
import { findSpec, specValues, type TuyaDataPoint, type TuyaLogEntry, type TuyaSpec } from "./model";

export interface TuyaRecordOptions {
  deviceName?: string;
  spec?: TuyaSpec;
}

const NUMERIC = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

function byContent(v: unknown): ReadingValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v !== "string") return JSON.stringify(v);
  if (v === "true" || v === "false") return v === "true";
  return NUMERIC.test(v.trim()) ? Number(v) : v;
}

interface Converted {
  value: ReadingValue;
  unit?: string;
  raw?: unknown;
}

function convert(code: string, v: unknown, spec: TuyaSpec | undefined): Converted {
  const f = findSpec(spec, code);
  if (!f) return { value: byContent(v) };
  const values = specValues(f);
  const unit = typeof values.unit === "string" && values.unit !== "" ? values.unit : undefined;
  switch (f.type) {
    case "Integer": {
      const n = typeof v === "number" ? v : Number(v);
      if (v === "" || v === null || !Number.isFinite(n)) return { value: byContent(v), unit };
      const scale = Number(values.scale ?? 0);
      if (!Number.isInteger(scale) || scale <= 0) return { value: n, unit };
      return { value: n / 10 ** scale, unit, raw: n };
    }
    case "Boolean":
      return { value: typeof v === "boolean" ? v : v === "true" ? true : v === "false" ? false : byContent(v) };
    case "Enum":
    case "String":
      return { value: typeof v === "string" ? v : byContent(v) };
    default:
      return { value: typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : byContent(v) };
  }
}

function record(deviceId: string, code: string, time: Date, c: Converted, opts: TuyaRecordOptions, extra: Record<string, unknown>): ReadingRecord {
  const r: ReadingRecord = { time, source: "tuya", device: deviceId, sensor: code, name: code, value: c.value };
  if (opts.deviceName) r.deviceName = opts.deviceName;
  if (c.unit) r.unit = c.unit;
  const all = c.raw !== undefined ? { ...extra, raw: c.raw } : extra;
  if (Object.keys(all).length) r.extra = all;
  return r;
}

/** One record per data point of a status answer, stamped with `time` (default now). */
export function statusToRecords(deviceId: string, status: TuyaDataPoint[], opts: TuyaRecordOptions & { time?: Date } = {}): ReadingRecord[] {
  const time = opts.time ?? new Date();
  return status.map((dp) => record(deviceId, dp.code, time, convert(dp.code, dp.value, opts.spec), opts, {}));
}

/** One record per log entry, at its event_time; extra carries event_id, event_from and status. */
export function logsToRecords(deviceId: string, logs: TuyaLogEntry[], opts: TuyaRecordOptions = {}): ReadingRecord[] {
  return logs.map((e) => {
    const extra: Record<string, unknown> = {};
    if (e.event_id !== undefined) extra.event_id = e.event_id;
    if (e.event_from !== undefined) extra.event_from = e.event_from;
    if (e.status !== undefined) extra.status = e.status;
    return record(deviceId, e.code, new Date(Number(e.event_time)), convert(e.code, e.value, opts.spec), opts, extra);
  });
}
