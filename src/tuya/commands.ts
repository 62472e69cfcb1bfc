/**
 * Command input for POST .../commands: normalised from the shapes flows send, and checked
 * against the device's functions before anything is sent, so a typo or a wrong type becomes a
 * clear InputError instead of Tuya's terse 1104/2008 (and an API call spent).
 */
import { InputError } from "../core/errors";
import { specValues, type TuyaFunction } from "./model";
import { rules } from "../core/rules";
import { isRecord } from "../core/util";

export interface TuyaCommand {
  code: string;
  value: unknown;
}

const SHAPES = 'use [{"code":"switch_1","value":true}], {"switch_1":true} or {"commands":[...]}';

/** [{code,value}], {code: value} or {commands:[...]} → a list of commands; InputError otherwise. */
export function normalizeCommands(input: unknown): TuyaCommand[] {
  let list: unknown[];
  if (Array.isArray(input)) list = input;
  else if (isRecord(input) && Array.isArray(input.commands)) list = input.commands;
  else if (isRecord(input)) list = Object.entries(input).map(([code, value]) => ({ code, value }));
  else throw new InputError(`Commands must be a list or an object: ${SHAPES}`);
  if (list.length === 0) throw new InputError(`No commands given: ${SHAPES}`);
  return list.map((c, i) => {
    if (!isRecord(c) || typeof c.code !== "string" || c.code === "") throw new InputError(`Command ${i + 1} has no "code": ${SHAPES}`);
    // The same code rule as the tuya-command dialog's rows (resources/rules.js).
    if (!rules.isTuyaCode(c.code))
      throw new InputError(`Command ${i + 1}: ${JSON.stringify(c.code)} is not a function code such as "switch_1" or "bright_value_v2"`);
    if (c.value === undefined || c.value === null) throw new InputError(`Command "${c.code}" has no value`);
    return { code: c.code.trim(), value: c.value };
  });
}

const show = (v: unknown) => (typeof v === "string" ? `"${v}" (text)` : JSON.stringify(v));

function num(values: Record<string, unknown>, key: string): number | undefined {
  const n = Number(values[key]);
  return values[key] === undefined || !Number.isFinite(n) ? undefined : n;
}

/** Problems with an integer against {min,max,step}; scale is the caller's business (raw units). */
function integerProblems(where: string, v: unknown, values: Record<string, unknown>): string[] {
  if (typeof v !== "number" || !Number.isInteger(v)) return [`${where} must be a whole number, got ${show(v)}`];
  const min = num(values, "min");
  const max = num(values, "max");
  const step = num(values, "step");
  const scale = num(values, "scale") ?? 0;
  const unit = typeof values.unit === "string" && values.unit ? ` ${values.unit}` : "";
  const out: string[] = [];
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    const scaled = scale > 0 ? ` (raw units: ${10 ** scale} = 1${unit})` : "";
    out.push(`${where} must be between ${min ?? "-∞"} and ${max ?? "∞"}${scaled}, got ${v}`);
  }
  if (step !== undefined && step > 1 && (v - (min ?? 0)) % step !== 0) out.push(`${where} must be in steps of ${step} from ${min ?? 0}, got ${v}`);
  return out;
}

function valueProblems(cmd: TuyaCommand, f: TuyaFunction): string[] {
  const values = specValues(f);
  const v = cmd.value;
  const where = `"${cmd.code}"`;
  switch (f.type) {
    case "Boolean":
      return typeof v === "boolean" ? [] : [`${where} must be true or false, got ${show(v)}`];
    case "Integer":
      return integerProblems(where, v, values);
    case "Enum": {
      const range = Array.isArray(values.range) ? values.range.map(String) : [];
      if (typeof v !== "string") return [`${where} must be one of ${range.join(", ")}, got ${show(v)}`];
      return range.length && !range.includes(v) ? [`${where} must be one of ${range.join(", ")}, got "${v}"`] : [];
    }
    case "String":
      return typeof v === "string" ? [] : [`${where} must be text, got ${show(v)}`];
    case "Json": {
      let obj: unknown = v;
      if (typeof v === "string") {
        try {
          obj = JSON.parse(v);
        } catch {
          return [`${where} must be an object or its JSON text, got text that is not JSON`];
        }
      }
      if (!isRecord(obj)) return [`${where} must be an object, got ${show(v)}`];
      // Sub-fields with their own {min,max} (such as colour h/s/v) are checked like integers.
      const fields = Object.entries(values).filter(([, spec]) => isRecord(spec) && ("min" in spec || "max" in spec));
      const out: string[] = [];
      for (const [k, spec] of fields) {
        if (!(k in obj)) out.push(`${where} needs the field "${k}"`);
        else out.push(...integerProblems(`${where}.${k}`, obj[k], spec as Record<string, unknown>));
      }
      const unknown = fields.length ? Object.keys(obj).filter((k) => !fields.some(([name]) => name === k)) : [];
      if (unknown.length) out.push(`${where} has unknown fields ${unknown.join(", ")} (expected ${fields.map(([k]) => k).join(", ")})`);
      return out;
    }
    default:
      // Bitmap, Raw and newer types: the server checks them.
      return [];
  }
}

/** Normalises and checks commands against the device's functions; one InputError lists every problem. */
export function validateCommands(commands: unknown, functions: TuyaFunction[]): TuyaCommand[] {
  const list = normalizeCommands(commands);
  const problems: string[] = [];
  for (const cmd of list) {
    const f = functions.find((fn) => fn.code === cmd.code);
    if (!f) {
      const valid = functions.map((fn) => fn.code);
      problems.push(
        valid.length ? `unknown code "${cmd.code}" (this device accepts ${valid.join(", ")})` : `unknown code "${cmd.code}" (this device accepts no commands)`,
      );
    } else problems.push(...valueProblems(cmd, f));
  }
  if (problems.length) throw new InputError(`Invalid Tuya commands: ${problems.join("; ")}`);
  return list;
}
