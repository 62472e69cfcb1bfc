/**
 * tuya-log's output: the harvest's pages turned into messages, all at once, one per device or one
 * per page (msg.parts), each batch committed (moving the incremental marks) only once it has been
 * sent; plus the run's summary (msg.tuyaLog), warnings and status text.
 */
import type { NodeMessage, NodeMessageInFlow } from "node-red";
import type { HarvestBatch, HarvestQueryState } from "../src/core/harvest";
import type { OutputFormat, ReadingRecord, TimeFormat } from "../src/core/records";
import type { RowCap } from "../src/core/row-cap";
import { logsToRecords, type TuyaLogEntry, type TuyaLogPage, type TuyaSpec } from "../src/tuya";
import { formatMessages } from "./shared/output";
import type { SendFn } from "./shared/input";
import type { Status } from "./shared/status";
import type { DownstreamPace } from "./shared/downstream";
import { Streamer } from "./shared/streamer";
import type { Translate } from "./shared/i18n";
import { deviceLabel, type DeviceRef } from "./tuya-common";

export interface LogOutputOptions {
  /** Backpressure for streamed pages and devices (shared/downstream.ts). */
  downstream?: { pace: DownstreamPace; signal?: AbortSignal };
  msg: NodeMessageInFlow;
  send: SendFn;
  refs: DeviceRef[];
  output: "all" | "device" | "page";
  format: OutputFormat;
  measurement?: string;
  timeAs: TimeFormat;
  specs?: Map<string, TuyaSpec>;
  incremental: boolean;
  /** Entries one message may hold (all and device output). */
  cap: RowCap;
  status: Status;
  t: Translate;
}

type Batch = HarvestBatch<TuyaLogEntry, TuyaLogPage>;

/** The raw map's key per device: its name (bestlab's name -> logs map), or its id where names collide so no device overwrites another. */
function rawKeys(refs: DeviceRef[]): Map<string, string> {
  const uses = new Map<string, number>();
  for (const r of refs) uses.set(deviceLabel(r), (uses.get(deviceLabel(r)) ?? 0) + 1);
  return new Map(refs.map((r) => [r.id, (uses.get(deviceLabel(r)) ?? 0) > 1 ? r.id : deviceLabel(r)]));
}

export class LogOutput {
  readonly warnings = new Set<string>();
  total = 0;
  private pages = 0;
  private readonly streamer: Streamer;
  private readonly byId: Map<string, DeviceRef>;
  /** Batches not sent yet (all and device output). */
  private held: Batch[] = [];
  private readonly cursors = new Map<string, string>();

  constructor(private readonly o: LogOutputOptions) {
    this.streamer = new Streamer(o.send, o.msg._msgid, o.format !== "messages", o.downstream);
    this.byId = new Map(o.refs.map((r) => [r.id, r]));
  }

  async add(batch: Batch): Promise<void> {
    const ref = this.ref(batch.source.deviceId);
    const page = batch.source;
    this.pages += 1;
    this.total += batch.readings.length;
    for (const w of page.warnings) this.warnings.add(`${deviceLabel(ref)}: ${w}`);
    if (page.truncated) {
      if (page.cursor) this.cursors.set(ref.id, page.cursor);
      this.warnings.add(
        this.o.t(this.o.incremental ? "tuya-log.warnings.cappedIncremental" : "tuya-log.warnings.capped", {
          device: deviceLabel(ref),
          count: batch.query.batches,
        }),
      );
    }
    this.o.status.progress(`${this.o.t("common.count.page", { count: this.pages })} · ${this.o.t("common.count.entry", { count: this.total })}`);
    if (this.o.output === "page") {
      if (batch.readings.length === 0) return;
      const info = {
        device: ref.id,
        ...(ref.name ? { name: ref.name } : {}),
        page: batch.query.batches,
        entries: batch.readings.length,
        truncated: page.truncated,
        more: page.hasMore,
      };
      return this.streamer.push(this.messages(ref, batch.readings, [[ref, batch.readings]], info), () => batch.commit());
    }
    if (this.o.output === "device" && this.held.length > 0 && this.held[0].source.deviceId !== ref.id) await this.sendDevice();
    this.o.cap.add(batch.readings.length); // fails before the next page is asked
    this.held.push(batch);
  }

  /** After the last page: what is held goes out; every batch sent is committed. */
  async finish(queries: HarvestQueryState[], window: { start: Date; end: Date }): Promise<void> {
    if (this.o.output === "device") await this.sendDevice();
    if (this.o.output !== "all") return this.streamer.flush(true);
    const byDevice = this.o.refs.map((ref): [DeviceRef, TuyaLogEntry[]] => [ref, this.entriesOf(this.held.filter((b) => b.source.deviceId === ref.id))]);
    const keys = rawKeys(this.o.refs);
    const raw = this.o.refs.length === 1 ? byDevice[0][1] : Object.fromEntries(byDevice.map(([ref, logs]) => [keys.get(ref.id) ?? ref.id, logs]));
    const devices = this.o.refs.map((ref) => this.summary(ref, queries)).filter((s) => s !== undefined);
    const info = {
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      devices,
      entries: this.total,
      pages: this.pages,
      truncated: queries.some((q) => q.truncated),
      warnings: [...this.warnings],
    };
    const out = this.total > 0 || this.o.format === "raw" ? this.messages(this.o.refs.length === 1 ? this.o.refs[0] : undefined, raw, byDevice, info) : [];
    if (out.length > 0) this.o.send([out]);
    for (const b of this.held) b.commit();
  }

  /** After a failure: batches already handed to the streamer go out (the last without count). */
  abort(): Promise<void> {
    return this.streamer.flush(false);
  }

  /** The device summaries of the queries (also for device output). */
  summary(ref: DeviceRef, queries: HarvestQueryState[]): Record<string, unknown> | undefined {
    const mine = queries.filter((q) => q.series[0] === ref.id);
    if (mine.length === 0) return undefined;
    const cursor = this.cursors.get(ref.id);
    return {
      id: ref.id,
      ...(ref.name ? { name: ref.name } : {}),
      ...this.bounds(mine),
      entries: mine.reduce((n, q) => n + q.fresh, 0),
      pages: mine.reduce((n, q) => n + q.batches, 0),
      truncated: mine.some((q) => q.truncated),
      ...(cursor ? { cursor } : {}),
    };
  }

  private bounds(queries: HarvestQueryState[]): { start: string; end: string } {
    return { start: new Date(Math.min(...queries.map((q) => q.start))).toISOString(), end: new Date(Math.max(...queries.map((q) => q.end))).toISOString() };
  }

  private async sendDevice(): Promise<void> {
    const batches = this.held;
    this.held = [];
    this.o.cap.reset();
    if (batches.length === 0) return;
    const ref = this.ref(batches[0].source.deviceId);
    const logs = this.entriesOf(batches);
    const queries = [...new Set(batches.map((b) => b.query))];
    const msgs = logs.length > 0 || this.o.format === "raw" ? this.messages(ref, logs, [[ref, logs]], this.summary(ref, queries) ?? {}) : [];
    await this.streamer.push(msgs, () => batches.forEach((b) => b.commit()));
  }

  private entriesOf(batches: Batch[]): TuyaLogEntry[] {
    const out: TuyaLogEntry[] = [];
    for (const b of batches) for (const e of b.readings) out.push(e);
    return out;
  }

  private ref(id: string): DeviceRef {
    return this.byId.get(id) ?? { id };
  }

  private messages(ref: DeviceRef | undefined, raw: unknown, entries: [DeviceRef, TuyaLogEntry[]][], info: Record<string, unknown>): NodeMessage[] {
    const records: ReadingRecord[] = [];
    if (this.o.format !== "raw") {
      for (const [r, logs] of entries) for (const rec of logsToRecords(r.id, logs, { deviceName: r.name, spec: this.o.specs?.get(r.id) })) records.push(rec);
    }
    const topic = ref ? deviceLabel(ref) : this.o.msg.topic;
    return formatMessages({ ...this.o.msg, tuyaLog: info } as NodeMessageInFlow, raw, records, {
      format: this.o.format,
      measurement: this.o.measurement,
      topic,
      timeAs: this.o.timeAs,
    });
  }
}
