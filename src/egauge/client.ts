// The eGauge meter client: register discovery, instantaneous rates, history pages at any
// resolution, period totals in the meter's own time zone, over the JSON WebAPI or (for firmware
// older than 4.2) the legacy XML API. No Node-RED here; the nodes and scripts share it.
import { ApiError, InputError } from "../core";
import { pageHistory, planSegments, type DbLevelInfo, type HistoryPage, type Segment } from "./history";
import { parseInstant, parseShow } from "./legacy";
import { meanReading, type EgaugeReading } from "./readings";
import { parseTs, replyRegisters, replyRows, type RegisterReply } from "./rows";
import { EgaugeTransport, type EgaugeConnectionOptions } from "./transport";
import { typeInfo, type EgaugeRegister, type Resolution } from "./types";

export interface EgaugeClientOptions extends EgaugeConnectionOptions {
  /** "auto" (default): the JSON WebAPI, falling back to legacy XML when the meter has no /api. */
  api?: "auto" | "json" | "xml";
  /** Rows per history request (default 3600). */
  pageRows?: number;
}

export interface ReadOptions {
  /** Include virtual registers (use, gen…) when no names are given. */
  virtual?: boolean;
  signal?: AbortSignal;
}

export interface HistoryOptions extends ReadOptions {
  resolution?: Resolution;
  pageRows?: number;
  /** Ask the meter for delta-encoded rows (smaller answers; the same readings). */
  delta?: boolean;
}

export const PERIODS = ["today", "week", "month", "year"] as const;
export type Period = (typeof PERIODS)[number];
const PERIOD_TIME: Record<Period, string> = { today: "sod", week: "sow", month: "som", year: "soy" };

export interface PeriodTotal extends EgaugeReading {
  period: Period;
  /** Start of the period by the meter's clock and time zone. */
  from: Date;
}

export interface EgaugeInfo {
  serial?: string;
  firmware?: string;
  model?: string;
  hostname?: string;
  user: string;
  rights: string[];
  api: "json" | "xml";
}

/** Defaults when /sys/db may not be read: 1 s for the latest hour, then 1 min, 15 min, 1 day (reference §3.1). */
const DEFAULT_RETENTION = [
  { interval: 1, rows: 3600 },
  { interval: 60, rows: 527040 },
  { interval: 900, rows: 350640 },
  { interval: 86400, rows: 21914 },
];

interface Selected {
  regs: EgaugeRegister[];
  reg: string;
}

export class EgaugeClient {
  readonly transport: EgaugeTransport;
  private mode: "json" | "xml" | undefined;
  private list: EgaugeRegister[] | undefined;

  constructor(private readonly options: EgaugeClientOptions) {
    if (!/^https?:\/\/[^/]+/i.test(options.url ?? "")) throw new InputError(`eGauge: the meter URL must start with http:// or https:// (got "${options.url}")`);
    if (!options.user) throw new InputError("eGauge: the meter user is missing");
    this.transport = new EgaugeTransport(options);
    this.mode = options.api === "json" || options.api === "xml" ? options.api : undefined;
  }

  /** Which API the client speaks (found on the first call when "auto"). */
  async api(signal?: AbortSignal): Promise<"json" | "xml"> {
    if (this.mode) return this.mode;
    try {
      await this.transport.getJson("/api/register?reg=none", signal);
      this.mode = "json";
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      this.mode = "xml";
    }
    return this.mode;
  }

  /** The meter's registers (virtual ones too with `virtual`), by idx. */
  async registers(options: ReadOptions = {}): Promise<EgaugeRegister[]> {
    if ((await this.api(options.signal)) === "xml") {
      const instant = parseInstant(await this.transport.getText("/cgi-bin/egauge?tot", options.signal));
      this.list = instant.registers.map(({ name, type, idx, did, virtual }) => ({ name, type, idx, ...(did !== undefined ? { did } : {}), virtual }));
    } else {
      this.list = replyRegisters((await this.transport.getJson("/api/register?reg=all&virtual=value", options.signal)) as RegisterReply);
    }
    return this.list.filter((r) => options.virtual || !r.virtual);
  }

  /** Registers by name (all physical ones, plus virtual with `virtual`, when names is empty). */
  private async select(names: readonly string[] | undefined, options: ReadOptions, refresh = false): Promise<Selected> {
    if (!this.list || refresh) await this.registers(options);
    const list = this.list!;
    let regs: EgaugeRegister[];
    if (!names || names.length === 0) regs = list.filter((r) => options.virtual || !r.virtual);
    else {
      const missing = names.filter((n) => !list.some((r) => r.name === n));
      if (missing.length > 0) {
        if (!refresh) return this.select(names, options, true);
        throw new InputError(
          `eGauge: the meter has no register ${missing.map((m) => `"${m}"`).join(", ")} (it has ${list.map((r) => `"${r.name}"`).join(", ")})`,
        );
      }
      regs = list.filter((r) => names.includes(r.name));
    }
    // "+" is sent as %2B so no proxy reads it as a space (reference §3.1).
    return { regs, reg: ["none", ...regs.map((r) => String(r.idx))].join("%2B") };
  }

  /**
   * GET /api/register for selected registers; when the meter's list changed under us (a rename
   * or a new idx: the reply's names or dids differ), the selection is redone once by did.
   */
  private async query(names: readonly string[] | undefined, extra: string, options: ReadOptions): Promise<{ reply: RegisterReply; regs: EgaugeRegister[] }> {
    for (let attempt = 0; ; attempt++) {
      const sel = await this.select(names, options, attempt > 0);
      const virtual = sel.regs.some((r) => r.virtual) ? "&virtual=value" : "";
      const reply = (await this.transport.getJson(`/api/register?reg=${sel.reg}${virtual}${extra}`, options.signal)) as RegisterReply;
      const got = replyRegisters(reply);
      const same = got.length === sel.regs.length && got.every((g, i) => g.name === sel.regs[i].name && g.did === sel.regs[i].did);
      if (same || attempt > 0) return { reply, regs: got };
      const byDid = names ? sel.regs.map((r) => this.list?.find((x) => x.did !== undefined && x.did === r.did)?.name ?? r.name) : names;
      await this.registers(options);
      names = byDid?.map((n, i) => this.list!.find((x) => x.did !== undefined && x.did === sel.regs[i].did)?.name ?? n);
    }
  }

  /** Instantaneous rates in physical units. */
  async rates(names?: readonly string[], options: ReadOptions = {}): Promise<EgaugeReading[]> {
    if ((await this.api(options.signal)) === "xml") {
      const instant = parseInstant(await this.transport.getText("/cgi-bin/egauge?inst&tot", options.signal));
      const wanted = instant.registers.filter((r) => (names && names.length > 0 ? names.includes(r.name) : options.virtual || !r.virtual));
      return wanted.map((r) => ({
        time: new Date(instant.t * 1000),
        register: r.name,
        type: r.type,
        unit: typeInfo(r.type).unit,
        value: r.rate ?? NaN,
        counter: r.value,
      }));
    }
    const { reply, regs } = await this.query(names, "&rate&time=now", options);
    const time = new Date(parseTs(reply.ts ?? "0") * 1000);
    const row = replyRows(reply)[0];
    return regs.map((r, i) => ({
      time,
      register: r.name,
      type: r.type,
      unit: typeInfo(r.type).unit,
      value: reply.registers?.[i]?.rate ?? NaN,
      ...(row ? { counter: row.values[i] } : {}),
    }));
  }

  /** Retention levels (oldest time each still holds), from /sys/db or the documented defaults. */
  async levels(signal?: AbortSignal): Promise<DbLevelInfo[]> {
    const now = Math.floor(Date.now() / 1000);
    try {
      const body = (await this.transport.getJson("/api/sys/db", signal)) as { result?: { level?: { head: number; interval: number; "row-count": number }[] } };
      const levels = body.result?.level ?? [];
      if (levels.length > 0) return levels.map((l) => ({ interval: l.interval / 1000, oldest: Number(l.head) - (l["row-count"] - 1) * (l.interval / 1000) }));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "PRIVILEGE")) throw err;
    }
    return DEFAULT_RETENTION.map((l) => ({ interval: l.interval, oldest: Math.floor(now / l.interval) * l.interval - (l.rows - 1) * l.interval }));
  }

  /**
   * Readings (mean rate over each row interval, energy for power registers) for rows in
   * (start, end], page by page, oldest first. Every page is at most `pageRows` rows.
   */
  async *history(names: readonly string[] | undefined, window: { start: Date; end: Date }, options: HistoryOptions = {}): AsyncGenerator<HistoryPage> {
    const from = Math.floor(window.start.getTime() / 1000);
    const to = Math.floor(window.end.getTime() / 1000);
    if (!(to > from)) throw new InputError("eGauge: the history window must end after it starts");
    const resolution = options.resolution ?? "auto";
    const pageRows = Math.max(1, options.pageRows ?? this.options.pageRows ?? 3600);
    const xml = (await this.api(options.signal)) === "xml";
    let segments: Segment[];
    if (resolution !== "auto") segments = [{ step: resolution, from, to }];
    else if (xml) segments = [{ step: 60, from, to }];
    else segments = planSegments(from, to, await this.levels(options.signal));
    const fetch = xml
      ? (time: string, maxRows: number) => this.legacyRows(names, time, maxRows, options)
      : (time: string, maxRows: number) => this.query(names, `&time=${time}&max-rows=${maxRows}${options.delta ? "&delta" : ""}`, options);
    yield* pageHistory(fetch, segments, pageRows, Boolean(options.delta) && !xml, options.signal);
  }

  private async legacyRows(
    names: readonly string[] | undefined,
    time: string,
    maxRows: number,
    options: ReadOptions,
  ): Promise<{ reply: RegisterReply; regs: EgaugeRegister[] }> {
    const [a, step, b] = time.split(":").map(Number);
    const unit = step === 1 ? "S" : step === 3600 ? "h" : step === 86400 ? "d" : "m";
    const per = unit === "S" ? 1 : unit === "h" ? 3600 : unit === "d" ? 86400 : 60;
    const n = Math.floor((b - a) / per) + 1;
    const show = parseShow(
      await this.transport.getText(`/cgi-bin/egauge-show?${unit}&a&n=${Math.min(n, maxRows * (step / per))}&f=${b}&t=${a}`, options.signal),
    );
    const cols = show.registers
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => (names && names.length > 0 ? names.includes(r.name) : options.virtual || !r.virtual));
    const rows = show.rows.filter((row) => row.t % step === 0 && row.t >= a && row.t <= b);
    return {
      regs: cols.map(({ r }) => r),
      reply: { ranges: rows.map((row) => ({ ts: String(row.t), delta: step, rows: [cols.map(({ i }) => String(row.values[i]))] })) },
    };
  }

  /** Totals since the start of today / this week / month / year, by the meter's clock and time zone. */
  async totals(
    names: readonly string[] | undefined,
    periods: readonly Period[] = ["today", "week", "month"],
    options: ReadOptions = {},
  ): Promise<PeriodTotal[]> {
    if (periods.length === 0) return [];
    const { reply, regs } = await this.query(names, `&time=now,${periods.map((p) => PERIOD_TIME[p]).join(",")}`, options);
    const rows = replyRows(reply);
    if (rows.length !== periods.length + 1)
      throw new ApiError({
        platform: "egauge",
        code: "FORMAT",
        serviceMessage: `expected ${periods.length + 1} rows, got ${rows.length}`,
        hint: "the meter could not place a period start in its stored data",
      });
    const [now, ...starts] = rows;
    return periods.flatMap((period, p) =>
      regs.map((reg, k) => ({
        ...meanReading(reg, { t: starts[p].t, value: starts[p].values[k] }, { t: now.t, value: now.values[k] }),
        period,
        from: new Date(starts[p].t * 1000),
      })),
    );
  }

  /** Serial, firmware, model, hostname (when the user may view settings) and the user's rights. */
  async info(signal?: AbortSignal): Promise<EgaugeInfo> {
    const api = await this.api(signal);
    if (api === "xml") return { user: this.options.user, rights: [], api };
    await this.transport.ensureLogin();
    const rights = ((await this.transport.getJson("/api/auth/rights", signal)) as { rights?: string[] }).rights ?? [];
    const out: EgaugeInfo = { user: this.options.user, rights, api };
    if (rights.includes("view_settings")) {
      const read = async (path: string) => String(((await this.transport.getJson(path, signal)) as { result?: unknown }).result ?? "");
      out.serial = await read("/api/sys/sn");
      out.firmware = await read("/api/sys/version/firmware");
      out.model = await read("/api/sys/model").catch(() => undefined);
      out.hostname = await read("/api/config/net/hostname").catch(() => undefined);
    }
    return out;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
