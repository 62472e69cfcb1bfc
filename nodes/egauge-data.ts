/**
 * egauge-data: readings of the chosen registers of one meter. Modes: the current rates; history
 * for a window (relative, absolute, or incremental since the last run, its mark kept in context
 * so a restart neither loses nor repeats a reading) at a chosen resolution; or period totals
 * (today, this week, this month) in the meter's own time zone. Output as the other data nodes:
 * raw, records, InfluxDB batch points or one message per reading; all at once or page by page.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat } from "../src/core/records";
import type { Marks } from "../src/core/marks";
import { egaugeRecords, harvestEgauge, PERIODS, type EgaugeReading, type Period } from "../src/egauge";
import { contextGet, contextSet, saveMarksAfterFailure } from "./shared/context";
import { evaluate, handleInput, type InputContext } from "./shared/input";
import { oneAtATime } from "./shared/one-at-a-time";
import { formatMessages, timeSetting } from "./shared/output";
import { translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { Streamer } from "./shared/streamer";
import { streamPace } from "./shared/downstream";
import { marksStore, readWindow, windowMode } from "./shared/window";
import { attachConfig } from "./egauge-common";
import { namesOf, resolutionOf, rowCapOf, type EgaugeDataDef } from "./egauge-data-inputs";
import { migrate } from "./shared/migrate";

const MARKS_KEY = "egaugeMarks";

export = function (RED: NodeAPI): void {
  function EgaugeData(this: Node, def: EgaugeDataDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("egauge-data", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.egauge, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const mode = def.mode === "history" || def.mode === "totals" ? def.mode : "rates";
    const windowKind = windowMode(def);
    const store = marksStore(def);
    const energy = def.quantity === "energy";

    const run = async ({ msg, send, signal }: InputContext): Promise<void> => {
      const config = attached.require();
      const cap = rowCapOf(def.maxRows); // read before any request: a bad setting fails before anything is sent
      const fromList = !def.registersFromType || def.registersFromType === "list";
      const names = namesOf(fromList ? def.registers : await evaluate(RED, this, msg, def.registersFromType, def.registersFrom));
      const resolution = resolutionOf((msg as { resolution?: unknown }).resolution ?? def.resolution);
      const periods = (def.periods?.length ? def.periods : ["today", "week", "month"]).filter((p): p is Period => (PERIODS as readonly string[]).includes(p));
      const window = mode === "history" ? await readWindow(RED, this, msg, def, windowKind, "-1h") : undefined;
      const client = config.client;
      const toMessages = (readings: EgaugeReading[], info: Record<string, unknown>): NodeMessage[] => {
        const shown = energy ? readings.map((r) => (r.energy !== undefined ? { ...r, value: r.energy, unit: r.energyUnit ?? r.unit } : r)) : readings;
        const records = egaugeRecords(shown, config.meterName);
        const raw = readings.map((r) => ({ ...r, counter: r.counter?.toString() }));
        return formatMessages({ ...msg, egauge: info } as NodeMessageInFlow, raw, records, {
          format,
          measurement: def.measurement || undefined,
          topic: msg.topic ?? config.meterName,
          timeAs: timeSetting(def.timeAs),
        });
      };
      status.requesting(mode);
      if (mode === "rates" || mode === "totals") {
        const readings =
          mode === "rates"
            ? await client.rates(names, { virtual: def.virtual, signal })
            : await client.totals(names, periods, { virtual: def.virtual, signal });
        send([toMessages(readings, { mode })]);
        status.success(t("egauge-data.status.readings", { count: readings.length }));
        return;
      }
      const ctx = this.context();
      const incremental = windowKind === "incremental";
      const span = { start: window!.start, end: window!.end };
      let pages: AsyncIterable<{ readings: EgaugeReading[]; from: number; to: number; commit(): void }>;
      let harvest: ReturnType<typeof harvestEgauge> | undefined;
      if (incremental) {
        // Each register is a series with its own mark (the pack's incremental machinery, src/core/harvest.ts).
        const registers = names.length > 0 ? names : (await client.registers({ virtual: def.virtual, signal })).map((r) => r.name);
        const marks = (await contextGet<Marks>(ctx, MARKS_KEY, store)) ?? {};
        harvest = harvestEgauge(
          client,
          registers,
          { window: { start: span.start.getTime(), end: span.end.getTime() }, marks, signal },
          { resolution, virtual: def.virtual },
        );
        pages = (async function* () {
          for await (const b of harvest!) yield { readings: b.readings, from: b.source.from, to: b.source.to, commit: b.commit };
        })();
      } else {
        pages = (async function* () {
          for await (const p of client.history(names, span, { resolution, virtual: def.virtual, signal })) yield { ...p, commit: () => undefined };
        })();
      }
      const save = async () => (harvest ? contextSet(ctx, MARKS_KEY, harvest.marks(), store) : undefined);
      const perPage = def.output === "page";
      // One message per page goes at the flow's pace (backpressure), so a long history never piles up in the runtime.
      const downstream = perPage ? streamPace(RED, this, msg._msgid, signal) : undefined;
      const sender = new Streamer(send, msg._msgid, format !== "messages", downstream);
      const kept: EgaugeReading[] = [];
      const batches: { commit(): void }[] = [];
      let total = 0;
      try {
        try {
          for await (const page of pages) {
            total += page.readings.length;
            status.progress(t("egauge-data.status.readings", { count: total }));
            const info = { start: new Date(page.from * 1000).toISOString(), end: new Date(page.to * 1000).toISOString(), resolution };
            if (perPage) await sender.push(page.readings.length > 0 ? toMessages(page.readings, info) : [], () => (page.commit(), save()));
            else {
              cap.add(page.readings.length); // the whole window is one message: bounded, failing before the next page is asked
              for (const r of page.readings) kept.push(r);
              batches.push(page);
            }
          }
        } catch (err) {
          // Pages sent before the failure keep their marks; all-at-once mode sends nothing and keeps the old marks.
          if (perPage && !signal.aborted) await sender.flush(false);
          // The marks keep what was sent, and a first run's start (the next run begins there, not at its own window's start).
          if (!signal.aborted) await saveMarksAfterFailure(this, save, (error) => t("common.warnings.marksNotSaved", { error }));
          throw err;
        }
        if (perPage) await sender.flush(true);
      } finally {
        downstream?.pace.dispose();
      }
      if (!perPage) {
        if (kept.length > 0) send([toMessages(kept, { start: span.start.toISOString(), end: span.end.toISOString(), resolution })]);
        for (const b of batches) b.commit();
        await save();
      }
      if (total === 0) status.warning(t("egauge-data.status.noData"));
      else status.success(t("egauge-data.status.readings", { count: total }));
    };

    // Incremental runs go one after the other: two at once would both read from the same mark.
    const queued = oneAtATime();
    handleInput(this, status, (input) => (mode === "history" && windowKind === "incremental" ? queued(() => run(input)) : run(input)));
  }

  RED.nodes.registerType("egauge-data", EgaugeData);
};
