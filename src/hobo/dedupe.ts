/**
 * Row order and de-duplication. Both ends of a window are inclusive and the service may send the
 * same reading twice, so rows are unique on (logger_sn, sensor_sn, timestamp, data_type_id).
 * Rows are sorted first, so only the current timestamp's keys are held: memory stays bounded.
 */
import type { HoboRow } from "./types";

/** Timestamp, then sensor_sn (the service's own order), then logger and data type for a total order. */
export function compareRows(a: HoboRow, b: HoboRow): number {
  return cmp(a.timestamp, b.timestamp) || cmp(a.sensor_sn, b.sensor_sn) || cmp(a.logger_sn, b.logger_sn) || cmp(String(a.data_type_id), String(b.data_type_id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function rowKey(row: HoboRow): string {
  return `${row.logger_sn}\u0000${row.sensor_sn}\u0000${row.timestamp}\u0000${String(row.data_type_id)}`;
}

/** Sorts in place and returns the rows without repeats. */
export function sortUnique(rows: HoboRow[]): HoboRow[] {
  rows.sort(compareRows);
  const out: HoboRow[] = [];
  const seen = new Set<string>();
  let timestamp: string | undefined;
  for (const row of rows) {
    if (row.timestamp !== timestamp) {
      timestamp = row.timestamp;
      seen.clear();
    }
    const key = rowKey(row);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(row);
  }
  return out;
}
