/**
 * What a user may write for a log query's event types and data-point codes (a node's typed input,
 * a function node's argument): names or numbers, comma text, JSON array text or an array. Checked
 * before any request, with a message that says what is accepted.
 */
import { InputError } from "../core/errors";
import { ruleError, rules } from "../core/rules";

/** Tuya's event types by name (reference §4.3); "report" (7) is what a data history wants. */
export const TUYA_EVENT_TYPES: Readonly<Record<string, number>> = {
  online: 1,
  offline: 2,
  activation: 3,
  reset: 4,
  command: 5,
  upgrade: 6,
  report: 7,
  data: 7,
  semaphore: 8,
  restart: 9,
  timing: 10,
};
const listOf = rules.listOf;

/** Event types as numbers: 7, "1,2,7", ["online", 7] or "all"; default [7]. */
export function parseEventTypes(value: unknown): number[] {
  const items = listOf(value);
  if (items.length === 1 && typeof items[0] === "string" && items[0].trim().toLowerCase() === "all") return Array.from({ length: 10 }, (_, i) => i + 1);
  const types = items.map((item) => {
    // Only text and numbers name a type: String() of another value may throw (an object without a prototype).
    const name = typeof item === "string" || typeof item === "number" ? String(item).trim().toLowerCase() : "";
    const t = TUYA_EVENT_TYPES[name] ?? (typeof item === "number" ? item : /^\d+$/.test(name) ? Number(name) : NaN);
    if (!Number.isInteger(t) || t < 1 || t > 10) {
      throw new InputError(
        `event types: ${JSON.stringify(item)} is not a Tuya event type; give numbers 1-10 or names ` +
          `(online, offline, activation, reset, command, upgrade, report = 7 data reports, semaphore, restart, timing) or "all"`,
        { key: "tuya-log.errors.badEventType", params: { type: JSON.stringify(item) ?? "undefined" } },
      );
    }
    return t;
  });
  return types.length > 0 ? [...new Set(types)] : [7];
}

/** Data-point codes to keep ([] = all); the rule is the one the tuya-log dialog runs (resources/rules.js badCode). */
export function parseLogCodes(value: unknown): string[] {
  const bad = rules.badCode(value);
  if (bad) throw ruleError(bad);
  return listOf(value).map((c) => String(c).trim());
}
