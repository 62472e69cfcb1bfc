/**
 * hobo-data's settings (the node's config) and what is read from them once at deploy: the
 * dialog's logger list, unit system, the type and sensor filters, and bestlab's raw answer shape
 * for a set of rows.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { inputError } from "./shared/i18n";
import type { WindowDef } from "./shared/window";
import { evaluate } from "./shared/input";
import { normalizeLoggers, type HoboFlavour, type HoboRow, type HoboUnitSystem } from "../src/hobo";
import { DEFAULT_MAX_ROWS, DEFAULT_STREAM_ROWS, rowCapFrom, type RowCap } from "../src/core/row-cap";

export interface LoggerEntry {
  serial?: unknown;
  name?: unknown;
}

export interface HoboDataDef extends NodeDef, WindowDef {
  timeAs?: string;
  hobo?: string;
  /** The dialog's list of loggers (serial, optional friendly name). */
  loggers?: LoggerEntry[];
  /** Where the loggers come from: "list" (the dialog) or a typed input (msg, flow, ...). */
  loggersFrom?: string;
  loggersFromType?: string;
  units?: string;
  /** Optional comma lists: keep only these measurement types / sensor serials. */
  types?: string;
  sensors?: string;
  format?: string;
  measurement?: string;
  /** "all" (one message when everything arrived) or "window" (one message per window). */
  output?: string;
  /** Rows one message may hold: "all at once" fails past it, per window splits a window into messages of this many (empty: 100,000 / 10,000). */
  maxRows?: string | number;
  warnEmpty?: boolean;
}

export function commaSet(text: unknown): Set<string> | undefined {
  if (typeof text !== "string") return undefined;
  const items = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  return items.length > 0 ? new Set(items) : undefined;
}

export function unitSystemOf(value: unknown): HoboUnitSystem {
  return value === "us" || value === "scaled" ? value : "si";
}

/** bestlab's JSON shape for a set of rows: legacy observation_list, LI-COR data. */
export function rawShape(flavour: HoboFlavour, rows: HoboRow[]): Record<string, unknown> {
  const message = `OK: Found: ${rows.length} results.`;
  return flavour === "legacy" ? { observation_list: rows, message, max_results: false } : { data: rows, message, max_results: false };
}

/** The dialog list as serials and a serial -> friendly name map. */
export function dialogLoggers(list: unknown): { serials: string[]; names: Record<string, string> } {
  const serials: string[] = [];
  const names: Record<string, string> = {};
  for (const entry of Array.isArray(list) ? (list as LoggerEntry[]) : []) {
    const serial = typeof entry?.serial === "string" || typeof entry?.serial === "number" ? String(entry.serial).trim() : "";
    if (!serial) continue;
    serials.push(serial);
    if (typeof entry.name === "string" && entry.name.trim()) names[serial] = entry.name.trim();
  }
  return { serials, names };
}

/** The node's type and sensor filters (a sensor matches by its full serial or the logger part before "-"). */
export function rowFilter(types: Set<string> | undefined, sensors: Set<string> | undefined): (row: HoboRow) => boolean {
  return (row) => {
    if (types && !types.has(String(row.sensor_measurement_type).toLowerCase())) return false;
    if (sensors) {
      const sn = String(row.sensor_sn).toLowerCase();
      if (!sensors.has(sn) && !sensors.has(sn.split("-")[0])) return false;
    }
    return true;
  };
}

/** The loggers to ask, from the dialog's list (where undefined) or a typed input named by where. */
export function loggersOf(input: unknown, where: string | undefined): string[] {
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0) || input === "") {
    throw where === undefined ? inputError("hobo-data.errors.noLoggersInList") : inputError("hobo-data.errors.noLoggersIn", { property: where });
  }
  return normalizeLoggers(input);
}

/** Rows one message may hold (the "max rows per message" setting): empty means 100,000 for "all at once", 10,000 per streamed window. */
export function rowCapOf(value: unknown, streamed: boolean): RowCap {
  return rowCapFrom(
    value,
    {
      bad: (v, limit) => inputError("hobo-data.errors.badMaxRows", { value: v, limit }),
      tooMany: (max) => inputError("hobo-data.errors.tooManyRows", { max }),
    },
    streamed ? DEFAULT_STREAM_ROWS : DEFAULT_MAX_ROWS,
  );
}

/** A message's loggers: the dialog's list, or the typed input (msg, flow, ...) the node names. */
export async function readLoggers(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  def: { loggersFrom?: string; loggersFromType?: string },
  dialog: string[],
): Promise<string[]> {
  const fromList = !def.loggersFromType || def.loggersFromType === "list";
  const input = fromList ? dialog : await evaluate(RED, node, msg, def.loggersFromType, def.loggersFrom);
  return loggersOf(input, fromList ? undefined : `${def.loggersFromType}.${def.loggersFrom ?? ""}`);
}
