/**
 * The HOBOlink client: one interface, two flavours chosen by configuration (LI-COR Cloud v1 with
 * a static token, legacy Onset V3 with client credentials and a user id). It turns a query into
 * windows sized under the row cap and fetches them through the shared transport.
 */
import { EventEmitter } from "node:events";
import { AbortError, InputError } from "../core/errors";
import { parseTime, parseWindow } from "../core/time";
import { compareRows } from "./dedupe";
import { dataParams, dataPath, fetchData } from "./data-request";
import { groupLoggers, normalizeLoggers } from "./loggers";
import { resolveOptions, type ResolvedHoboOptions } from "./options";
import type { HoboTokenInfo } from "./token-info";
import { HoboTransport } from "./transport";
import { iterateWindows, type WindowPlan } from "./windows";
import { WindowSizer } from "./window-sizer";
import type { HoboClient, HoboClientOptions, HoboFetchAllResult, HoboFlavour, HoboQuery, HoboRow, HoboWindow } from "./types";

/** A serial no account owns: LI-COR answers it with no rows (or a validation error) once the token is accepted. */
const PROBE_LOGGER = "0";
/** Probe answers that come after the token (and, for legacy, the user id) was accepted. */
const LICOR_PROBE_OK = /^(VAL-\d+|ATH-008)$/;
const LEGACY_PROBE_OK = /^(VAL-00\d|ATH-008)$/;

export interface RawRequestOptions {
  params?: Record<string, string>;
  form?: Record<string, string>;
  signal?: AbortSignal;
}

export class HoboClientImpl extends EventEmitter implements HoboClient {
  readonly flavour: HoboFlavour;
  readonly baseUrl: string;
  private readonly o: ResolvedHoboOptions;
  private readonly transport: HoboTransport;

  constructor(options: HoboClientOptions) {
    super();
    this.o = resolveOptions(options);
    this.flavour = this.o.flavour;
    this.baseUrl = this.o.baseUrl;
    this.transport = new HoboTransport(this.o, (state) => this.emit("state", state));
  }

  /** The legacy token last fetched (undefined for LI-COR or before the first request). */
  get tokenInfo(): HoboTokenInfo | undefined {
    return this.transport.auth?.info;
  }

  /** Validates the query (before anything is sent) and returns its windows. */
  windows(query: HoboQuery): AsyncIterable<HoboWindow> {
    const plan = this.plan(query);
    const sizer = new WindowSizer({
      rowCap: this.o.rowCap,
      targetFill: this.o.targetFill,
      channels: query.channelsHint,
      intervalSec: query.intervalSecHint,
      fixedMs: query.windowMs,
    });
    return iterateWindows(plan, {
      fetch: (loggers, start, end, signal) => fetchData(this.transport, this.o.credentials, loggers, start, end, signal),
      sizer,
      lookaheadRows: this.o.lookaheadRows,
      windowRows: query.windowRows ?? this.o.windowRows,
      rowCap: this.o.rowCap,
      logger: this.o.logger,
    });
  }

  async fetchAll(query: HoboQuery): Promise<HoboFetchAllResult> {
    const rows: HoboRow[] = [];
    let windows = 0;
    let requests = 0;
    const groups = new Set<string>();
    for await (const w of this.windows(query)) {
      windows += 1;
      requests += w.requests;
      groups.add(w.loggers.join(","));
      for (const r of w.rows) rows.push(r);
    }
    // Windows are in time order per logger group; several groups interleave and need one sort.
    if (groups.size > 1) rows.sort(compareRows);
    return { rows, windows, requests };
  }

  async testConnection(signal?: AbortSignal): Promise<void> {
    this.assertOpen();
    const auth = this.transport.auth;
    // Legacy: a fresh token proves the client id and secret only; the probe below proves the user id (403 ATH-002 otherwise).
    if (auth) await this.transport.run((s) => auth.renew(s), signal);
    const now = Date.now();
    await this.transport.request({
      method: "GET",
      path: dataPath(this.o.credentials),
      params: dataParams([PROBE_LOGGER], new Date(now - 120_000), new Date(now - 60_000)),
      signal,
      parse: () => true,
      // A validation answer (VAL-..., ATH-008 not owned) comes after the token check, so it proves the token; legacy
      // answers VAL-033/VAL-034 (format, user id) before its user check, so those prove nothing there.
      accept: (err) => (err.status === 400 && typeof err.code === "string" && (auth ? LEGACY_PROBE_OK : LICOR_PROBE_OK).test(err.code) ? true : undefined),
    });
  }

  /** A raw call relative to the base URL with the client's token, limits and retries (bestlab's get/post). */
  raw(method: "GET" | "POST", path: string, options: RawRequestOptions = {}): Promise<unknown> {
    this.assertOpen();
    const rel = path.startsWith("/") ? path : `/${path}`;
    return this.transport.request({ method, path: rel, params: options.params, form: options.form, signal: options.signal, parse: (body) => body });
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private assertOpen(): void {
    if (this.transport.closed) throw new AbortError("The HOBOlink client was closed");
  }

  private plan(query: HoboQuery): WindowPlan {
    this.assertOpen();
    if (query === null || typeof query !== "object") throw new InputError("A HOBOlink query must be an object with loggers, start and (optionally) end");
    const loggers = normalizeLoggers(query.loggers);
    if (query.windowRows !== undefined && !(Number.isInteger(query.windowRows) && query.windowRows > 0)) {
      throw new InputError(`windowRows must be a whole number of rows above 0, got ${String(query.windowRows)}`);
    }
    const now = query.now ?? Date.now();
    // No reading comes from the future, and the service rejects a start in the future (VAL-002).
    const future = (start: Date) => new InputError(`The start time (${start.toISOString()}) is in the future: times are UTC, check the time zone`);
    if (query.end === undefined || query.end === null) {
      const start = parseTime(query.start, { now, name: "start" });
      if (start.getTime() >= now) throw future(start);
    }
    const { start, end } = parseWindow(query.start, query.end, now);
    const endMs = Math.min(end.getTime(), now);
    if (start.getTime() >= endMs) throw future(start);
    return { groups: groupLoggers(loggers), startSec: Math.ceil(start.getTime() / 1000), endSec: Math.floor(endMs / 1000), signal: query.signal };
  }
}

export function createHoboClient(options: HoboClientOptions): HoboClient {
  return new HoboClientImpl(options);
}
