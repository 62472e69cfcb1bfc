/**
 * What a node type's migration is (nodes/shared/migrate.ts runs them; the steps are in
 * migrate-tuya.ts, migrate-hobo.ts and migrate-egauge.ts), and what the steps share.
 */

/** A config as stored in a flow: plain properties. */
export type Config = Record<string, unknown>;

/** Turns a config of version n into one of version n + 1. */
export type Step = (config: Config) => Config;

export interface Migration {
  /** The current version: what the editor's `version` default says. */
  version: number;
  /** The editor's defaults for a new node (nodes/<type>.html): what an absent property means in a current config. */
  defaults: Readonly<Config>;
  /** steps[n] turns version n into version n + 1 (steps.length === version). */
  steps: readonly Step[];
}

/** Fills the properties of config that are absent (undefined) with values; the others stay as they are. */
export function fill(config: Config, values: Readonly<Config>): Config {
  const out = { ...config };
  for (const [key, value] of Object.entries(values)) if (out[key] === undefined) out[key] = structuredClone(value);
  return out;
}

/** A step for a version where absent properties meant the editor's defaults (the runner fills them) and nothing else changed. */
export const unchanged: Step = (config) => config;

/** The output fields of the data nodes (format, InfluxDB measurement, time as). */
export const OUTPUT = { format: "records", measurement: "", timeAs: "iso" } as const;

/** The window fields of a history node (nodes/shared/window.ts), with its default span. */
export function windowDefaults(span: string): Config {
  return { window: "relative", span, start: "", startType: "str", end: "now", endType: "str", lookback: span, store: "" };
}
