// Deterministic device history (reference §4.3). Every entry is a pure function of
// (seed, device id, grid slot), so the same query always returns the same entries; commands add
// stored entries on top. Entries are totally ordered by (event_time, rank) so cursors are exact.
import type { DeviceRecord } from "./devices";

export const DAY_MS = 86_400_000;
export const RETENTION_MS = 7 * DAY_MS;

export interface LogEntry {
  code: string;
  value: string;
  event_time: number;
  event_from: string;
  event_id: number;
  status: string;
}

export interface Positioned {
  time: number;
  rank: number;
  entry: LogEntry;
}

export interface Position {
  time: number;
  rank: number;
}

type Emit = (k: number, slotStart: number) => Positioned[];

/** A stream of entries on a fixed grid; every slot's entries lie in [slotStart, slotStart + period). */
interface Channel {
  eventIds: number[];
  codes: string[];
  periodMs: number;
  phaseMs: number;
  emit: Emit;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform [0, 1) from integers; deterministic, no Math.random. */
function unit(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = fmix(h ^ (p >>> 0));
    h = fmix(h ^ Math.floor(p / 4294967296));
  }
  return h / 4294967296;
}

const entry = (time: number, rank: number, code: string, value: string, eventId = 7, from = "1"): Positioned => ({
  time,
  rank,
  entry: { code, value, event_time: time, event_from: from, event_id: eventId, status: "1" },
});

function dayWave(t: number, peakFraction: number): number {
  return Math.sin(2 * Math.PI * ((t % DAY_MS) / DAY_MS - peakFraction + 0.25));
}

export interface LogQuery {
  eventIds: Set<number>;
  codes?: Set<string>;
  start: number;
  end: number;
  order: "asc" | "desc";
  /** Continue from this position; inclusive (Smart Home start_row_key) or exclusive (iot-03 last_row_key). */
  from?: Position & { inclusive: boolean };
}

const cmp = (a: Position, b: Position): number => a.time - b.time || a.rank - b.rank;

export class DeviceLog {
  private readonly channels: Channel[];
  private readonly stored: Positioned[] = [];
  private seq = 0;

  constructor(
    device: DeviceRecord,
    seed: number,
    intervalSec: number,
    /** Offline devices stop reporting at this instant (and log an offline event there). */
    private readonly offlineAt?: number,
  ) {
    const dev = strHash(device.id);
    const base = [seed, dev];
    const p = Math.max(1, intervalSec) * 1000;
    const phase = (salt: number, period: number) => Math.floor(unit(...base, salt) * period);
    const noise = (k: number, salt: number) => unit(...base, salt, k) * 2 - 1;
    const ch: Channel[] = [];
    const add = (eventIds: number[], codes: string[], periodMs: number, emit: (k: number, slotStart: number, rank: number) => Positioned[]) => {
      const rank = ch.length * 10;
      ch.push({ eventIds, codes, periodMs, phaseMs: phase(ch.length + 100, periodMs), emit: (k, s) => emit(k, s, rank) });
    };
    const batteryAt = (t: number) => String(100 - Math.floor((t / DAY_MS + (dev % 60)) % 60));

    switch (device.category) {
      case "wsdcg":
        add([7], ["va_temperature", "va_humidity"], p, (k, s, r) => {
          const w = dayWave(s, 0.625);
          const temp = Math.round((21 + 3 * w + 0.3 * noise(k, 1)) * 10);
          const hum = Math.min(100, Math.max(0, Math.round(50 - 8 * w + 2 * noise(k, 2))));
          return [entry(s, r, "va_temperature", String(temp)), entry(s, r + 1, "va_humidity", String(hum))];
        });
        add([7], ["battery_percentage"], 3_600_000, (_k, s, r) => [entry(s, r, "battery_percentage", batteryAt(s))]);
        break;
      case "pir":
        // A few motion events per hour: a quarter of the grid slots carry one, at a jittered instant.
        add([7], ["pir"], p, (k, s, r) => (unit(...base, 3, k) < 0.25 ? [entry(s + Math.floor(unit(...base, 4, k) * (p / 2)), r, "pir", "pir")] : []));
        add([7], ["battery_percentage"], 3_600_000, (_k, s, r) => [entry(s, r, "battery_percentage", batteryAt(s))]);
        break;
      case "cz":
        add([7], ["cur_power", "cur_voltage", "cur_current"], 2 * p, (k, s, r) => {
          const volt = 2300 + Math.round(15 * noise(k, 5));
          const power = Math.round((35 + 25 * Math.max(0, dayWave(s, 0.55)) + 3 * noise(k, 6)) * 10);
          const current = Math.round((power / volt) * 1000);
          return [entry(s, r, "cur_power", String(power)), entry(s, r + 1, "cur_voltage", String(volt)), entry(s, r + 2, "cur_current", String(current))];
        });
        break;
      default:
        break;
    }
    // Occasional connectivity blips: offline, then online again a few minutes later.
    const blip = 6 * 3_600_000;
    add([1, 2], ["online"], blip, (k, s, r) => {
      if (unit(...base, 7, k) >= 0.15) return [];
      const off = s + Math.floor(unit(...base, 8, k) * (blip / 2));
      const on = off + 120_000 + Math.floor(unit(...base, 9, k) * 600_000);
      return [entry(off, r, "online", "false", 2), entry(on, r + 1, "online", "true", 1)];
    });
    this.channels = ch;
    // The offline device's last word: an offline event exactly where its reports stop.
    if (offlineAt !== undefined) this.stored.push(entry(offlineAt, 999, "online", "false", 2));
  }

  /** Appends an entry written by the emulator (command issued, data report) at `time`. */
  append(time: number, code: string, value: string, eventId: number, from: string): void {
    const p = entry(time, 1000 + this.seq++, code, value, eventId, from);
    let i = this.stored.length;
    while (i > 0 && cmp(this.stored[i - 1], p) > 0) i--;
    this.stored.splice(i, 0, p);
  }

  /**
   * Up to `limit` matching entries in query order, starting at the query's cursor; only data in
   * [now - 7 days, now] exists (free-edition retention).
   */
  read(q: LogQuery, now: number, limit: number): Positioned[] {
    const desc = q.order === "desc";
    let lo = Math.max(q.start, now - RETENTION_MS);
    let hi = Math.min(q.end, now);
    // Start the walk at the cursor instead of skipping up to it: keeps deep pages cheap.
    if (q.from && desc) hi = Math.min(hi, q.from.time);
    if (q.from && !desc) lo = Math.max(lo, q.from.time);
    if (lo > hi) return [];
    const iters = this.channels
      .filter((c) => c.eventIds.some((e) => q.eventIds.has(e)) && (!q.codes || c.codes.some((x) => q.codes!.has(x))))
      .map((c) => this.walk(c, lo, hi, desc));
    iters.push(this.walkStored(lo, hi, desc));
    const heads = iters.map((it) => it.next());
    const out: Positioned[] = [];
    while (out.length < limit) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h.done) continue;
        if (best < 0) best = i;
        else {
          const c = cmp(h.value, heads[best].value as Positioned);
          if (desc ? c > 0 : c < 0) best = i;
        }
      }
      if (best < 0) break;
      const cand = heads[best].value as Positioned;
      heads[best] = iters[best].next();
      if (!this.matches(cand, q, desc)) continue;
      out.push(cand);
    }
    return out;
  }

  /** Latest reported value per code at or before `now` (sensor status view). */
  latest(now: number): Map<string, string> {
    const found = new Map<string, string>();
    for (const c of this.channels) {
      if (!c.eventIds.includes(7)) continue;
      for (const p of this.walk(c, now - RETENTION_MS, now, true)) {
        if (!found.has(p.entry.code)) found.set(p.entry.code, p.entry.value);
        if (c.codes.every((x) => found.has(x))) break;
      }
    }
    for (const p of this.stored) if (p.entry.event_id === 7 && p.time <= now) found.set(p.entry.code, p.entry.value);
    return found;
  }

  private matches(p: Positioned, q: LogQuery, desc: boolean): boolean {
    if (!q.eventIds.has(p.entry.event_id)) return false;
    if (q.codes && !q.codes.has(p.entry.code)) return false;
    if (q.from) {
      const c = cmp(p, q.from);
      if (c === 0) return q.from.inclusive;
      if (desc ? c > 0 : c < 0) return false;
    }
    return true;
  }

  private *walk(c: Channel, lo: number, hi: number, desc: boolean): Generator<Positioned> {
    if (this.offlineAt !== undefined) hi = Math.min(hi, this.offlineAt - 1);
    const first = Math.floor((lo - c.phaseMs) / c.periodMs);
    const last = Math.floor((hi - c.phaseMs) / c.periodMs);
    for (let i = 0; i <= last - first; i++) {
      const k = desc ? last - i : first + i;
      const slot = c.emit(k, k * c.periodMs + c.phaseMs);
      if (desc) slot.reverse();
      for (const p of slot) if (p.time >= lo && p.time <= hi) yield p;
    }
  }

  private *walkStored(lo: number, hi: number, desc: boolean): Generator<Positioned> {
    const n = this.stored.length;
    for (let i = 0; i < n; i++) {
      const p = this.stored[desc ? n - 1 - i : i];
      if (p.time >= lo && p.time <= hi) yield p;
    }
  }
}
