// From counters to quantities (reference §3.1): mean rate = Δcounter·quantum/Δt, energy for power
// registers = Δ/3.6e6 kWh, Δ taken mod 2^64 as signed so a wrap at 2^63 does no harm.
import { counterDelta, typeInfo, type EgaugeRegister } from "./types";
import type { CounterRow } from "./rows";

export interface EgaugeReading {
  time: Date;
  register: string;
  type: string;
  unit: string;
  /** Instantaneous rate, or the mean rate over the interval ending at `time`. */
  value: number;
  /** Seconds the mean covers (absent on instantaneous rates). */
  intervalSec?: number;
  /** Energy over the interval (power-like types only). */
  energy?: number;
  energyUnit?: string;
  /** The counter at `time` (exact, S64). */
  counter?: bigint;
}

export function meanReading(reg: EgaugeRegister, older: { t: number; value: bigint }, younger: { t: number; value: bigint }): EgaugeReading {
  const info = typeInfo(reg.type);
  const d = counterDelta(younger.value, older.value);
  const dt = younger.t - older.t;
  const reading: EgaugeReading = {
    time: new Date(younger.t * 1000),
    register: reg.name,
    type: reg.type,
    unit: info.unit,
    value: clean((Number(d) * info.quantum) / dt),
    intervalSec: dt,
    counter: younger.value,
  };
  if (info.energy) {
    reading.energy = clean(Number(d) / info.energy.per);
    reading.energyUnit = info.energy.unit;
  }
  return reading;
}

/** Readings for every pair of consecutive rows (ascending), for rows after `after`. */
export function readingsFromRows(regs: EgaugeRegister[], ascending: CounterRow[], after: number): EgaugeReading[] {
  const out: EgaugeReading[] = [];
  for (let i = 1; i < ascending.length; i++) {
    const y = ascending[i];
    const o = ascending[i - 1];
    if (y.t <= after) continue;
    regs.forEach((reg, k) => out.push(meanReading(reg, { t: o.t, value: o.values[k] }, { t: y.t, value: y.values[k] })));
  }
  return out;
}

/** Rounds away float noise (0.1 + 0.2) without losing meter precision. */
function clean(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}
