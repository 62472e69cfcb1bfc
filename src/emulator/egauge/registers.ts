// The emulated registers and their counters. Each physical register has a deterministic rate per
// second (a daily shape plus a per-minute wobble); its counter grows by round(rate/quantum) every
// second (reference §3.1 "From counters to quantities"), so a counter difference times the quantum
// over the seconds between two rows is exactly the mean of the rates reported for those seconds.
// The shape repeats every UTC day, so prefix sums over one day give any counter in O(1).

export interface EgaugeEmulatorRegister {
  name: string;
  /** Type code (reference §3.1): "P", "V", "T", … */
  type: string;
  idx: number;
  /** Physical registers only. */
  did?: number;
  /** Rate in physical units for second s (Unix). Ignored for virtual registers. */
  rate?: (s: number) => number;
  /** Virtual registers: the physical register names added up ("use" = Grid + Solar). */
  sum?: string[];
  /** Raw counter at DB creation (to put a counter above 2^53 or let it wrap at 2^63). */
  rawBase?: bigint;
}

export const QUANTA: Record<string, number> = {
  P: 1,
  S: 1,
  var: 1,
  R: 1,
  Pa: 1,
  Ee: 1,
  Q: 1,
  "#": 1,
  d: 1,
  V: 0.001,
  I: 0.001,
  F: 0.001,
  T: 0.001,
  h: 0.001,
  "%": 0.001,
  THD: 0.001,
  a: 0.001,
  m: 0.001,
  v: 0.001,
  ppm: 0.001,
  aq: 0.001,
  Qe: 0.001,
  "#3": 0.001,
  Qv: 1e-9,
  $: 2 ** -29,
};

const DAY = 86400;

function wobble(s: number, seed: number): number {
  // A cheap deterministic hash of the minute: -1..1.
  let x = (Math.floor(s / 60) * 2654435761 + seed * 40503) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 3266489909) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2147483648 - 1;
}

const dayAngle = (s: number) => (2 * Math.PI * (((s % DAY) + DAY) % DAY)) / DAY;

/** The registers of reference §7: Grid P, Solar P (negative), L1 V, Temp T and the virtual use; sparse idx. */
export function defaultRegisters(): EgaugeEmulatorRegister[] {
  return [
    { name: "Grid", type: "P", idx: 0, did: 0, rate: (s) => 1200 + 800 * Math.sin(dayAngle(s)) + 150 * wobble(s, 1) },
    { name: "Solar", type: "P", idx: 3, did: 2, rate: (s) => -Math.max(0, 3500 * Math.sin(dayAngle(s) - Math.PI / 2)) - 20 * Math.abs(wobble(s, 2)) },
    { name: "L1", type: "V", idx: 7, did: 5, rate: (s) => 230 + 2 * Math.sin(dayAngle(s)) + 0.5 * wobble(s, 3) },
    { name: "Temp", type: "T", idx: 12, did: 9, rate: (s) => 21 + 3 * Math.sin(dayAngle(s) - 1) + 0.2 * wobble(s, 4) },
    { name: "use", type: "P", idx: 14, sum: ["Grid", "Solar"] },
  ];
}

/** One physical register's per-second counts over a UTC day, with prefix sums. */
export class CounterModel {
  readonly quantum: number;
  private readonly prefix = new Float64Array(DAY + 1);
  private readonly counts = new Float64Array(DAY);

  constructor(readonly reg: EgaugeEmulatorRegister) {
    const q = QUANTA[reg.type];
    if (q === undefined) throw new Error(`Unknown register type "${reg.type}"`);
    if (!reg.rate) throw new Error(`Register "${reg.name}" needs a rate`);
    this.quantum = q;
    for (let i = 0; i < DAY; i++) {
      this.counts[i] = Math.round(reg.rate(i) / q);
      this.prefix[i + 1] = this.prefix[i] + this.counts[i];
    }
  }

  /** Counts in second s (the increment from s to s+1). */
  count(s: number): number {
    return this.counts[((s % DAY) + DAY) % DAY];
  }

  /** Rate in physical units for second s, rounded to the quantum's decimals. */
  rate(s: number): number {
    return roundToQuantum(this.count(s) * this.quantum, this.quantum);
  }

  /** Σ counts over seconds [0, t) (negative t counts back from 0). */
  cumulative(t: number): bigint {
    const days = Math.floor(t / DAY);
    return BigInt(days) * BigInt(this.prefix[DAY]) + BigInt(this.prefix[t - days * DAY]);
  }
}

export function roundToQuantum(value: number, quantum: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(quantum)));
  return Number(value.toFixed(Math.min(decimals, 12)));
}

export const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);
