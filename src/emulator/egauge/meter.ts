// The meter behind the endpoints: registers, counters (raw from DB creation, or relative to the
// DB epoch), the `reg=` grammar and the GET /api/register answer.
import { CounterModel, S64, roundToQuantum, type EgaugeEmulatorRegister } from "./registers";
import { groupRanges, type Store, type StoreState } from "./store";
import { parseTimeParam, TimeSyntaxError, type TimeContext } from "./timespec";

export interface MeterClockState extends StoreState {
  epoch: number;
  billingDay: number;
  weekStart: number;
}

export class RegisterRequestError extends Error {}

/** Query flags and values of one request, read from the raw query string so "+" stays "+". */
export type Query = Map<string, string>;

export function parseQuery(raw: string): Query {
  const q: Query = new Map();
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    q.set(key, value);
  }
  return q;
}

export class Meter {
  private readonly counters = new Map<string, CounterModel>();
  private readonly rawBases = new Map<string, bigint>();

  constructor(
    readonly registers: EgaugeEmulatorRegister[],
    readonly store: Store,
    created: number,
    /** Register whose raw counter passes 2^63 at `wrap.at` (reference §3.1: take Δ mod 2^63). */
    wrap?: { register: string; at: number },
  ) {
    const seen = new Set<number>();
    for (const r of registers) {
      if (seen.has(r.idx)) throw new Error(`Duplicate register idx ${r.idx}`);
      seen.add(r.idx);
      if (!r.sum) this.counters.set(r.name, new CounterModel(r));
    }
    for (const r of registers) for (const n of r.sum ?? []) if (!this.counters.has(n)) throw new Error(`Virtual register "${r.name}" adds unknown "${n}"`);
    for (const [name, c] of this.counters) {
      const reg = c.reg;
      let base = reg.rawBase ?? 0n;
      if (wrap?.register === name) base = 2n ** 63n - (c.cumulative(wrap.at) - c.cumulative(created));
      this.rawBases.set(name, base - c.cumulative(created));
    }
    this.registers.sort((a, b) => a.idx - b.idx);
  }

  private physical(name: string): CounterModel {
    const c = this.counters.get(name);
    if (!c) throw new Error(`Unknown register "${name}"`);
    return c;
  }

  /** S64 counter of a register at second t: raw (from DB creation) or relative to the epoch. */
  value(reg: EgaugeEmulatorRegister, t: number, raw: boolean, epoch: number): bigint {
    if (reg.sum) return S64(reg.sum.reduce((acc, n) => acc + this.value(this.byName(n), t, raw, epoch), 0n));
    const c = this.physical(reg.name);
    if (!raw) return S64(c.cumulative(t) - c.cumulative(epoch));
    return S64((this.rawBases.get(reg.name) ?? 0n) + c.cumulative(t));
  }

  /** The rate shown at `now`: the counts of the last complete second, in physical units. */
  rate(reg: EgaugeEmulatorRegister, now: number): number {
    if (reg.sum)
      return roundToQuantum(
        reg.sum.reduce((acc, n) => acc + this.rate(this.byName(n), now), 0),
        1e-3,
      );
    return this.physical(reg.name).rate(now - 1);
  }

  quantum(reg: EgaugeEmulatorRegister): number {
    return this.physical(reg.sum ? reg.sum[0] : reg.name).quantum;
  }

  byName(name: string): EgaugeEmulatorRegister {
    const r = this.registers.find((x) => x.name === name);
    if (!r) throw new Error(`Unknown register "${name}"`);
    return r;
  }

  rename(name: string, newName: string, newIdx?: number): void {
    const r = this.byName(name);
    const c = this.counters.get(name);
    const base = this.rawBases.get(name);
    r.name = newName;
    if (newIdx !== undefined) r.idx = newIdx;
    this.registers.sort((a, b) => a.idx - b.idx);
    for (const v of this.registers) if (v.sum) v.sum = v.sum.map((n) => (n === name ? newName : n));
    if (c && base !== undefined) {
      this.counters.delete(name);
      this.counters.set(newName, c);
      this.rawBases.delete(name);
      this.rawBases.set(newName, base);
    }
  }

  /** The `reg=` grammar: all | none | n | n0:n1, then +term / -term, left to right. */
  select(spec: string | undefined, withVirtual: boolean): EgaugeEmulatorRegister[] {
    const visible = this.registers.filter((r) => withVirtual || !r.sum);
    const chosen = new Set<number>();
    let rest = spec ?? "all";
    let op = "+";
    while (rest.length > 0) {
      const m = /^(all|none|\d+(?::\d+)?|view=[=+-]?[^+-]*)/.exec(rest);
      if (!m) throw new RegisterRequestError(`Invalid register selection "${spec}".`);
      const term = m[1];
      let ids: number[];
      if (term === "all") ids = visible.map((r) => r.idx);
      else if (term === "none") ids = [];
      else if (term.startsWith("view=")) throw new RegisterRequestError(`Unknown view "${term.replace(/^view=[=+-]?/, "")}".`);
      else {
        const [a, b] = term.split(":").map(Number);
        const hi = b ?? a;
        ids = visible.filter((r) => r.idx >= a && r.idx <= hi).map((r) => r.idx);
      }
      if (term === "none" && op === "+") chosen.clear();
      for (const id of ids) {
        if (op === "+") chosen.add(id);
        else chosen.delete(id);
      }
      rest = rest.slice(m[0].length);
      if (rest.length === 0) break;
      op = rest[0];
      if (op !== "+" && op !== "-") throw new RegisterRequestError(`Invalid register selection "${spec}".`);
      rest = rest.slice(1);
    }
    return visible.filter((r) => chosen.has(r.idx));
  }

  /** The body of GET /api/register for a parsed query. */
  registerReply(q: Query, st: MeterClockState): Record<string, unknown> {
    const nowText = `${st.now}.000000000`;
    try {
      const virtual = q.get("virtual");
      if (virtual !== undefined && virtual !== "value" && virtual !== "formula") throw new RegisterRequestError(`Invalid virtual "${virtual}".`);
      const regs = this.select(q.get("reg"), virtual !== undefined);
      const out: Record<string, unknown> = { ts: nowText };
      let tz = st.tz;
      const tsParam = q.get("ts");
      if (tsParam) tz = tsParam.split(";")[0] || st.tz;
      if (regs.length > 0 || q.get("reg") !== "none") {
        out.registers = regs.map((r) => {
          const e: Record<string, unknown> = { name: r.name, type: r.type, idx: r.idx };
          if (r.did !== undefined) e.did = r.did;
          if (r.sum && virtual === "formula") e.formula = r.sum.map((n) => `+"${n}"`).join("");
          if (q.has("rate")) e.rate = this.rate(r, st.now);
          return e;
        });
      }
      const time = q.get("time");
      if (time !== undefined) {
        const ctx: TimeContext = { now: st.now, epoch: st.epoch, tz, billingDay: st.billingDay, weekStart: st.weekStart };
        let limit = q.has("max-rows") ? Number(q.get("max-rows")) : Infinity;
        if (!(limit >= 0)) throw new RegisterRequestError(`Invalid max-rows "${q.get("max-rows")}".`);
        const raw = q.has("raw");
        const delta = q.has("delta");
        const ranges: Record<string, unknown>[] = [];
        for (const range of parseTimeParam(time, { ...ctx })) {
          const times = this.store.rows(range, { ...st, tz }, limit);
          limit -= times.length;
          const fallback = range.step?.kind === "seconds" ? range.step.seconds : 1;
          for (const g of groupRanges(times, fallback)) {
            let prev: bigint[] | undefined;
            const rows = g.times.map((t) => {
              const vals = regs.map((r) => this.value(r, t, raw, st.epoch));
              const shown = delta && prev ? vals.map((v, i) => S64(v - prev![i])) : vals;
              prev = vals;
              return shown.map(String);
            });
            ranges.push({ ts: String(g.ts), delta: g.delta, rows });
          }
        }
        out.ranges = ranges;
      }
      return out;
    } catch (err) {
      if (err instanceof RegisterRequestError || err instanceof TimeSyntaxError || err instanceof RangeError) return { ts: nowText, error: err.message };
      throw err;
    }
  }
}
