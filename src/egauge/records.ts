// eGauge readings as the pack's shared reading records (so records / InfluxDB / per-reading
// outputs work as for the other platforms).
import type { ReadingRecord } from "../core";
import type { EgaugeReading } from "./readings";

export function egaugeRecords(readings: readonly EgaugeReading[], meter: string): ReadingRecord[] {
  return readings.map((r) => {
    const extra: Record<string, unknown> = { type: r.type };
    if (r.intervalSec !== undefined) extra.intervalSec = r.intervalSec;
    if (r.energy !== undefined) {
      extra.energy = r.energy;
      extra.energyUnit = r.energyUnit;
    }
    if (r.counter !== undefined) extra.counter = r.counter.toString();
    if ("period" in r) extra.period = (r as { period: string }).period;
    return { time: r.time, source: "egauge", device: meter, sensor: r.register, name: r.register, value: r.value, unit: r.unit, extra };
  });
}
