/** Events as the pack's reading records (so tuya-status's output formats apply to them). */
import type { ReadingRecord } from "../../core/records";
import { statusToRecords, type TuyaRecordOptions } from "../records";
import type { TuyaEvent } from "./normalise";

/**
 * One record per reported code, at its own report time. Lifecycle events become one record whose
 * name is "online" (true/false for online/offline) or the event type (the name for a rename);
 * extra carries the event type and protocol.
 */
export function eventToRecords(e: TuyaEvent, opts: TuyaRecordOptions = {}): ReadingRecord[] {
  const o: TuyaRecordOptions = { ...opts, deviceName: opts.deviceName ?? (e.type === "name" ? undefined : e.deviceName) };
  const extra = { event: e.type, protocol: e.protocol };
  if (e.status.length) {
    return e.status
      .flatMap((s) => statusToRecords(e.deviceId, [{ code: s.code, value: s.value }], { ...o, time: s.time }))
      .map((r) => ({ ...r, extra: { ...r.extra, ...extra } }));
  }
  const value = e.type === "online" ? true : e.type === "offline" ? false : e.type === "name" ? (e.deviceName ?? null) : (e.bizCode ?? e.type);
  const name = e.type === "online" || e.type === "offline" ? "online" : e.type;
  const r: ReadingRecord = { time: e.time, source: "tuya", device: e.deviceId, sensor: name, name, value, extra };
  if (o.deviceName) r.deviceName = o.deviceName;
  return [r];
}
