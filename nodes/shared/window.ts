/**
 * The time window of the history nodes (hobo-data, tuya-log): the same dialog fields in both,
 * read the same way. Relative: a span before the end; absolute: a start and an end; incremental:
 * since the last successful run, the first run looking back a set span.
 */
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { ruleError, rules } from "../../src/core/rules";
import type { TimeWindow } from "../../src/core/time";
import { inputError } from "./i18n";
import { evaluate } from "./input";

/** The window fields of a history node's definition. */
export interface WindowDef {
  /** "relative" (span before end), "absolute" (start and end), "incremental" (since the last successful run). */
  window?: string;
  /** Relative: how far before the end, e.g. "-1h". */
  span?: string;
  /** Absolute: the start as a typed input (default type str). */
  start?: string;
  startType?: string;
  /** The end as a typed input (default "now"). */
  end?: string;
  endType?: string;
  /** Incremental: how far the first run looks back. */
  lookback?: string;
  /** Incremental: the context store that keeps the marks ("" = default store). */
  store?: string;
}

export type WindowMode = "relative" | "absolute" | "incremental";

export function windowMode(def: WindowDef): WindowMode {
  return def.window === "absolute" || def.window === "incremental" ? def.window : "relative";
}

/** The context store for the incremental marks (undefined = the default store). */
export function marksStore(def: WindowDef): string | undefined {
  return def.store?.trim() || undefined;
}

/**
 * The window to fetch (relative, absolute) or, for incremental runs, the first run's window.
 * The end defaults to now; relative inputs count back from the real clock, the span and the
 * look-back (default `defaultSpan`) from the end. The reading is the shared rule the dialogs run
 * (resources/rules.js readWindow), so a value the dialog refuses is refused here with the same text.
 */
export async function readWindow(RED: NodeAPI, node: Node, msg: NodeMessage, def: WindowDef, mode: WindowMode, defaultSpan: string): Promise<TimeWindow> {
  const end = await evaluate(RED, node, msg, def.endType || "str", def.end);
  const start = mode === "absolute" ? await evaluate(RED, node, msg, def.startType || "str", def.start) : undefined;
  const read = rules.readWindow({ mode, span: def.span, lookback: def.lookback, defaultSpan, start, end }, Date.now());
  if (read.problem) throw read.problem.key.startsWith("common.") ? inputError(read.problem.key, read.problem.params) : ruleError(read.problem);
  return { start: new Date(read.start), end: new Date(read.end) };
}
