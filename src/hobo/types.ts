/**
 * Public shapes of the HOBOlink client: options, connection states, the API's rows, a query and
 * the windows a query streams as. Both flavours (LI-COR Cloud v1 and legacy Onset V3) share them.
 */
import type { RowBlock } from "./row-block";
import type { EventEmitter } from "node:events";
import type { ClientLogger, ClientRetryOptions, ClientState } from "../core/client";

export type HoboFlavour = "licor" | "legacy";

/** @deprecated Use ClientLogger (src/core): both clients share one logger shape. */
export type HoboLogger = ClientLogger;
/** @deprecated Use ClientRetryOptions (src/core). */
export type HoboRetryOptions = ClientRetryOptions;

export interface HoboClientOptions {
  flavour: HoboFlavour;
  /** Defaults per flavour: https://api.licor.cloud (licor), https://webservice.hobolink.com (legacy). */
  baseUrl?: string;
  /** LI-COR Cloud API token (Data > API > Add Token). */
  token?: string;
  /** Legacy web-services credentials issued by Onset, and the numeric HOBOlink user id. */
  clientId?: string;
  clientSecret?: string;
  userId?: string | number;
  timeoutMs?: number;
  /** Requests per rate window (default: legacy 30, licor 60). */
  requestsPerMinute?: number;
  /** Length of the rate window (default 60000; tests scale it down). */
  windowMs?: number;
  /** Requests in flight at once (default and most 75, the service's limit; the rate window keeps it to N a minute anyway). */
  maxConcurrent?: number;
  /** Rows a streamed query may hold ahead of its reader, a full answer counted per request in flight (default 600,000: about 185 MB peak resident for a long backfill; more reads further ahead at more memory). */
  lookaheadRows?: number;
  /** Rows a window holds at most, unless one timestamp alone has more: a larger answer goes as several windows (default 10,000). */
  windowRows?: number;
  /** Renew a legacy token this long before it expires (default 60 s, as bestlab). */
  tokenMarginMs?: number;
  retry?: ClientRetryOptions;
  /** The server's row cap per answer, used to size windows (default 100000). */
  rowCap?: number;
  /** Fraction of the cap a window aims at (default 0.8). */
  targetFill?: number;
  logger?: ClientLogger;
}

/** @deprecated Use ClientState (src/core): both clients emit the same states. */
export type HoboClientState = ClientState;

/** One observation as the API sends it (legacy V3 fields, LI-COR v1 fields, or both). */
export interface HoboRow {
  logger_sn: string;
  sensor_sn: string;
  /** "yyyy-MM-dd HH:mm:ssZ", UTC. */
  timestamp: string;
  /** "1" current, "2" minimum, "3" maximum, "4" average, "5" standard deviation. */
  data_type_id: string;
  // legacy V3
  si_value?: number;
  si_unit?: string;
  us_value?: number;
  us_unit?: string;
  scaled_value?: number;
  scaled_unit?: string | null;
  sensor_key?: number;
  // LI-COR v1
  data_type?: string;
  value?: number;
  unit?: string;
  sensor_measurement_type: string;
}

export interface HoboQuery {
  /** An array, a comma-separated string or a single number. */
  loggers: unknown;
  /** Any time the core parser reads: Date, ISO, epoch s/ms, "yyyy-MM-dd HH:mm:ss" (UTC), "-7d". */
  start: unknown;
  /** Default now. */
  end?: unknown;
  signal?: AbortSignal;
  /** Force a window length instead of sizing windows from the row cap. */
  windowMs?: number;
  /** Rows a window holds at most, unless one timestamp alone has more (default: the client's windowRows). */
  windowRows?: number;
  /** Logging interval per logger, to size the first window (default 300 s). */
  intervalSecHint?: number;
  /** Channels per logger, to size the first window (default 10). */
  channelsHint?: number;
  /** Reference time for relative inputs and the default end (ms). */
  now?: number;
}

export interface HoboWindow {
  /** 0, 1, 2, ... in the order windows are yielded. */
  index: number;
  /** Both ends inclusive, whole seconds; the next window starts one second after this end. */
  start: Date;
  end: Date;
  loggers: string[];
  /** De-duplicated, sorted by timestamp then sensor_sn. */
  rows: HoboRow[];
  /** HTTP data requests this window took (more than one when an answer was truncated). */
  requests: number;
  empty: boolean;
}

export interface HoboFetchAllResult {
  rows: HoboRow[];
  windows: number;
  requests: number;
}

export interface HoboClient extends EventEmitter {
  readonly flavour: HoboFlavour;
  readonly baseUrl: string;
  /** Windows in time order; every row appears exactly once across them. */
  windows(query: HoboQuery): AsyncIterable<HoboWindow>;
  fetchAll(query: HoboQuery): Promise<HoboFetchAllResult>;
  /** Legacy: fetches a token. LI-COR: a one-minute data request that proves the token works. */
  testConnection(signal?: AbortSignal): Promise<void>;
  /** Aborts requests in flight, stops the limiter and emits "closed". */
  close(): Promise<void>;
}

/** One data answer, either flavour. */
export interface HoboDataAnswer {
  /** Kept in columns until handed on (src/hobo/row-block.ts). */
  rows: RowBlock;
  maxResults: boolean;
  message: string;
}
