/**
 * The input rules (logger serials, device ids, data-point codes, times and windows) as the
 * library and the nodes' message path use them: loaded from resources/rules.js, the same file the
 * editor dialogs load, so a value the dialog accepts is accepted here and one it refuses is
 * refused here, by one definition.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputError } from "./errors";

/** A refusal: the catalog text (key, params; library keys live under common.lib.) and the library's English message. */
export interface RuleProblem {
  key: string;
  params: Record<string, string>;
  message?: string;
  /** Which input of a window ("span", "lookback", "start", "end"). */
  field?: string;
}

/** A history node's window inputs (see readWindow in resources/rules.js). */
export interface WindowFields {
  mode: "relative" | "absolute" | "incremental";
  span?: string;
  lookback?: string;
  defaultSpan?: string;
  start?: unknown;
  end?: unknown;
  /** Inputs known only when a message comes (not checked). */
  later?: { start?: boolean; end?: boolean };
}

export interface InputRules {
  isHoboSerial(value: unknown): boolean;
  isTuyaDeviceId(value: unknown): boolean;
  isTuyaCode(value: unknown): boolean;
  /** A comma text, a JSON array text, an array or a single value, as a list of items. */
  listOf(value: unknown): unknown[];
  /** The refusal of the first item of a code list that is not a data-point code, or null. */
  badCode(value: unknown): RuleProblem | null;
  /** Epoch ms of any accepted time input (relative ones from now), NaN when unreadable. */
  readTime(input: unknown, now: number): number;
  /** How an input is quoted in messages. */
  describe(input: unknown): string;
  unreadableTime(input: unknown, name?: string): RuleProblem;
  reversedWindow(startMs: number, endMs: number): RuleProblem | null;
  readWindow(fields: WindowFields, now: number): { start: number; end: number; problem?: undefined } | { problem: RuleProblem };
}

/** resources/rules.js of the pack: next to src/ under tsx, one level further up from dist/. */
function rulesFile(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "resources", "rules.js");
    if (existsSync(file)) return file;
    dir = dirname(dir);
  }
  throw new Error("resources/rules.js is missing from the pack");
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script shared with the browser
export const rules = require(rulesFile()) as InputRules;

/** The InputError for a refusal: the rule's English text, keyed for the runtime's translation. */
export function ruleError(problem: RuleProblem): InputError {
  return new InputError(problem.message ?? problem.key, { key: problem.key, params: problem.params });
}
