// Counters that tests, the demo and benchmarks read (also served at GET /_emulator/stats).
import { formatUtc } from "./stations";
import type { DataQuery } from "./validate";

export interface HoboEmulatorStats {
  requests: number;
  tokenRequests: number;
  dataRequests: number;
  /** Answers by HTTP status ("200", "429", …; "dropped" for destroyed sockets). */
  byStatus: Record<string, number>;
  /** Most data requests in flight at once (counted on arrival, so including 509s). */
  maxInFlight: number;
  /** The data queries that passed validation, oldest first (the last MAX_QUERY_LOG kept). */
  queries: HoboEmulatorQuery[];
  reset(): void;
}

/** One validated data query: the loggers asked for and the window, UTC "yyyy-MM-dd HH:mm:ss", both ends inclusive. */
export interface HoboEmulatorQuery {
  flavour: "legacy" | "licor";
  loggers: string[];
  start: string;
  end: string;
}

const MAX_QUERY_LOG = 10_000;

export function createStats(): HoboEmulatorStats {
  const stats: HoboEmulatorStats = {
    requests: 0,
    tokenRequests: 0,
    dataRequests: 0,
    byStatus: {},
    maxInFlight: 0,
    queries: [],
    reset: () => {
      stats.requests = 0;
      stats.tokenRequests = 0;
      stats.dataRequests = 0;
      stats.byStatus = {};
      stats.maxInFlight = 0;
      stats.queries = [];
    },
  };
  return stats;
}

export function countStatus(stats: HoboEmulatorStats, status: number | string): void {
  const key = String(status);
  stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
}

export function logQuery(stats: HoboEmulatorStats, flavour: HoboEmulatorQuery["flavour"], query: DataQuery): void {
  const log = stats.queries;
  log.push({ flavour, loggers: [...query.loggers], start: formatUtc(query.startSec), end: formatUtc(query.endSec) });
  if (log.length > MAX_QUERY_LOG) log.splice(0, log.length - MAX_QUERY_LOG);
}
