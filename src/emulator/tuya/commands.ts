// Command validation against a device's functions (reference §4.2 "Send commands"), all-or-nothing:
// every command is checked before any is applied.
import { CATEGORIES, type DpSpec } from "./devices";
import { fail } from "./errors";

export interface Command {
  code: string;
  value: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface IntRange {
  min: number;
  max: number;
  step?: number;
}

function checkInt(v: unknown, r: IntRange): number {
  if (typeof v !== "number" || !Number.isInteger(v)) fail(1104);
  if (v < r.min || v > r.max || (r.step && r.step > 1 && (v - r.min) % r.step !== 0)) fail(2008);
  return v;
}

/** Returns the value to store in the device state; throws TuyaErrorReply 1104 / 2008. */
function normalise(spec: DpSpec, value: unknown): unknown {
  switch (spec.type) {
    case "Boolean":
      if (typeof value !== "boolean") fail(1104);
      return value;
    case "Integer":
      return checkInt(value, spec.values as unknown as IntRange);
    case "Enum": {
      if (typeof value !== "string") fail(1104);
      const range = (spec.values.range as string[] | undefined) ?? [];
      if (!range.includes(value)) fail(2008);
      return value;
    }
    case "String":
      if (typeof value !== "string") fail(1104);
      return value;
    case "Json": {
      // Clients send either the object or its JSON text (Home Assistant sends text).
      let obj: unknown = value;
      if (typeof value === "string") {
        try {
          obj = JSON.parse(value);
        } catch {
          fail(1104);
        }
      }
      if (!isObject(obj)) fail(1104);
      const fields = spec.values as Record<string, IntRange>;
      const keys = Object.keys(fields);
      if (Object.keys(obj).some((k) => !keys.includes(k)) || keys.some((k) => !(k in obj))) fail(2008);
      const out: Record<string, number> = {};
      for (const k of keys) out[k] = checkInt(obj[k], fields[k]);
      return JSON.stringify(out);
    }
  }
}

/** Parses the raw POST body into validated commands with their stored values. */
export function validateCommands(category: string, body: Buffer): Command[] {
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    fail(1109);
  }
  if (!isObject(parsed) || parsed.commands === undefined || parsed.commands === null) fail(1100);
  const list = parsed.commands;
  if (!Array.isArray(list)) fail(1109);
  if (list.length === 0) fail(1100);
  const functions = CATEGORIES[category]?.functions ?? [];
  return list.map((c: unknown) => {
    if (!isObject(c) || typeof c.code !== "string" || c.code === "") fail(1100);
    if (c.value === undefined || c.value === null) fail(1100);
    const spec = functions.find((f) => f.code === c.code);
    if (!spec) fail(2008);
    return { code: c.code, value: normalise(spec, c.value) };
  });
}

/** Log entries carry values as strings ("true", "65", JSON text). */
export function logValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
