/**
 * egauge-data's settings (the node's config) and the inputs read from them or from a message:
 * the register names and the history resolution.
 */
import type { NodeDef } from "node-red";
import { rowCapFrom, type RowCap } from "../src/core/row-cap";
import { RESOLUTIONS, type Resolution } from "../src/egauge";
import { inputError } from "./shared/i18n";
import type { WindowDef } from "./shared/window";

export interface EgaugeDataDef extends NodeDef, WindowDef {
  egauge?: string;
  /** Register names picked in the dialog (empty: all). */
  registers?: string[];
  /** Typed input overriding the list ("msg" + "registers"); "list" or empty: the dialog's. */
  registersFrom?: string;
  registersFromType?: string;
  virtual?: boolean;
  mode?: string;
  resolution?: string;
  /** History: "rate" (mean over each row) or "energy" (kWh for power registers). */
  quantity?: string;
  periods?: string[];
  format?: string;
  measurement?: string;
  timeAs?: string;
  /** "all" (one message) or "page" (one per page, msg.parts). */
  output?: string;
  /** Readings one "all at once" history message may hold (empty: 100,000). */
  maxRows?: string | number;
}

export function resolutionOf(value: unknown): Resolution {
  // Only text and numbers name a resolution: Number() or String() of another value may throw (an object without a prototype).
  const plain = typeof value === "string" || typeof value === "number";
  const r = value === "auto" || value === "" ? "auto" : plain ? Number(value) : NaN;
  if (!(RESOLUTIONS as readonly unknown[]).includes(r)) throw inputError("egauge-data.errors.badResolution", { value: plain ? String(value) : typeof value });
  return r as Resolution;
}

export function namesOf(value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : undefined;
  if (!list || list.some((n) => typeof n !== "string")) throw inputError("egauge-data.errors.badRegisters");
  return (list as string[]).map((n) => n.trim()).filter((n) => n !== "");
}

/** The cap of readings one "all at once" history message holds (the "max rows" setting, empty: 100,000). */
export function rowCapOf(value: unknown): RowCap {
  return rowCapFrom(value, {
    bad: (v, limit) => inputError("egauge-data.errors.badMaxRows", { value: v, limit }),
    tooMany: (max) => inputError("egauge-data.errors.tooManyRows", { max }),
  });
}
