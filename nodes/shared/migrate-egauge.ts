/**
 * The eGauge nodes' config versions (see migrate.ts). Current: version 1 for both.
 *
 * Version 0 (no `version`: the first eGauge release) to 1, what changed:
 * - egauge-data: no resolution meant "auto" (each part of the window at the finest interval the
 *   meter still keeps for it); today's dialog suggests one row a minute. Every other absent
 *   property meant the editor's default (rates, all registers, today/week/month totals).
 * - egauge-config: an absent property meant the editor's default (verify TLS, no plain http).
 */
import { fill, OUTPUT, unchanged, windowDefaults, type Config, type Migration } from "./migration";

function egaugeDataV0(config: Config): Config {
  return fill(config, { resolution: "auto" });
}

export const egaugeMigrations = {
  "egauge-config": {
    version: 1,
    defaults: { name: "", meter: "", tls: "verify", ca: "", allowHttp: false, totalTime: 60, timeout: 30 },
    steps: [unchanged],
  },
  "egauge-data": {
    version: 1,
    defaults: {
      name: "",
      egauge: "",
      registers: [],
      registersFrom: "",
      registersFromType: "list",
      virtual: false,
      mode: "rates",
      resolution: "60",
      quantity: "rate",
      periods: ["today", "week", "month"],
      ...windowDefaults("-1h"),
      ...OUTPUT,
      output: "all",
      maxRows: "",
    },
    steps: [egaugeDataV0],
  },
} satisfies Record<string, Migration>;
