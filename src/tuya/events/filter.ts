/** What one tuya-events node wants of the shared stream: devices, event types and codes. */
import type { TuyaEvent, TuyaEventStatus } from "./normalise";

export interface EventFilter {
  /** Device ids; empty or absent = every device. */
  devices?: ReadonlySet<string>;
  /** Event types ("status", "online", …); empty or absent = every type. */
  types?: ReadonlySet<string>;
  /** Data-point codes kept in status events; empty or absent = every code. */
  codes?: ReadonlySet<string>;
}

const given = (s: ReadonlySet<string> | undefined): s is ReadonlySet<string> => s !== undefined && s.size > 0;

/** The event as this filter sees it (status narrowed to the codes), or undefined when it does not pass. */
export function applyFilter(e: TuyaEvent, f: EventFilter): TuyaEvent | undefined {
  if (given(f.devices) && !f.devices.has(e.deviceId)) return undefined;
  if (given(f.types) && !f.types.has(e.type)) return undefined;
  if (!given(f.codes) || e.type !== "status") return e;
  const status = e.status.filter((s) => f.codes!.has(s.code));
  return status.length ? { ...e, status } : undefined;
}

/** A status event made from a poll (for "status on start"), in the same shape as pushed ones. */
export function polledStatusEvent(deviceId: string, status: { code: string; value: unknown }[], time: Date, deviceName?: string): TuyaEvent {
  const points: TuyaEventStatus[] = status.map((s) => ({ code: s.code, value: s.value, time }));
  const e: TuyaEvent = { type: "status", deviceId, time, status: points, protocol: 0, messageId: "", raw: { polled: true, status } };
  if (deviceName) e.deviceName = deviceName;
  return e;
}

/** Splits a comma/space list setting ("status, online") into a set. */
export function listSetting(value: unknown): Set<string> {
  if (Array.isArray(value))
    return new Set(
      value
        .map(String)
        .map((s) => s.trim())
        .filter(Boolean),
    );
  return new Set(typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : []);
}
