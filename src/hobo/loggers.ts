/**
 * Logger lists: what callers send (an array, "a, b" or a single number; bestlab rejects the
 * number despite its own type hint, we accept it) becomes a trimmed, de-duplicated list of
 * serials, split into request groups of at most ten (the API's limit).
 */
import { InputError } from "../core/errors";
import { rules } from "../core/rules";

export const MAX_LOGGERS_PER_REQUEST = 10;

const ACCEPTED =
  'logger serial numbers of 6 to 10 digits: an array of serial numbers, a comma-separated string such as "21092695, 21150777", or a single number';

function describe(input: unknown): string {
  if (input === null || input === undefined) return String(input);
  if (typeof input === "string") return `the string "${input.slice(0, 80)}"`;
  if (typeof input === "number") return `the number ${input}`;
  if (Array.isArray(input)) return "an array";
  return `a value of type ${typeof input}`;
}

function fromNumber(n: number, input: unknown): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`Cannot read ${describe(input)} as a logger serial number: use ${ACCEPTED}`);
  return String(n);
}

function pieces(input: unknown): string[] {
  if (typeof input === "number") return [fromNumber(input, input)];
  if (typeof input === "string") return input.split(",");
  if (Array.isArray(input)) {
    return input.flatMap((item: unknown) => {
      if (typeof item === "number") return [fromNumber(item, item)];
      if (typeof item === "string") return item.split(",");
      throw new InputError(`The loggers list holds ${describe(item)}: each entry must be a serial number (string or number)`);
    });
  }
  throw new InputError(`Cannot read ${describe(input)} as loggers: use ${ACCEPTED}`);
}

/** Trimmed, de-duplicated serials in the order given; an InputError says what was wrong. */
export function normalizeLoggers(input: unknown): string[] {
  const serials = [
    ...new Set(
      pieces(input)
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  if (serials.length === 0) throw new InputError(`No logger serial numbers were given (received ${describe(input)}): use ${ACCEPTED}`);
  // The same rule as the hobo-data dialog (resources/rules.js).
  const bad = serials.find((s) => !rules.isHoboSerial(s));
  if (bad !== undefined) {
    throw new InputError(`"${bad.slice(0, 40)}" is not a logger serial number: use ${ACCEPTED}`, {
      key: "loggers.badSerial",
      params: { serial: bad.slice(0, 40) },
    });
  }
  return serials;
}

/** Splits serials into the fewest groups of at most `max`, of nearly equal size (so windows fit all groups alike). */
export function groupLoggers(serials: readonly string[], max = MAX_LOGGERS_PER_REQUEST): string[][] {
  const count = Math.ceil(serials.length / max);
  const size = Math.ceil(serials.length / count);
  const groups: string[][] = [];
  for (let i = 0; i < serials.length; i += size) groups.push(serials.slice(i, i + size));
  return groups;
}
