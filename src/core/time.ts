/**
 * Time input for every node and client: one parser that takes what people and flows actually
 * send (Date, ISO 8601, 10-digit seconds, 13-digit milliseconds, "yyyy-MM-dd HH:mm:ss" UTC,
 * relative spans such as "-24h" or "now"), and formatters for Tuya (ms) and HOBOlink (UTC text).
 * Text without a zone offset is read as UTC, the same way HOBOlink reads it. The parser itself is
 * the shared rule in resources/rules.js, which the editor dialogs run too.
 */
import { ruleError, rules } from "./rules";

export interface ParseTimeOptions {
  /** Reference time for relative inputs (ms); defaults to Date.now(). */
  now?: number;
  /** Name of the input, used in error messages ("start", "end"). */
  name?: string;
}

/** Parses any accepted time input to a Date, or throws an InputError that quotes the input (the rule: resources/rules.js readTime). */
export function parseTime(input: unknown, options: ParseTimeOptions = {}): Date {
  const ms = rules.readTime(input, options.now ?? Date.now());
  if (Number.isNaN(ms)) throw ruleError(rules.unreadableTime(input, options.name));
  return new Date(ms);
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
  const reversed = rules.reversedWindow(s.getTime(), e.getTime());
  if (reversed) throw ruleError(reversed);
  return { start: s, end: e };
}
