// Calendar arithmetic in the meter's time zone (IANA name), for sod/sow/som… and calendar steps
// that follow DST. Intl does the zone rules; everything else is whole Unix seconds.

export interface LocalParts {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
  /** 0 = Sunday. */
  wd: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formats.set(tz, f);
  }
  return f;
}

/** Throws RangeError for a zone Intl does not know. */
export function checkZone(tz: string): void {
  format(tz);
}

export function localParts(t: number, tz: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of format(tz).formatToParts(new Date(t * 1000))) out[p.type] = p.value;
  return { y: +out.year, mo: +out.month, d: +out.day, h: +out.hour % 24, mi: +out.minute, s: +out.second, wd: WEEKDAYS[out.weekday] ?? 0 };
}

function offsetAt(t: number, tz: string): number {
  const p = localParts(t, tz);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) / 1000 - t;
}

/** The Unix time of a local wall-clock time (fields may overflow, Date.UTC normalises them). */
export function fromLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  return second;
}

export type CalendarUnit = "y" | "q" | "b" | "m" | "w" | "d" | "h" | "Q" | "M";
export const FIXED_SECONDS: Partial<Record<CalendarUnit, number>> = { h: 3600, Q: 900, M: 60 };

/** Start of the period containing t: year, quarter, billing cycle, month, week, day, hour, quarter hour, minute. */
export function startOf(unit: CalendarUnit, t: number, tz: string, billingDay: number, weekStart: number): number {
  const fixed = FIXED_SECONDS[unit];
  const p = localParts(t, tz);
  if (fixed) {
    // Hours and smaller follow the local clock too (zones with :30 offsets).
    const into = unit === "h" ? p.mi * 60 + p.s : unit === "Q" ? (p.mi % 15) * 60 + p.s : p.s;
    return t - into;
  }
  switch (unit) {
    case "y":
      return fromLocal(p.y, 1, 1, 0, 0, 0, tz);
    case "q":
      return fromLocal(p.y, p.mo - ((p.mo - 1) % 3), 1, 0, 0, 0, tz);
    case "b":
      return p.d >= billingDay ? fromLocal(p.y, p.mo, billingDay, 0, 0, 0, tz) : fromLocal(p.y, p.mo - 1, billingDay, 0, 0, 0, tz);
    case "m":
      return fromLocal(p.y, p.mo, 1, 0, 0, 0, tz);
    case "w":
      return fromLocal(p.y, p.mo, p.d - ((p.wd - weekStart + 7) % 7), 0, 0, 0, tz);
    default:
      return fromLocal(p.y, p.mo, p.d, 0, 0, 0, tz);
  }
}

/** t moved by n units; calendar units keep the local wall-clock time (so "1d" follows DST). */
export function addUnits(t: number, n: number, unit: CalendarUnit, tz: string): number {
  const fixed = FIXED_SECONDS[unit];
  if (fixed) return t + n * fixed;
  const p = localParts(t, tz);
  switch (unit) {
    case "y":
      return fromLocal(p.y + n, p.mo, p.d, p.h, p.mi, p.s, tz);
    case "q":
      return fromLocal(p.y, p.mo + 3 * n, p.d, p.h, p.mi, p.s, tz);
    case "b":
    case "m":
      return fromLocal(p.y, p.mo + n, p.d, p.h, p.mi, p.s, tz);
    case "w":
      return fromLocal(p.y, p.mo, p.d + 7 * n, p.h, p.mi, p.s, tz);
    default:
      return fromLocal(p.y, p.mo, p.d + n, p.h, p.mi, p.s, tz);
  }
}
