/**
 * "Everything new since the last run" for eGauge registers, on the pack's incremental machinery
 * (src/core/harvest.ts and marks.ts): each register is a series whose mark is the time of the last
 * reading sent; the history pages come oldest first, so a run cut short leaves no gap.
 */
import { Harvest, type HarvestOptions, type HarvestSource } from "../core/harvest";
import type { EgaugeClient, HistoryOptions } from "./client";
import type { HistoryPage } from "./history";
import type { EgaugeReading } from "./readings";

/** Registers whose marks lie within this of each other are read in one query (a meter's registers advance together). */
export const SHARED_START_MS = 60 * 60_000;

export function egaugeSource(client: EgaugeClient, options: Omit<HistoryOptions, "signal"> = {}): HarvestSource<EgaugeReading, HistoryPage> {
  return {
    order: "oldest-first",
    read: (q) => pagesOf(client, q.series, q.start, q.end, { ...options, signal: q.signal }),
    readings: (page) => page.readings,
    series: (r) => r.register,
    time: (r) => r.time.getTime(),
    // One reading per register and row time.
    key: () => "",
  };
}

async function* pagesOf(client: EgaugeClient, names: string[], start: number, end: number, options: HistoryOptions): AsyncGenerator<HistoryPage> {
  // Nothing to ask when the marks already reach the end.
  if (Math.floor(end / 1000) <= Math.floor(start / 1000)) return;
  yield* client.history(names, { start: new Date(start), end: new Date(end) }, options);
}

export function harvestEgauge(
  client: EgaugeClient,
  registers: readonly string[],
  o: Omit<HarvestOptions, "stuck">,
  history: Omit<HistoryOptions, "signal"> = {},
): Harvest<EgaugeReading, HistoryPage> {
  return new Harvest(egaugeSource(client, history), registers, { shareMs: SHARED_START_MS, ...o });
}
