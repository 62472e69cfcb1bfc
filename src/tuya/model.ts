/** The shapes Tuya returns for data points, function specs and log entries, and spec lookups. */
import { isRecord } from "../core/util";

export interface TuyaDataPoint {
  code: string;
  value: unknown;
}

export interface TuyaFunction {
  code: string;
  /** Boolean, Integer, Enum, Json, String, Bitmap, Raw, ... */
  type: string;
  /** JSON text as the API sends it, e.g. "{\"min\":0,\"max\":1000,\"scale\":1,\"step\":1,\"unit\":\"℃\"}". */
  values: string;
  name?: string;
  desc?: string;
}

export interface TuyaLogEntry {
  code: string;
  /** Always text in logs ("true", "215"). */
  value: string;
  /** Epoch ms. */
  event_time: number;
  event_from?: string;
  event_id?: number;
  status?: string;
}

export interface TuyaSpec {
  status: TuyaFunction[];
  functions?: TuyaFunction[];
}

/** The parsed `values` of a function spec ({} when absent or not JSON). */
export function specValues(f: TuyaFunction): Record<string, unknown> {
  const raw: unknown = f.values;
  if (isRecord(raw)) return raw;
  if (typeof raw !== "string" || raw === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** The status spec for a code, else the function spec. */
export function findSpec(spec: TuyaSpec | undefined, code: string): TuyaFunction | undefined {
  return spec?.status.find((s) => s.code === code) ?? spec?.functions?.find((f) => f.code === code);
}
