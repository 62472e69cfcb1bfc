/**
 * Time input for every node and client: one parser that takes what people and flows actually
 * send (Date, ISO 8601, 10-digit seconds, 13-digit milliseconds, "yyyy-MM-dd HH:mm:ss" UTC,
 * relative spans such as "-24h" or "now"), and formatters for Tuya (ms) and HOBOlink (UTC text).
 * Text without a zone offset is read as UTC, the same way HOBOlink reads it.
 */
import { InputError } from "./errors";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(?:now)?\s*([+-])\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
const DIGITS = /^\d+(?:\.\d+)?$/;
// Date, optionally a time (minutes, seconds, fraction), optionally a zone; "t" and "z" as RFC 3339 allows.
const HOBO_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export interface ParseTimeOptions {
  /** Reference time for relative inputs (ms); defaults to Date.now(). */
  now?: number;
  /** Name of the input, used in error messages ("start", "end"). */
  name?: string;
}

function describe(input: unknown): string {
  if (typeof input === "string") return `"${input}"`;
  if (typeof input === "number") return String(input);
  if (input instanceof Date) return "an invalid Date";
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}

function fail(input: unknown, name: string | undefined): never {
  const what = name ? `${name} time` : "time";
  throw new InputError(
    `Cannot read ${describe(input)} as ${/^[aeiou]/i.test(what) ? "an" : "a"} ${what}: use an ISO 8601 date, "yyyy-MM-dd HH:mm:ss" (UTC), ` +
      `a 10-digit (seconds) or 13-digit (milliseconds) timestamp, "now", or a relative span such as "-24h", "-7d" or "-30m"`,
    { key: "time.unreadable", params: { input: describe(input), name: name ?? "" } },
  );
}

function fromEpochNumber(n: number, input: unknown, name?: string): Date {
  if (!Number.isFinite(n) || n < 0) fail(input, name);
  const digits = Math.floor(n).toString().length;
  if (digits === 10) return new Date(Math.round(n * 1000));
  if (digits === 13) return new Date(Math.round(n));
  return fail(input, name);
}

/** Parses any accepted time input to a Date, or throws an InputError that quotes the input. */
export function parseTime(input: unknown, options: ParseTimeOptions = {}): Date {
  const { name } = options;
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) fail(input, name);
    return new Date(input.getTime());
  }
  if (typeof input === "number") return fromEpochNumber(input, input, name);
  if (typeof input !== "string") return fail(input, name);

  const text = input.trim();
  const now = options.now ?? Date.now();
  if (/^now$/i.test(text)) return new Date(now);
  const rel = RELATIVE.exec(text);
  if (rel) {
    const span = Number(rel[2]) * UNIT_MS[rel[3].toLowerCase()];
    const date = new Date(rel[1] === "-" ? now - span : now + span);
    // A span beyond the Date range (about 270,000 years) gives no instant at all.
    if (Number.isNaN(date.getTime())) fail(input, name);
    return date;
  }
  if (DIGITS.test(text)) return fromEpochNumber(Number(text), input, name);
  const m = HOBO_TEXT.exec(text);
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
    // setUTCFullYear, not Date.UTC, so years 0-99 are not read as 1900-1999.
    const wall = new Date(0);
    wall.setUTCFullYear(+y, +mo - 1, +d);
    wall.setUTCHours(+h, +mi, +s, Number(frac.padEnd(3, "0")));
    // Reject impossible calendar values such as 2024-02-31 instead of letting them roll over
    // (checked on the wall-clock value, before the zone offset moves it to another day).
    if (wall.getUTCDate() !== +d || wall.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 59) fail(input, name);
    let ms = wall.getTime();
    if (zone && zone.toUpperCase() !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1;
      const hhmm = zone.slice(1).replace(":", "");
      const [zh, zm] = [Number(hhmm.slice(0, 2)), Number(hhmm.slice(2))];
      if (zh > 23 || zm > 59) fail(input, name);
      ms -= sign * (zh * 60 + zm) * 60_000;
    }
    const date = new Date(ms);
    if (Number.isNaN(ms)) fail(input, name);
    return date;
  }
  return fail(input, name);
}

/** Tuya wants 13-digit epoch milliseconds. */
export function toTuyaMs(date: Date): number {
  return date.getTime();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** HOBOlink wants "yyyy-MM-dd HH:mm:ss" in UTC (whole seconds). */
export function toHoboUtc(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** Reads HOBOlink's "yyyy-MM-dd HH:mm:ssZ" row timestamps (always UTC). */
export function parseHoboTimestamp(text: string): Date {
  return parseTime(text, { name: "row" });
}

/** A time window, validated: end strictly after start. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

export function parseWindow(start: unknown, end: unknown, now = Date.now()): TimeWindow {
  const s = parseTime(start, { now, name: "start" });
  const e = parseTime(end ?? "now", { now, name: "end" });
  if (e.getTime() <= s.getTime()) {
    throw new InputError(`The end time (${e.toISOString()}) must be after the start time (${s.toISOString()})`, {
      key: "time.reversed",
      params: { start: s.toISOString(), end: e.toISOString() },
    });
  }
  return { start: s, end: e };
}
