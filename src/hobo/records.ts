/**
 * HOBOlink rows to the core reading records. Legacy rows carry SI, US and (when the user set up
 * scaling) scaled values, so the caller picks the unit system; LI-COR rows carry one value in the
 * device's configured units. Timestamps "yyyy-MM-dd HH:mm:ssZ" are UTC.
 */
import { parseHoboTimestamp } from "../core/time";
import type { ReadingRecord } from "../core/records";
import { dataTypeName } from "./data-types";
import type { HoboRow } from "./types";

export type HoboUnitSystem = "si" | "us" | "scaled";

export interface RowsToRecordsOptions {
  /** Legacy rows only (default "si"). "scaled" falls back to SI for a channel without scaling. */
  unitSystem?: HoboUnitSystem;
  /** Friendly names by logger serial. */
  loggerNames?: Record<string, string>;
}

function finite(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The value and unit to report for a row under the chosen unit system. */
function pick(row: HoboRow, system: HoboUnitSystem): { value: number | null; unit?: string } {
  const legacy = row.si_value !== undefined || row.us_value !== undefined;
  if (!legacy) return { value: finite(row.value), unit: row.unit };
  // The API sends scaled_value 0 and scaled_unit null for channels that are not scaled.
  if (system === "scaled" && row.scaled_unit) return { value: finite(row.scaled_value), unit: row.scaled_unit };
  if (system === "us") return { value: finite(row.us_value), unit: row.us_unit };
  return { value: finite(row.si_value), unit: row.si_unit };
}

function extraOf(row: HoboRow): Record<string, unknown> {
  const extra: Record<string, unknown> = { dataType: dataTypeName(row.data_type_id, row.data_type), dataTypeId: row.data_type_id };
  if (row.sensor_key !== undefined) extra.sensorKey = row.sensor_key;
  if (row.si_value !== undefined) Object.assign(extra, { siValue: row.si_value, siUnit: row.si_unit });
  if (row.us_value !== undefined) Object.assign(extra, { usValue: row.us_value, usUnit: row.us_unit });
  if (row.scaled_unit) Object.assign(extra, { scaledValue: row.scaled_value, scaledUnit: row.scaled_unit });
  return extra;
}

export function rowsToRecords(rows: readonly HoboRow[], opts: RowsToRecordsOptions = {}): ReadingRecord[] {
  const system = opts.unitSystem ?? "si";
  const names = opts.loggerNames ?? {};
  return rows.map((row) => {
    const { value, unit } = pick(row, system);
    const record: ReadingRecord = {
      time: parseHoboTimestamp(row.timestamp),
      source: "hobolink",
      device: row.logger_sn,
      sensor: row.sensor_sn,
      name: row.sensor_measurement_type,
      value,
      extra: extraOf(row),
    };
    const deviceName = names[row.logger_sn];
    if (deviceName) record.deviceName = deviceName;
    if (unit) record.unit = unit;
    return record;
  });
}
