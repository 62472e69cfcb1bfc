/**
 * Incremental device logs: "every entry since the last run" for many devices, with the marks of
 * src/core/marks.ts (a mark per device, the gap a page cap or a failure left, an optional settle
 * time for entries Tuya files late). Tuya lists newest first, so a walk cut short owes its oldest
 * entries: the next run walks that gap before anything newer. Marks stored by earlier versions of
 * tuya-log ({ ts, keys, gap } per device id, keys "<event_time>|<event_id>|<code>|<value>") are
 * read as they are: they are this shape.
 *
 *   const run = harvestTuyaLogs(devices, ["vdevo1", "vdevo2"], { window: { start, end }, marks });
 *   for await (const batch of run) { handle(batch.source.deviceId, batch.readings); batch.commit(); }
 *   saved = run.marks();
 */
import { InputError } from "../core/errors";
import { Harvest, type HarvestOptions, type HarvestSource } from "../core/harvest";
import type { TuyaDevices } from "./devices";
import type { TuyaLogPage } from "./logs";
import type { TuyaLogEntry } from "./model";

export interface TuyaHarvestOptions extends Omit<HarvestOptions, "shareMs" | "markSilent"> {
  /** Event types (default [7], data-point reports). */
  eventTypes?: number[];
  /** Only these data-point codes. */
  codes?: string[];
  /** Entries per page, at most 100. */
  pageSize?: number;
  /** Page cap per walk: a walk it cuts short is finished by later runs. */
  maxPages?: number;
  /** How errors name a device (default its id). */
  deviceLabel?: (id: string) => string;
}

/** An entry's key among the device's entries of one instant (the mark's id is "<event_time>|" and this). */
export function tuyaEntryKey(e: TuyaLogEntry): string {
  return `${e.event_id ?? ""}|${e.code}|${e.value}`;
}

/** The device logs as a harvest source: one device per query, pages newest first. */
export function tuyaLogSource(
  devices: TuyaDevices,
  o: Pick<TuyaHarvestOptions, "eventTypes" | "codes" | "pageSize" | "maxPages">,
): HarvestSource<TuyaLogEntry, TuyaLogPage> {
  return {
    order: "newest-first",
    // A gap can be one instant; Tuya wants end > start, and entries past the walk are filtered out.
    // Dates, not epoch numbers: a number before 2001 has 12 digits, which parseTime does not read as milliseconds.
    read: (q) =>
      devices.logs(q.series[0], {
        start: new Date(q.start),
        end: new Date(Math.max(q.end, q.start + 1)),
        eventTypes: o.eventTypes,
        codes: o.codes,
        pageSize: o.pageSize,
        maxPages: o.maxPages,
        signal: q.signal,
      }),
    readings: (page) => page.logs,
    truncated: (page) => page.truncated,
    series: (_entry, page) => page.deviceId,
    time: (e) => e.event_time,
    key: tuyaEntryKey,
  };
}

/** One incremental run over the devices' logs, device after device. */
export function harvestTuyaLogs(devices: TuyaDevices, deviceIds: readonly string[], o: TuyaHarvestOptions): Harvest<TuyaLogEntry, TuyaLogPage> {
  return new Harvest(tuyaLogSource(devices, o), deviceIds, {
    ...o,
    // A gap walk starts with the entries already sent at its end; a cap they fill would never get past them.
    stuck:
      o.stuck ??
      ((q) =>
        new InputError(
          `${(o.deviceLabel ?? String)(q.series[0])}: the page cap (${o.maxPages ?? 0} ${o.maxPages === 1 ? "page" : "pages"} of ${o.pageSize ?? 100}) is used up by entries already sent, ` +
            "so incremental runs cannot get past them: raise the Page cap or the Page size",
          { key: "tuya-log.errors.capUsedUp", params: { device: (o.deviceLabel ?? String)(q.series[0]), count: o.maxPages ?? 0, size: o.pageSize ?? 100 } },
        )),
  });
}
