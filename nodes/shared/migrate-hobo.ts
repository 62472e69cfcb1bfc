/**
 * The HOBOlink nodes' config versions (see migrate.ts). Current: version 1 for both.
 *
 * Version 0 (no `version`: the first wave) to 1, what changed:
 * - hobo-config: the flavour was always required; a config without one stays without (it is
 *   refused as before, not taken for LI-COR Cloud).
 * - hobo-data: the dialog's logger list may hold serials as numbers (hand-written and generated
 *   flows); they become the trimmed text the dialog writes. An absent logger source meant the
 *   list, and every other absent property (time as, units, filters) the editor's default.
 */
import { fill, OUTPUT, windowDefaults, type Config, type Migration } from "./migration";

function hoboConfigV0(config: Config): Config {
  return fill(config, { flavour: "" });
}

function hoboDataV0(config: Config): Config {
  if (!Array.isArray(config.loggers)) return config;
  const loggers = config.loggers.map((entry: unknown) => {
    const e = entry as { serial?: unknown } | null;
    return e && typeof e === "object" && typeof e.serial === "number" ? { ...e, serial: String(e.serial) } : entry;
  });
  return { ...config, loggers };
}

export const hoboMigrations = {
  "hobo-config": {
    version: 1,
    defaults: { name: "", flavour: "licor", endpoint: "", rpm: "", concurrency: "", totalTime: 60, timeout: 30 },
    steps: [hoboConfigV0],
  },
  "hobo-data": {
    version: 1,
    defaults: {
      name: "",
      hobo: "",
      loggers: [],
      loggersFrom: "",
      loggersFromType: "list",
      ...windowDefaults("-1h"),
      units: "si",
      types: "",
      sensors: "",
      ...OUTPUT,
      output: "all",
      warnEmpty: false,
      maxRows: "",
    },
    steps: [hoboDataV0],
  },
} satisfies Record<string, Migration>;
