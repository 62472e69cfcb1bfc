/**
 * hobo-data: logger readings over a time window (absolute, relative, or incremental since the
 * last successful poll), fetched window by window through the config's shared client, so long
 * backfills never truncate and never break the rate limit. Output in bestlab's raw shape, as
 * records, InfluxDB batch points or one message per reading; all at once, or one message per
 * window (msg.parts) for long backfills.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat } from "../src/core/records";
import { chunk } from "../src/core/util";
import { compareRows, harvestHobo, readHoboMarks, rowsToRecords, type HoboRow, type HoboWindow } from "../src/hobo";
import { contextGet, contextSet, saveMarksAfterFailure } from "./shared/context";
import { handleInput, type InputContext } from "./shared/input";
import { oneAtATime } from "./shared/one-at-a-time";
import { formatMessages, timeSetting } from "./shared/output";
import { translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { Streamer } from "./shared/streamer";
import { streamPace } from "./shared/downstream";
import { marksStore, readWindow, windowMode } from "./shared/window";
import { attachConfig } from "./hobo-common";
import { commaSet, dialogLoggers, rawShape, readLoggers, rowCapOf, rowFilter, unitSystemOf, type HoboDataDef } from "./hobo-data-inputs";
import { migrate } from "./shared/migrate";

const MARKS_KEY = "hoboMarks";
/** Relative span and first incremental look-back when the dialog leaves them empty. */
const DEFAULT_SPAN = "-1h";

export = function (RED: NodeAPI): void {
  function HoboData(this: Node, def: HoboDataDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("hobo-data", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.hobo, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const mode = windowMode(def);
    const perWindow = def.output === "window";
    const units = unitSystemOf(def.units);
    const dialog = dialogLoggers(def.loggers);
    const store = marksStore(def);
    const keep = rowFilter(commaSet(def.types), commaSet(def.sensors));

    // bestlab's warn_on_empty_data as an optional log line (only serials and times, never credentials).
    const warnEmpty = (w: HoboWindow) => {
      if (def.warnEmpty) this.warn(t("hobo-data.warnings.empty", { loggers: w.loggers.join(","), start: w.start.toISOString(), end: w.end.toISOString() }));
    };

    const poll = async ({ msg, send, signal }: InputContext): Promise<void> => {
      const config = attached.require();
      const cap = rowCapOf(def.maxRows, perWindow);
      const serials = await readLoggers(RED, this, msg, def, dialog.serials);
      const window = await readWindow(RED, this, msg, def, mode, DEFAULT_SPAN);
      const client = config.client;
      const ctx = this.context();
      const marks = mode === "incremental" ? readHoboMarks(await contextGet<unknown>(ctx, MARKS_KEY, store)) : undefined;
      // Incremental: each group of loggers from its own marks (oldest first), so one logger far behind does not drag the others back.
      // One message per window: windows of at most Max rows, cut between timestamps (the client holds the rest compactly).
      const windowRows = perWindow ? cap.max : undefined;
      const run = harvestHobo(client, serials, { window: { start: window.start.getTime(), end: window.end.getTime() }, marks, signal, windowRows });
      const save = async () => (marks ? contextSet(ctx, MARKS_KEY, run.marks(), store) : undefined);

      const topic = serials.length === 1 ? (dialog.names[serials[0]] ?? serials[0]) : msg.topic;
      const toMessages = (rows: HoboRow[], info: Record<string, unknown>): NodeMessage[] => {
        const records = format === "raw" ? [] : rowsToRecords(rows, { unitSystem: units, loggerNames: dialog.names });
        const base = { ...msg, topic, hobo: info } as NodeMessageInFlow;
        return formatMessages(base, rawShape(client.flavour, rows), records, {
          format,
          measurement: def.measurement || undefined,
          topic,
          timeAs: timeSetting(def.timeAs),
        });
      };

      let windows = 0;
      let total = 0;
      let requests = 0;
      const kept: HoboRow[] = [];
      const batches: { commit(): void }[] = [];
      // One message per window goes at the flow's pace (backpressure), so a long backfill never piles up in the runtime.
      const downstream = perWindow ? streamPace(RED, this, msg._msgid, signal) : undefined;
      const sender = new Streamer(send, msg._msgid, format !== "messages", downstream);
      status.requesting(t("common.count.logger", { count: serials.length }));
      try {
        try {
          for await (const batch of run) {
            const w = batch.source;
            windows += 1;
            requests += w.requests;
            // The marks move past every fresh row; the node's type and sensor filters pick what is sent.
            const rows = batch.readings.filter(keep);
            total += rows.length;
            const done = `${t("common.count.window", { count: windows })} · ${t("common.count.row", { count: total })}`;
            // An empty window shows as a warning (yellow ring) until the next one arrives.
            if (rows.length === 0) {
              status.warning(`${done} · ${t("hobo-data.status.windowEmpty")}`);
              warnEmpty(w);
            } else status.progress(done);
            if (!perWindow) {
              cap.add(rows.length); // the whole run is one message: bounded, failing before the next window is asked
              // A loop, not push(...rows): a window can hold 100,000 rows, too many for call arguments.
              for (const r of rows) kept.push(r);
              batches.push(batch);
            } else if (batch.readings.length > 0) {
              // A window larger than Max rows (one timestamp with more) goes as several messages; its marks move once its last one is sent.
              const whole = { start: w.start.toISOString(), end: w.end.toISOString(), loggers: w.loggers, windowRows: rows.length };
              const pieces = chunk(rows, cap.max);
              const committed = () => (batch.commit(), save());
              if (pieces.length === 0) await sender.push([], committed);
              for (const [i, piece] of pieces.entries()) {
                await sender.push(toMessages(piece, { ...whole, rows: piece.length }), i === pieces.length - 1 ? committed : () => undefined);
              }
            }
          }
        } catch (err) {
          // Window mode: windows that arrived before the failure are sent (the last without count) and
          // marked, later queries are not asked; all-at-once mode sends nothing and leaves the marks where they were.
          if (perWindow && !signal.aborted) await sender.flush(false);
          // The marks keep what was sent, and a first run's start (the next run begins there, not at its own window's start).
          if (!signal.aborted) await saveMarksAfterFailure(this, save, (error) => t("common.warnings.marksNotSaved", { error }));
          throw err;
        }

        if (perWindow) await sender.flush(true);
      } finally {
        downstream?.pace.dispose();
      }
      if (!perWindow) {
        // Several queries each come in time order: one sort puts the loggers' rows together in time.
        if (run.queries.length > 1) kept.sort(compareRows);
        const start = run.queries[0]?.start ?? window.start.getTime();
        const info = { start: new Date(start).toISOString(), end: window.end.toISOString(), loggers: serials, rows: total, windows, requests };
        const out = kept.length > 0 || format === "raw" ? toMessages(kept, info) : [];
        for (const b of batches) b.commit();
        await save();
        if (out.length > 0) send([out]);
      }
      // The marks also place a logger that sent nothing yet at this poll's start, so a backlog it uploads later is still asked for.
      if (perWindow) await save();
      if (total === 0) status.warning(t("hobo-data.status.noData"));
      else status.success(t("common.count.row", { count: total }));
    };

    // Incremental polls go one after the other (each reads its window and marks when it starts): two at once would send every reading twice.
    const queued = oneAtATime();
    handleInput(this, status, (input) => (mode === "incremental" ? queued(() => poll(input)) : poll(input)));
  }

  RED.nodes.registerType("hobo-data", HoboData);
};
