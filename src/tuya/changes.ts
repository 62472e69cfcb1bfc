/**
 * Report by exception: keep only the data points whose value differs from what the last poll saw
 * (tuya-status's "only changes"). The memory is plain JSON so it can live in context storage.
 */
import type { TuyaDataPoint } from "./model";

/** Last seen value (as JSON text) per device and data-point code. */
export type LastValues = Record<string, Record<string, string>>;

/** The devices with their changed data points only (devices with none are left out); `last` is updated. */
export function onlyChanged<T extends { id: string; status: TuyaDataPoint[] }>(results: T[], last: LastValues): T[] {
  const out: T[] = [];
  for (const r of results) {
    const seen = { ...(last[r.id] ?? {}) };
    const changed = r.status.filter((dp) => {
      const text = JSON.stringify(dp.value) ?? "null";
      const differs = seen[dp.code] !== text;
      seen[dp.code] = text;
      return differs;
    });
    last[r.id] = seen;
    if (changed.length > 0) out.push({ ...r, status: changed });
  }
  return out;
}
