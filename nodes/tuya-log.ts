/**
 * tuya-log: the history (device logs) of one or many Tuya devices over a window (relative,
 * absolute, or since the last successful run), walked page by page to the end. All at once, one
 * message per device, or one per page (msg.parts); pages and entries shown while walking; a
 * yellow status and a warning when the window reaches past the 7-day retention or a page cap cut
 * a walk short (never silent). The walk and its marks are the library's (src/tuya/harvest.ts):
 * this file reads inputs, iterates, formats (tuya-log-output.ts), sends and saves.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import type { Marks } from "../src/core/marks";
import { isOutputFormat, type OutputFormat } from "../src/core/records";
import { rowCapFrom } from "../src/core/row-cap";
import { harvestTuyaLogs, MAX_LOG_PAGE_SIZE, parseEventTypes, parseLogCodes } from "../src/tuya";
import { contextGet, contextSet, saveMarksAfterFailure } from "./shared/context";
import { streamPace } from "./shared/downstream";
import { evaluate, handleInput, type InputContext } from "./shared/input";
import { timeSetting } from "./shared/output";
import { oneAtATime } from "./shared/one-at-a-time";
import { inputError, translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { marksStore, readWindow, windowMode, type WindowDef } from "./shared/window";
import { attachConfig, deviceLabel, readDevices } from "./tuya-common";
import { LogOutput } from "./tuya-log-output";
import { migrate } from "./shared/migrate";

interface TuyaLogDef extends NodeDef, WindowDef {
  timeAs?: string;
  tuya?: string;
  devices?: string;
  devicesType?: string;
  eventTypes?: string;
  eventTypesType?: string;
  codes?: string;
  codesType?: string;
  pageSize?: string | number;
  /** Page cap per walk; empty = walk to the end. */
  maxPages?: string | number;
  format?: string;
  measurement?: string;
  applySpec?: boolean;
  /** "all" (one message), "device" (one per device) or "page" (one per page), the last two with msg.parts. */
  output?: string;
  /** Entries one message may hold (all and device output); empty: 100,000. */
  maxRows?: string | number;
}

/** Context key of the marks (the stored shape is src/core/marks.ts's, as it always was). */
const MARKS_KEY = "tuyaLogMarks";
/** Relative span and first incremental look-back when the dialog leaves them empty. */
const DEFAULT_SPAN = "-24h";

function wholeNumber(value: unknown, name: "pageSize" | "maxPages", max: number, fallback: number | undefined): number | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw inputError(name === "pageSize" ? "tuya-log.errors.badPageSize" : "tuya-log.errors.badMaxPages", { max, value: JSON.stringify(value) ?? "undefined" });
  return n;
}

export = function (RED: NodeAPI): void {
  function TuyaLog(this: Node, def: TuyaLogDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-log", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const mode = windowMode(def);
    const output = def.output === "device" || def.output === "page" ? def.output : "all";
    const store = marksStore(def);
    const read = (msg: NodeMessage, type: string | undefined, value: string | undefined) => evaluate(RED, this, msg, type || "str", value);

    const fetchLogs = async ({ msg, send, signal }: InputContext): Promise<void> => {
      const config = attached.require();
      const refs = await readDevices(RED, this, msg, def.devicesType, def.devices);
      const window = await readWindow(RED, this, msg, def, mode, DEFAULT_SPAN);
      const eventTypes = parseEventTypes(await read(msg, def.eventTypesType === "types" ? "str" : def.eventTypesType, def.eventTypes)); // "types": the dialog's named choices, stored as "1,2,7"
      const codes = parseLogCodes(await read(msg, def.codesType, def.codes));
      const pageSize = wholeNumber(def.pageSize, "pageSize", MAX_LOG_PAGE_SIZE, MAX_LOG_PAGE_SIZE);
      const maxPages = wholeNumber(def.maxPages, "maxPages", 1_000_000, undefined);
      const cap = rowCapFrom(def.maxRows, {
        bad: (value, limit) => inputError("tuya-log.errors.badMaxRows", { value, limit }),
        tooMany: (max) => inputError("tuya-log.errors.tooManyRows", { max }),
      });
      const ctx = this.context();
      const marks = mode === "incremental" ? ((await contextGet<Marks>(ctx, MARKS_KEY, store)) ?? {}) : undefined;
      status.requesting(t("tuya-log.status.logsOf", { count: refs.length }));
      const lookup =
        def.applySpec !== false && format !== "raw"
          ? await config.devices.specifications(
              refs.map((r) => r.id),
              { signal },
            )
          : undefined;
      const labels = new Map(refs.map((r) => [r.id, deviceLabel(r)]));
      const run = harvestTuyaLogs(
        config.devices,
        refs.map((r) => r.id),
        {
          window: { start: window.start.getTime(), end: window.end.getTime() },
          marks,
          eventTypes,
          codes,
          pageSize,
          maxPages,
          signal,
          // A gap walk starts with the entries already sent at its end; a cap they fill would never get past them.
          stuck: (q) =>
            inputError("tuya-log.errors.capUsedUp", {
              device: labels.get(q.series[0]) ?? q.series[0],
              count: maxPages ?? 0,
              size: pageSize ?? MAX_LOG_PAGE_SIZE,
            }),
        },
      );
      // Pages and devices streamed one message each go at the flow's pace (backpressure).
      const downstream = output !== "all" ? streamPace(RED, this, msg._msgid, signal) : undefined;
      const out = new LogOutput({
        downstream,
        msg: msg as NodeMessageInFlow,
        send,
        refs,
        output,
        format,
        measurement: def.measurement || undefined,
        timeAs: timeSetting(def.timeAs),
        specs: lookup?.specs,
        incremental: !!marks,
        cap,
        status,
        t,
      });
      // A device Tuya gives no specification for still has its log: its values go out unscaled.
      const noSpec = refs.filter((r) => lookup?.failed.has(r.id));
      for (const r of noSpec) out.warnings.add(t("tuya-status.warnings.noSpec", { device: deviceLabel(r), reason: lookup?.failed.get(r.id) ?? "" }));
      const save = async () => (marks ? contextSet(ctx, MARKS_KEY, run.marks(), store) : undefined);

      try {
        try {
          for await (const batch of run) await out.add(batch);
        } catch (err) {
          // Batches that arrived before the failure are sent (the last without count) and marked.
          if (!signal.aborted) await out.abort();
          await saveMarksAfterFailure(this, save, (error) => t("common.warnings.marksNotSaved", { error }));
          throw err;
        }
        await out.finish(run.queries, window);
      } finally {
        downstream?.pace.dispose();
      }
      await save();

      for (const w of out.warnings) this.warn(w);
      const text = out.total === 0 ? t("tuya-log.status.noEntries") : t("common.count.entry", { count: out.total });
      if (run.queries.some((q) => q.truncated)) status.warning(`${text} · ${t("tuya-log.status.truncated")}`);
      else if (noSpec.length > 0) status.warning(`${text} · ${t("common.status.withoutSpec", { n: noSpec.length })}`);
      else if (out.warnings.size > 0) status.warning(`${text} · ${t("tuya-log.status.past7Days")}`);
      else status.success(text);
    };

    // Incremental runs go one after the other: two at once would read the same marks and send entries twice.
    const queued = oneAtATime();
    handleInput(this, status, (input) => (mode === "incremental" ? queued(() => fetchLogs(input)) : fetchLogs(input)));
  }

  RED.nodes.registerType("tuya-log", TuyaLog);
};
