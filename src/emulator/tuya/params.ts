// Query-parameter checks with Tuya's codes: 1100 missing, 1101 out of range, 1109 malformed.
import { fail } from "./errors";

export type Query = Map<string, string>;

export function required(q: Query, key: string): string {
  const v = q.get(key);
  if (v === undefined || v === "") fail(1100);
  return v;
}

export function optional(q: Query, key: string): string | undefined {
  const v = q.get(key);
  return v === undefined || v === "" ? undefined : v;
}

/** Comma-separated list ("a,b,c"), blanks dropped. */
export function list(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Log windows are 13-digit epoch ms; a 10-digit seconds value is rejected (reference §4.3). */
export function epochMs(q: Query, key: string): number {
  const v = required(q, key);
  if (!/^\d{13}$/.test(v)) fail(1109);
  return Number(v);
}

export interface SizeRule {
  def: number;
  max: number;
  oversize: "clamp" | "error";
}

export function pageSize(q: Query, key: string, rule: SizeRule): number {
  const v = optional(q, key);
  if (v === undefined) return rule.def;
  if (!/^\d+$/.test(v)) fail(1109);
  const n = Number(v);
  if (n < 1) fail(1101);
  if (n > rule.max) {
    if (rule.oversize === "error") fail(1101);
    return rule.max;
  }
  return n;
}

/** Event types 1..10 as a set (type / event_types). */
export function eventTypes(v: string): Set<number> {
  const out = new Set<number>();
  for (const s of list(v)) {
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 10) fail(1109);
    out.add(Number(s));
  }
  if (out.size === 0) fail(1100);
  return out;
}
