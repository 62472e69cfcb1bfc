/**
 * Row order and de-duplication. Both ends of a window are inclusive and the service may send the
 * same reading twice, so rows are unique on (logger_sn, sensor_sn, timestamp, data_type_id): the
 * fields of the order, so repeats are neighbours once sorted.
 */
import type { HoboRow } from "./types";

export const KEY_FIELDS = ["timestamp", "sensor_sn", "logger_sn", "data_type_id"] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

/** Timestamp, then sensor_sn (the service's own order), then logger and data type for a total order; rows read through `field`. */
export function rowOrder<T>(field: (row: T, key: KeyField) => unknown): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of KEY_FIELDS) {
      const x = String(field(a, key));
      const y = String(field(b, key));
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

export const compareRows: (a: HoboRow, b: HoboRow) => number = rowOrder<HoboRow>((row, key) => row[key]);

export function rowKey(row: HoboRow): string {
  return `${row.logger_sn}\u0000${row.sensor_sn}\u0000${row.timestamp}\u0000${String(row.data_type_id)}`;
}

/** Sorts in place and returns the items without repeats (equal in `compare`: neighbours once sorted). */
export function sortUniqueBy<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  items.sort(compare);
  return items.filter((item, i) => i === 0 || compare(items[i - 1], item) !== 0);
}

/** Sorts in place and returns the rows without repeats. */
export function sortUnique(rows: HoboRow[]): HoboRow[] {
  return sortUniqueBy(rows, compareRows);
}
