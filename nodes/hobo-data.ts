/**
 * hobo-data: logger readings over a time window (absolute, relative, or incremental since the
 * last successful poll), fetched window by window through the config's shared client, so long
 * backfills never truncate and never break the rate limit. Output in bestlab's raw shape, as
 * records, InfluxDB batch points or one message per reading; all at once, or one message per
 * window (msg.parts) for long backfills.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat } from "../src/core/records";
import { compareRows, normalizeLoggers, rowsToRecords, type HoboFlavour, type HoboRow, type HoboUnitSystem, type HoboWindow } from "../src/hobo";
import { contextGet, contextSet } from "./shared/context";
import { evaluate, handleInput, type InputContext } from "./shared/input";
import { oneAtATime } from "./shared/one-at-a-time";
import { formatMessages, timeSetting } from "./shared/output";
import { inputError, translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { Streamer } from "./shared/streamer";
import { marksStore, readWindow, windowMode, type WindowDef } from "./shared/window";
import { advanceMarks, attachConfig, incrementalQueries, markSilentLoggers, unseenRows, type IncrementalQuery, type Marks } from "./hobo-common";

interface LoggerEntry {
  serial?: unknown;
  name?: unknown;
}

interface HoboDataDef extends NodeDef, WindowDef {
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
  warnEmpty?: boolean;
}

const MARKS_KEY = "hoboMarks";
/** Relative span and first incremental look-back when the dialog leaves them empty. */
const DEFAULT_SPAN = "-1h";

function commaSet(text: unknown): Set<string> | undefined {
  if (typeof text !== "string") return undefined;
  const items = text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  return items.length > 0 ? new Set(items) : undefined;
}

function unitSystemOf(value: unknown): HoboUnitSystem {
  return value === "us" || value === "scaled" ? value : "si";
}

/** bestlab's JSON shape for a set of rows: legacy observation_list, LI-COR data. */
function rawShape(flavour: HoboFlavour, rows: HoboRow[]): Record<string, unknown> {
  const message = `OK: Found: ${rows.length} results.`;
  return flavour === "legacy" ? { observation_list: rows, message, max_results: false } : { data: rows, message, max_results: false };
}

/** The dialog list as serials and a serial -> friendly name map. */
function dialogLoggers(list: unknown): { serials: string[]; names: Record<string, string> } {
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

export = function (RED: NodeAPI): void {
  function HoboData(this: Node, def: HoboDataDef): void {
    RED.nodes.createNode(this, def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.hobo, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const mode = windowMode(def);
    const perWindow = def.output === "window";
    const units = unitSystemOf(def.units);
    const types = commaSet(def.types);
    const sensors = commaSet(def.sensors);
    const dialog = dialogLoggers(def.loggers);
    const store = marksStore(def);

    const keep = (row: HoboRow): boolean => {
      if (types && !types.has(String(row.sensor_measurement_type).toLowerCase())) return false;
      if (sensors) {
        const sn = String(row.sensor_sn).toLowerCase();
        if (!sensors.has(sn) && !sensors.has(sn.split("-")[0])) return false;
      }
      return true;
    };

    const readLoggers = async (msg: NodeMessage): Promise<string[]> => {
      const fromList = !def.loggersFromType || def.loggersFromType === "list";
      const input = fromList ? dialog.serials : await evaluate(RED, this, msg, def.loggersFromType, def.loggersFrom);
      if (input === undefined || input === null || (Array.isArray(input) && input.length === 0) || input === "") {
        throw fromList ? inputError("hobo-data.errors.noLoggersInList") : inputError("hobo-data.errors.noLoggersIn", { property: `${def.loggersFromType}.${def.loggersFrom ?? ""}` });
      }
      return normalizeLoggers(input);
    };

    // bestlab's warn_on_empty_data as an optional log line (only serials and times, never credentials).
    const warnEmpty = (w: HoboWindow) => {
      if (def.warnEmpty) this.warn(t("hobo-data.warnings.empty", { loggers: w.loggers.join(","), start: w.start.toISOString(), end: w.end.toISOString() }));
    };

    const poll = async ({ msg, send, signal }: InputContext): Promise<void> => {
      const config = attached.require();
      const serials = await readLoggers(msg);
      const window = await readWindow(RED, this, msg, def, mode, DEFAULT_SPAN);
      const client = config.client;
      const ctx = this.context();
      const marks = mode === "incremental" ? ((await contextGet<Marks>(ctx, MARKS_KEY, store)) ?? {}) : undefined;
      // Incremental: each group of loggers from its own marks (oldest first), so one logger far behind does not drag the others back.
      const queries: IncrementalQuery[] = marks ? incrementalQueries(marks, serials, window.start) : [{ loggers: serials, start: window.start }];
      const start = queries[0].start;
      const saveMarks = async (emitted: HoboRow[]) => {
        if (!marks) return;
        advanceMarks(marks, emitted);
        await contextSet(ctx, MARKS_KEY, marks, store);
      };

      const topic = serials.length === 1 ? (dialog.names[serials[0]] ?? serials[0]) : msg.topic;
      const toMessages = (rows: HoboRow[], info: Record<string, unknown>): NodeMessage[] => {
        const records = format === "raw" ? [] : rowsToRecords(rows, { unitSystem: units, loggerNames: dialog.names });
        const base = { ...msg, topic, hobo: info } as NodeMessageInFlow;
        return formatMessages(base, rawShape(client.flavour, rows), records, { format, measurement: def.measurement || undefined, topic, timeAs: timeSetting(def.timeAs) });
      };

      let windows = 0;
      let total = 0;
      let requests = 0;
      const fresh: HoboRow[] = [];
      const kept: HoboRow[] = [];
      const sender = new Streamer(send, msg._msgid, format !== "messages");
      status.requesting(t("common.count.logger", { count: serials.length }));
      try {
        for (const q of queries) {
          // Nothing to ask when the marks already reach the end (a window needs end > start).
          if (q.start >= window.end) continue;
          for await (const w of client.windows({ loggers: q.loggers, start: q.start, end: window.end, signal, now: window.end.getTime() })) {
            windows += 1;
            requests += w.requests;
            const unseen = marks ? unseenRows(marks, w.rows, window.start) : w.rows;
            const rows = unseen.filter(keep);
            total += rows.length;
            const done = `${t("common.count.window", { count: windows })} · ${t("common.count.row", { count: total })}`;
            // An empty window shows as a warning (yellow ring) until the next one arrives.
            if (rows.length === 0) {
              status.warning(`${done} · ${t("hobo-data.status.windowEmpty")}`);
              warnEmpty(w);
            } else status.progress(done);
            if (!perWindow) {
              // Loops, not push(...rows): a window can hold 100,000 rows, too many for call arguments.
              for (const r of unseen) fresh.push(r);
              for (const r of rows) kept.push(r);
            } else if (rows.length > 0 || unseen.length > 0) {
              const info = { start: w.start.toISOString(), end: w.end.toISOString(), loggers: w.loggers, rows: rows.length };
              await sender.push(rows.length > 0 ? toMessages(rows, info) : [], () => saveMarks(unseen));
            }
          }
        }
      } catch (err) {
        // Window mode: windows that arrived before the failure are sent (the last without count) and
        // marked, later queries are not asked; all-at-once mode sends nothing and leaves the marks where they were.
        if (perWindow && !signal.aborted) await sender.flush(false);
        throw err;
      }

      if (perWindow) await sender.flush(true);
      else {
        // Several queries each come in time order: one sort puts the loggers' rows together in time.
        if (queries.length > 1) kept.sort(compareRows);
        const info = { start: start.toISOString(), end: window.end.toISOString(), loggers: serials, rows: total, windows, requests };
        const out = kept.length > 0 || format === "raw" ? toMessages(kept, info) : [];
        await saveMarks(fresh);
        if (out.length > 0) send([out]);
      }
      // A logger that sent nothing yet is marked at this poll's start, so a backlog it uploads later is still asked for.
      if (marks && markSilentLoggers(marks, serials, window.start)) await contextSet(ctx, MARKS_KEY, marks, store);
      if (total === 0) status.warning(t("hobo-data.status.noData"));
      else status.success(t("common.count.row", { count: total }));
    };

    // Incremental polls go one after the other (each reads its window and marks when it starts): two at once would send every reading twice.
    const queued = oneAtATime();
    handleInput(this, status, (input) => (mode === "incremental" ? queued(() => poll(input)) : poll(input)));
  }

  RED.nodes.registerType("hobo-data", HoboData);
};
