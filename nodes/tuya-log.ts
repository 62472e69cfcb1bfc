/**
 * tuya-log: the history (device logs) of one or many Tuya devices over a window (relative,
 * absolute, or since the last successful run), walked page by page to the end. All at once, one
 * message per device, or one per page (msg.parts); pages and entries shown while walking; a
 * yellow status and a warning when the window reaches past the 7-day retention or a page cap cut
 * a walk short (never silent).
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat, type ReadingRecord } from "../src/core/records";
import { logsToRecords, MAX_LOG_PAGE_SIZE, type TuyaLogEntry } from "../src/tuya";
import { contextGet, contextSet } from "./shared/context";
import { evaluate, handleInput, type InputContext } from "./shared/input";
import { formatMessages, timeSetting } from "./shared/output";
import { oneAtATime } from "./shared/one-at-a-time";
import { inputError, translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { Streamer } from "./shared/streamer";
import { marksStore, readWindow, windowMode, type WindowDef } from "./shared/window";
import { attachConfig, deviceLabel, readDevices, SpecCache, type DeviceRef } from "./tuya-common";
import { type LogMarks, type Walk, entryKey, Coverage, walksFor, settle } from "./tuya-log-marks";

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
}

/** Tuya's event types by name (reference §4.3); "report" (7) is what a data history wants. */
const EVENT_TYPES: Record<string, number> = {
  online: 1,
  offline: 2,
  activation: 3,
  reset: 4,
  command: 5,
  upgrade: 6,
  report: 7,
  data: 7,
  semaphore: 8,
  restart: 9,
  timing: 10,
};
const DP_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const MARKS_KEY = "tuyaLogMarks";
/** Relative span and first incremental look-back when the dialog leaves them empty. */
const DEFAULT_SPAN = "-24h";

/** A comma text, a JSON array text, an array or a single value, as a list of items. */
function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return [value];
  const text = value.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // read as a comma list below, which then names the bad item
    }
  }
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Event types as numbers: 7, "1,2,7", ["online", 7] or "all"; default [7]. */
function readEventTypes(value: unknown): number[] {
  const items = listOf(value);
  if (items.length === 1 && String(items[0]).toLowerCase() === "all") return Array.from({ length: 10 }, (_, i) => i + 1);
  const types = items.map((item) => {
    const name = String(item).trim().toLowerCase();
    const t = EVENT_TYPES[name] ?? (typeof item === "number" ? item : /^\d+$/.test(name) ? Number(name) : NaN);
    if (!Number.isInteger(t) || t < 1 || t > 10) {
      throw inputError("tuya-log.errors.badEventType", { type: JSON.stringify(item) ?? "undefined" });
    }
    return t;
  });
  return types.length > 0 ? [...new Set(types)] : [7];
}

/** Data-point codes to keep ([] = all). */
function readCodes(value: unknown): string[] {
  return listOf(value).map((c) => {
    if (typeof c !== "string" || !DP_CODE.test(c.trim())) {
      throw inputError("tuya-log.errors.badCode", { code: JSON.stringify(c) ?? "undefined" });
    }
    return c.trim();
  });
}

function wholeNumber(value: unknown, name: "pageSize" | "maxPages", max: number, fallback: number | undefined): number | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw inputError(name === "pageSize" ? "tuya-log.errors.badPageSize" : "tuya-log.errors.badMaxPages", { max, value: JSON.stringify(value) ?? "undefined" });
  return n;
}

/** One walk's progress and result. */
interface WalkState {
  ref: DeviceRef;
  walk: Walk;
  cov: Coverage;
  /** Keys of the device's entries taken in this run, shared by its walks: none is taken twice. */
  taken: Set<string>;
  /** Fresh entries kept for a later send (all / device output). */
  fetched: TuyaLogEntry[];
  /** Fresh entries handed on (sent or kept); the walk is settled as complete only if all were sent. */
  fresh: number;
  pages: number;
  complete: boolean;
  truncated: boolean;
  cursor?: string;
}

/** The raw map's key per device: its name (bestlab's name -> logs map), or its id where names collide so no device overwrites another. */
function rawKeys(refs: DeviceRef[]): Map<string, string> {
  const uses = new Map<string, number>();
  for (const r of refs) uses.set(deviceLabel(r), (uses.get(deviceLabel(r)) ?? 0) + 1);
  return new Map(refs.map((r) => [r.id, (uses.get(deviceLabel(r)) ?? 0) > 1 ? r.id : deviceLabel(r)]));
}

function summary(ref: DeviceRef, states: WalkState[]): Record<string, unknown> {
  const truncated = states.some((s) => s.truncated);
  const cursor = states.find((s) => s.cursor)?.cursor;
  return {
    id: ref.id,
    ...(ref.name ? { name: ref.name } : {}),
    start: new Date(Math.min(...states.map((s) => s.walk.start))).toISOString(),
    end: new Date(Math.max(...states.map((s) => s.walk.end))).toISOString(),
    entries: states.reduce((n, s) => n + s.fresh, 0),
    pages: states.reduce((n, s) => n + s.pages, 0),
    truncated,
    ...(cursor ? { cursor } : {}),
  };
}

export = function (RED: NodeAPI): void {
  function TuyaLog(this: Node, def: TuyaLogDef): void {
    RED.nodes.createNode(this, def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const mode = windowMode(def);
    const output = def.output === "device" || def.output === "page" ? def.output : "all";
    const store = marksStore(def);
    const specs = new SpecCache();

    const read = (msg: NodeMessage, type: string | undefined, value: string | undefined) => evaluate(RED, this, msg, type || "str", value);

    // Incremental runs go one after the other: two at once would read the same marks and send entries twice.
    const queued = oneAtATime();

    const fetchLogs = async ({ msg, send, signal }: InputContext): Promise<void> => {
      const config = attached.require();
      // The editor's default (msg.devices) when the flow leaves the property out.
      const refs = await readDevices(RED, this, msg, def.devicesType ?? "msg", def.devices ?? "devices");
      const window = await readWindow(RED, this, msg, def, mode, DEFAULT_SPAN);
      const eventTypes = readEventTypes(await read(msg, def.eventTypesType, def.eventTypes));
      const codes = readCodes(await read(msg, def.codesType, def.codes));
      const pageSize = wholeNumber(def.pageSize, "pageSize", MAX_LOG_PAGE_SIZE, MAX_LOG_PAGE_SIZE);
      const maxPages = wholeNumber(def.maxPages, "maxPages", 1_000_000, undefined);
      const ctx = this.context();
      const marks = mode === "incremental" ? ((await contextGet<LogMarks>(ctx, MARKS_KEY, store)) ?? {}) : undefined;
      status.requesting(t("tuya-log.status.logsOf", { count: refs.length }));
      const lookup = def.applySpec !== false && format !== "raw" ? await specs.get(config.devices, refs.map((r) => r.id), signal) : undefined;
      const bySpec = lookup?.specs;

      const toMessages = (ref: DeviceRef | undefined, raw: unknown, entries: [DeviceRef, TuyaLogEntry[]][], info: Record<string, unknown>): NodeMessage[] => {
        const records: ReadingRecord[] = [];
        if (format !== "raw") {
          for (const [r, logs] of entries) for (const rec of logsToRecords(r.id, logs, { deviceName: r.name, spec: bySpec?.get(r.id) })) records.push(rec);
        }
        const topic = ref ? deviceLabel(ref) : msg.topic;
        return formatMessages({ ...msg, tuyaLog: info } as NodeMessageInFlow, raw, records, { format, measurement: def.measurement || undefined, topic, timeAs: timeSetting(def.timeAs) });
      };

      const states: WalkState[] = [];
      const warnings = new Set<string>();
      // A device Tuya gives no specification for still has its log: its values go out unscaled.
      const noSpec = refs.filter((r) => lookup?.failed.has(r.id));
      for (const r of noSpec) warnings.add(t("tuya-status.warnings.noSpec", { device: deviceLabel(r), reason: lookup?.failed.get(r.id) ?? "" }));
      const streamer = new Streamer(send, msg._msgid, format !== "messages");
      let pages = 0;
      let total = 0;

      /** Walks one query page by page; pages stream out at once in page mode. */
      const walkPages = async (st: WalkState): Promise<void> => {
        const { ref, walk } = st;
        // A gap can be one instant; Tuya wants end > start, and entries past the gap are filtered out.
        const query = { start: walk.start, end: Math.max(walk.end, walk.start + 1), eventTypes, codes, pageSize, maxPages, signal };
        const keep = (e: TuyaLogEntry) => {
          const k = entryKey(e);
          if (e.event_time < walk.start || e.event_time > walk.end || walk.seen.has(k) || st.taken.has(k)) return false;
          st.taken.add(k);
          return true;
        };
        for await (const page of config.devices.logs(ref.id, query)) {
          st.pages += 1;
          pages += 1;
          for (const w of page.warnings) warnings.add(`${deviceLabel(ref)}: ${w}`);
          const fresh = page.logs.filter(keep);
          st.fresh += fresh.length;
          total += fresh.length;
          if (page.truncated) {
            st.truncated = true;
            st.cursor = page.cursor;
            warnings.add(t(mode === "incremental" ? "tuya-log.warnings.cappedIncremental" : "tuya-log.warnings.capped", { device: deviceLabel(ref), count: st.pages }));
          }
          status.progress(`${t("common.count.page", { count: pages })} · ${t("common.count.entry", { count: total })}`);
          if (output !== "page") {
            for (const e of fresh) st.fetched.push(e);
          } else if (fresh.length > 0) {
            const info = { device: ref.id, ...(ref.name ? { name: ref.name } : {}), page: st.pages, entries: fresh.length, truncated: page.truncated, more: page.hasMore };
            await streamer.push(toMessages(ref, fresh, [[ref, fresh]], info), () => st.cov.add(fresh));
          }
        }
        // A gap walk starts with the entries already sent at its end; a cap they fill would never get past them.
        if (walk.kind === "gap" && st.truncated && st.fresh === 0) {
          throw inputError("tuya-log.errors.capUsedUp", { device: deviceLabel(ref), count: maxPages ?? 0, size: pageSize ?? MAX_LOG_PAGE_SIZE });
        }
        st.complete = !st.truncated;
      };

      const saveMarks = async () => {
        if (!marks) return;
        for (const st of states) {
          const next = settle(marks[st.ref.id], st.walk, st.cov, st.complete && st.cov.count === st.fresh);
          if (next) marks[st.ref.id] = next;
        }
        await contextSet(ctx, MARKS_KEY, marks, store);
      };

      try {
        for (const ref of refs) {
          const mine: WalkState[] = [];
          const taken = new Set<string>();
          for (const walk of walksFor(marks?.[ref.id], window)) {
            const st: WalkState = { ref, walk, cov: new Coverage(), taken, fetched: [], fresh: 0, pages: 0, complete: false, truncated: false };
            states.push(st);
            mine.push(st);
            await walkPages(st);
            // A gap not closed yet comes first again next run; what is newer waits until then.
            if (!st.complete) break;
          }
          if (output === "device" && mine.length > 0) {
            const logs = mine.flatMap((s) => s.fetched);
            if (logs.length > 0 || format === "raw") await streamer.push(toMessages(ref, logs, [[ref, logs]], summary(ref, mine)), () => mine.forEach((s) => s.cov.add(s.fetched)));
          }
        }
      } catch (err) {
        // Batches that arrived before the failure are sent (the last without count) and marked.
        if (!signal.aborted) await streamer.flush(false);
        await saveMarks().catch((e: unknown) => this.warn(t("tuya-log.warnings.marksNotSaved", { error: e instanceof Error ? e.message : String(e) })));
        throw err;
      }

      if (output === "all") {
        const byDevice = refs.map((ref): [DeviceRef, TuyaLogEntry[]] => [ref, states.filter((s) => s.ref === ref).flatMap((s) => s.fetched)]);
        const keys = rawKeys(refs);
        const raw = refs.length === 1 ? byDevice[0][1] : Object.fromEntries(byDevice.map(([ref, logs]) => [keys.get(ref.id) ?? ref.id, logs]));
        const devices = refs.map((ref) => states.filter((s) => s.ref === ref)).filter((mine) => mine.length > 0).map((mine) => summary(mine[0].ref, mine));
        const info = { start: window.start.toISOString(), end: window.end.toISOString(), devices, entries: total, pages, truncated: states.some((s) => s.truncated), warnings: [...warnings] };
        const out = total > 0 || format === "raw" ? toMessages(refs.length === 1 ? refs[0] : undefined, raw, byDevice, info) : [];
        if (out.length > 0) send([out]);
        for (const st of states) st.cov.add(st.fetched);
      } else await streamer.flush(true);
      await saveMarks();

      for (const w of warnings) this.warn(w);
      const text = total === 0 ? t("tuya-log.status.noEntries") : t("common.count.entry", { count: total });
      if (states.some((s) => s.truncated)) status.warning(`${text} · ${t("tuya-log.status.truncated")}`);
      else if (noSpec.length > 0) status.warning(`${text} · ${t("common.status.withoutSpec", { n: noSpec.length })}`);
      else if (warnings.size > 0) status.warning(`${text} · ${t("tuya-log.status.past7Days")}`);
      else status.success(text);
    };

    handleInput(this, status, (input) => (mode === "incremental" ? queued(() => fetchLogs(input)) : fetchLogs(input)));
  }

  RED.nodes.registerType("tuya-log", TuyaLog);
};
