// The legacy XML API (reference §4): /cgi-bin/egauge?inst&tot (raw counters, rates, totals) and
// /cgi-bin/egauge-show (stored rows young → old, hex timestamps, n/s/f/t/S/m/h/d/E/a/C).
import type { Meter, MeterClockState, Query } from "./meter";
import type { EgaugeEmulatorRegister } from "./registers";

const hex = (n: number) => `0x${n.toString(16)}`;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

export function instantXml(meter: Meter, q: Query, st: MeterClockState, serial: string): string {
  const regs = meter.registers.filter((r) => !r.sum || q.has("tot"));
  const parts = regs.map((r) => {
    // Instantaneous totals are named "Total Usage"/"Total Generation" (reference §4).
    const name = r.sum ? (r.name === "use" ? "Total Usage" : r.name === "gen" ? "Total Generation" : r.name) : r.name;
    const did = r.did !== undefined ? ` did="${r.did}"` : "";
    const inst = q.has("inst") ? `<i>${meter.rate(r, st.now)}</i>` : "";
    return `<r t="${r.type}" n="${esc(name)}"${did}><v>${meter.value(r, st.now, true, st.epoch)}</v>${inst}</r>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<data serial="${serial}"><ts>${st.now}</ts>${parts.join("")}</data>\n`;
}

const UNIT_SECONDS: Record<string, number> = { S: 1, m: 60, h: 3600, d: 86400 };

export function showXml(meter: Meter, q: Query, st: MeterClockState, serial: string): string {
  const unit = ["S", "m", "h", "d"].find((u) => q.has(u)) ?? "m";
  const delta = UNIT_SECONDS[unit];
  const n = Math.max(1, Math.min(Number(q.get("n") ?? 60) || 60, 100000));
  const skip = Math.max(0, Number(q.get("s") ?? 0) || 0);
  const youngest = Math.min(q.has("f") ? Number(q.get("f")) : st.now, st.now);
  const oldest = q.has("t") ? Number(q.get("t")) : -Infinity;
  const regs: EgaugeEmulatorRegister[] = q.has("a")
    ? [...meter.registers.filter((r) => r.sum), ...meter.registers.filter((r) => !r.sum)]
    : meter.registers.filter((r) => !r.sum);
  const raw = !q.has("E");
  const first = Math.floor(youngest / delta) * delta - skip * delta * (q.has("s") ? 1 : 0);
  const rows: string[] = [];
  let prev: bigint[] | undefined;
  for (let i = 0, t = first; i < n && t >= oldest; i++, t -= delta) {
    if (meter.store.rowFor(t, false, st) !== t) break;
    const vals = regs.map((r) => meter.value(r, t, raw, st.epoch));
    const shown = q.has("C") && prev ? vals.map((v, k) => prev![k] - v) : vals;
    prev = vals;
    rows.push(`<r>${shown.map((v) => `<c>${v}</c>`).join("")}</r>`);
  }
  const cnames = regs.map((r) => `<cname t="${r.type}"${r.did !== undefined ? ` did="${r.did}"` : ""}>${esc(r.name)}</cname>`).join("");
  const epochAttr = raw ? "" : ` epoch="${hex(st.epoch)}"`;
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<group serial="${serial}"><data columns="${regs.length}" time_stamp="${hex(first)}" time_delta="${delta}"${epochAttr}>${cnames}${rows.join("")}</data></group>\n`;
}
