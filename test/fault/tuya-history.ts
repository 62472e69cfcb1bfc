/**
 * The Tuya emulator's device-log history of a window as the fault suites compare against it:
 * walked by the independent test client (not the pack's), 100 entries a page, as entry keys.
 */
import assert from "node:assert/strict";
import type { TestClient } from "../unit/emulator/tuya-test-client";

export type LogEntry = { code: string; value: string; event_time: number; event_id: number };

/** One entry's identity: time, event type, code and value. */
export const logKey = (e: LogEntry): string => `${e.event_time}|${e.event_id}|${e.code}|${e.value}`;

/** Every data report (type 7) of the device in [start, end], as keys; a token a fault killed is renewed once. */
export async function logHistory(client: TestClient, device: string, start: number, end: number): Promise<string[]> {
  const out: LogEntry[] = [];
  let last: string | undefined;
  for (;;) {
    const query: Record<string, string | number> = { event_types: "7", start_time: start, end_time: end, size: 100 };
    if (last) query.last_row_key = last;
    let r = await client.get(`/v1.0/iot-03/devices/${device}/logs`, query);
    if (r.code === 1010) {
      await client.connect();
      r = await client.get(`/v1.0/iot-03/devices/${device}/logs`, query);
    }
    assert.equal(r.success, true, JSON.stringify(r));
    out.push(...(r.result.logs as LogEntry[]));
    if (!r.result.has_next) return out.map(logKey);
    last = r.result.last_row_key as string;
  }
}
