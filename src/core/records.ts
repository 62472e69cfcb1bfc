/**
 * One reading record shape for both clouds, and the output formats the nodes offer:
 * records (the array itself), InfluxDB batch points, and one message per reading.
 * The "raw" format is the API result itself and needs no formatter.
 */
export type Source = "tuya" | "hobolink" | "egauge";
export type ReadingValue = number | boolean | string | null;

export interface ReadingRecord {
  time: Date;
  source: Source;
  /** Tuya device id, HOBO logger serial or eGauge meter name. */
  device: string;
  /** Friendly device or logger name, when known. */
  deviceName?: string;
  /** Tuya data-point code or HOBO sensor serial ("21079936-1"). */
  sensor: string;
  /** What is measured: Tuya code or HOBO measurement type ("Temperature"). */
  name: string;
  value: ReadingValue;
  unit?: string;
  /** Source-specific details (Tuya event_id/event_from, HOBO data_type, us_value, ...). */
  extra?: Record<string, unknown>;
}

export const OUTPUT_FORMATS = ["raw", "records", "influx", "messages"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === "string" && (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/**
 * How a record's time leaves the node: ISO 8601 text (the default: the core csv node, JSON,
 * files and databases take it as it is), epoch milliseconds (charts, numeric stores), or the Date
 * object itself (for function nodes written against older versions; csv writes it badly).
 */
export const TIME_FORMATS = ["iso", "epoch", "date"] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];
export const DEFAULT_TIME_FORMAT: TimeFormat = "iso";

export function isTimeFormat(value: unknown): value is TimeFormat {
  return typeof value === "string" && (TIME_FORMATS as readonly string[]).includes(value);
}

/** A record as sent: its time in the chosen form. */
export type OutputRecord = Omit<ReadingRecord, "time"> & { time: string | number | Date };

/** The time in the chosen form (an invalid date as empty text rather than a throw). */
export function formatTime(time: Date, as: TimeFormat): string | number | Date {
  if (as === "date") return time;
  if (as === "epoch") return time.getTime();
  return Number.isNaN(time.getTime()) ? "" : time.toISOString();
}

/** The records with their time in the chosen form (new objects; the input is left as it is). */
export function recordsWithTime(records: readonly ReadingRecord[], as: TimeFormat = DEFAULT_TIME_FORMAT): OutputRecord[] {
  return records.map((r) => ({ ...r, time: formatTime(r.time, as) }));
}

export interface InfluxPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | boolean | string>;
  timestamp: Date;
}

/**
 * A value a store can hold: not null, and a number only when finite (InfluxDB rejects NaN and
 * infinities, and one such field fails the whole batch write).
 */
function storable(value: ReadingValue | undefined): value is number | boolean | string {
  return value !== null && value !== undefined && (typeof value !== "number" || Number.isFinite(value));
}

/**
 * Points for node-red-contrib-influxdb's "influxdb batch" node. Timestamps stay Date objects,
 * which that node writes correctly in every InfluxDB mode; null values are skipped because
 * InfluxDB 2 silently drops them anyway, and NaN/infinite ones because InfluxDB rejects them.
 * Empty tag values are left out (line protocol has no empty tag value).
 */
export function toInfluxPoints(records: readonly ReadingRecord[], measurement?: string): InfluxPoint[] {
  const points: InfluxPoint[] = [];
  for (const r of records) {
    if (!storable(r.value)) continue;
    const tags: Record<string, string> = {};
    for (const [key, tag] of [
      ["device", r.device],
      ["sensor", r.sensor],
      ["name", r.name],
      ["device_name", r.deviceName],
      ["unit", r.unit],
    ] as const) {
      if (tag) tags[key] = tag;
    }
    points.push({ measurement: measurement || r.source, tags, fields: { value: r.value }, timestamp: r.time });
  }
  return points;
}

export interface ReadingMessage {
  topic: string;
  payload: number | boolean | string;
  /** Epoch milliseconds, as dashboard charts expect. */
  timestamp: number;
  /** Named parameters for a sqlite prepared INSERT. */
  params: { $time: number; $device: string; $sensor: string; $name: string; $value: number | boolean | string; $unit: string | null };
  record: ReadingRecord;
}

/** Series name used as msg.topic: "<device name or id>/<measurement>". */
export function seriesTopic(r: ReadingRecord): string {
  return `${r.deviceName || r.device}/${r.name}`;
}

/** One message per reading (null, NaN and infinite values skipped), for charts, influxdb out and sqlite. */
export function toReadingMessages(records: readonly ReadingRecord[]): ReadingMessage[] {
  const out: ReadingMessage[] = [];
  for (const r of records) {
    if (!storable(r.value)) continue;
    const timestamp = r.time.getTime();
    out.push({
      topic: seriesTopic(r),
      payload: r.value,
      timestamp,
      params: { $time: timestamp, $device: r.device, $sensor: r.sensor, $name: r.name, $value: r.value, $unit: r.unit ?? null },
      record: r,
    });
  }
  return out;
}

/** Sorts records by time, then device, then sensor (a stable order for merging pages). */
export function sortRecords(records: ReadingRecord[]): ReadingRecord[] {
  return records.sort((a, b) => a.time.getTime() - b.time.getTime() || a.device.localeCompare(b.device) || a.sensor.localeCompare(b.sensor));
}
