// The endpoint table for both path families (reference §4.1/§4.2). A route's prepare() runs the
// parameter checks and returns the executor; the server runs throttle and quota in between.
import { CATEGORIES, iot03Record, renderSpec, smartHomeRecord, type DeviceRecord } from "./devices";
import { fail } from "./errors";
import type { LogQuery, Position, Positioned } from "./logs";
import { epochMs, eventTypes, list, optional, pageSize, required, type Query, type SizeRule } from "./params";
import type { Project } from "./project";

export type Family = "token" | "iot-03" | "smart-home";

export interface Ctx {
  params: Record<string, string>;
  query: Query;
  body: Buffer;
  now: number;
  /** Set when the pattern has {device_id} and the device belongs to the project. */
  device?: DeviceRecord;
}

export type Exec = (now: number) => unknown;

export interface Route {
  method: string;
  pattern: string;
  family: Family;
  prepare(ctx: Ctx): Exec;
}

export interface RouteOptions {
  oversizePage: "clamp" | "error";
  logOrder: "asc" | "desc";
  iot03LogShape: "doc" | "table";
  /** What a batch call does with ids that are not the project's: leave them out, or deny the batch (1106). */
  batchForeignIds: "omit" | "deny";
  /** iot-03 logs: honour `codes` (as the Smart Home endpoint documents) or ignore it (its doc does not list it). */
  iot03LogCodes: "filter" | "ignore";
}

export interface RouteCounters {
  tokenGrants: number;
  tokenRefreshes: number;
}

const MAX_BATCH = 20;

export function buildRoutes(p: Project, o: RouteOptions, counters: RouteCounters): Route[] {
  const logSize: SizeRule = { def: 20, max: 100, oversize: o.oversizePage };

  /**
   * device_ids: missing → 1100, more than `max` → 1101; foreign ids are left out ("omit") or deny
   * the batch with 1106 ("deny"). The reference documents neither for batches: "omit" is an
   * inference from the list endpoints, which answer with the devices they have and a total.
   */
  const deviceIds = (q: Query, max = MAX_BATCH): DeviceRecord[] => {
    const ids = list(required(q, "device_ids"));
    if (ids.length === 0) fail(1100);
    if (ids.length > max) fail(1101);
    const devs = ids.map((id) => p.device(id) ?? (o.batchForeignIds === "deny" ? fail(1106) : undefined));
    return devs.filter((d): d is DeviceRecord => d !== undefined);
  };
  const dev = (c: Ctx): DeviceRecord => c.device!;
  const functionsOf = (category: string) => ({
    category,
    functions: (CATEGORIES[category]?.functions ?? []).map((f) => renderSpec(f, true)),
  });
  const shRecord = (d: DeviceRecord, now: number) => smartHomeRecord(d, p.info, p.status(d, now));

  /** Pages over the project's devices with an opaque last_row_key. */
  const pageDevices = (q: Query, scope: string, sizeKey: string, rule: SizeRule, all: DeviceRecord[]) => {
    const size = pageSize(q, sizeKey, rule);
    const after = optional(q, "last_row_key");
    const from = after === undefined ? 0 : p.parseListKey(scope, after) + 1;
    const page = all.slice(from, from + size);
    const last = from + page.length - 1;
    return { page, has_more: from + size < all.length, last_row_key: page.length ? p.listKey(scope, last) : "", total: all.length };
  };

  /** Shared log-query parsing; `cursorKey` is start_row_key (inclusive) or last_row_key (exclusive). */
  const logQuery = (c: Ctx, typeKey: string | undefined, cursorKey: string, inclusive: boolean, ignoreCodes = false) => {
    const q = c.query;
    const types = typeKey ? eventTypes(required(q, typeKey)) : new Set([7]);
    const start = epochMs(q, "start_time");
    const end = epochMs(q, "end_time");
    if (start > end) fail(1109);
    const size = pageSize(q, "size", logSize);
    const codesRaw = optional(q, "codes");
    const codes = codesRaw === undefined || ignoreCodes ? undefined : new Set(list(codesRaw));
    const cursor = optional(q, cursorKey);
    const pos = cursor === undefined ? undefined : p.parseLogKey(dev(c), cursor);
    const query: LogQuery = { eventIds: types, codes, start, end, order: o.logOrder, from: pos && { ...pos, inclusive } };
    return { query, size };
  };
  const read = (c: Ctx, q: LogQuery, size: number, now: number) => {
    const rows = p.readLogs(dev(c), q, now, size + 1);
    return { rows: rows.slice(0, size), next: rows.length > size ? rows[size] : undefined };
  };
  const count = (c: Ctx, q: LogQuery, now: number) => p.readLogs(dev(c), { ...q, from: undefined }, now, Number.MAX_SAFE_INTEGER).length;
  const key = (c: Ctx, pos: Position) => p.logKey(dev(c), pos);
  const iotEntry = (r: Positioned) => ({
    code: r.entry.code,
    event_from: r.entry.event_from,
    event_id: r.entry.event_id,
    value: r.entry.value,
    event_time: r.entry.event_time,
  });

  const routes: Route[] = [];
  const add = (method: string, family: Family, patterns: string[], prepare: (c: Ctx) => Exec) => {
    for (const pattern of patterns) routes.push({ method, pattern, family, prepare });
  };

  // ---- token management (reference §2) ----
  add("GET", "token", ["/v1.0/token"], (c) => {
    const g = required(c.query, "grant_type");
    if (g !== "1") fail(1003);
    return (now) => {
      counters.tokenGrants++;
      return p.tokens.grant(now);
    };
  });
  add("GET", "token", ["/v1.0/token/{refresh_token}"], (c) => (now) => {
    const grant = p.tokens.refresh(c.params.refresh_token, now) ?? fail(1011);
    counters.tokenRefreshes++;
    return grant;
  });

  // ---- iot-03 family ----
  add("GET", "iot-03", ["/v1.0/iot-03/devices"], (c) => {
    if (c.query.has("device_ids")) {
      const devs = deviceIds(c.query);
      return () => ({ devices: devs.map(iot03Record), has_more: false, last_row_key: "", total: devs.length });
    }
    const r = pageDevices(c.query, "iot03", "page_size", { def: 20, max: 200, oversize: o.oversizePage }, p.devices);
    return () => ({ devices: r.page.map(iot03Record), has_more: r.has_more, last_row_key: r.last_row_key, total: r.total });
  });
  add("GET", "iot-03", ["/v1.2/iot-03/devices", "/v1.3/iot-03/devices"], (c) => {
    const q = c.query;
    let all = q.has("device_ids") ? deviceIds(q) : p.devices;
    const category = optional(q, "category");
    const name = optional(q, "name");
    const productId = optional(q, "product_id");
    all = all.filter((d) => (!category || d.category === category) && (!name || d.name.includes(name)) && (!productId || d.productId === productId));
    const r = pageDevices(q, "iot03v13", "page_size", { def: 20, max: 200, oversize: o.oversizePage }, all);
    return () => ({ has_more: r.has_more, list: r.page.map(iot03Record), last_row_key: r.last_row_key, total: r.total });
  });
  add("GET", "iot-03", ["/v1.0/iot-03/devices/status"], (c) => {
    const devs = deviceIds(c.query);
    return (now) => devs.map((d) => ({ id: d.id, status: p.status(d, now) }));
  });
  add("GET", "iot-03", ["/v1.0/iot-03/devices/factory-infos"], (c) => {
    const devs = deviceIds(c.query);
    return () => devs.map((d) => ({ id: d.id, uuid: d.uuid, sn: d.sn, mac: d.mac }));
  });
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}", "/v1.1/iot-03/devices/{device_id}"], (c) => () => iot03Record(dev(c)));
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}/status"], (c) => (now) => p.status(dev(c), now));
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}/functions"], (c) => () => functionsOf(dev(c).category));
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}/specification"], (c) => () => specOf(dev(c).category));
  add("POST", "iot-03", ["/v1.0/iot-03/devices/{device_id}/commands"], (c) => p.prepareCommands(dev(c), c.body));
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}/logs"], (c) => {
    const { query, size } = logQuery(c, "event_types", "last_row_key", false, o.iot03LogCodes === "ignore");
    return (now) => {
      const { rows, next } = read(c, query, size, now);
      const last = rows.length ? key(c, rows[rows.length - 1]) : "";
      const logs = rows.map(iotEntry);
      if (o.iot03LogShape === "table") {
        return { device_id: dev(c).id, has_more: next !== undefined, last_row_key: last, list: logs, total: count(c, query, now) };
      }
      return { device_id: dev(c).id, has_next: next !== undefined, last_row_key: last, logs };
    };
  });
  add("GET", "iot-03", ["/v1.0/iot-03/devices/{device_id}/report-logs"], (c) => {
    required(c.query, "codes");
    const { query, size } = logQuery(c, undefined, "last_row_key", false);
    return (now) => {
      const { rows, next } = read(c, query, size, now);
      return {
        device_id: dev(c).id,
        has_more: next !== undefined,
        last_row_key: rows.length ? key(c, rows[rows.length - 1]) : "",
        total: count(c, query, now),
        logs: rows.map((r) => ({ code: r.entry.code, value: r.entry.value, event_time: r.entry.event_time })),
      };
    };
  });
  add("GET", "iot-03", ["/v1.0/iot-03/categories/{category}/functions"], (c) => categoryFunctions(c.params.category));

  // ---- Smart Home family (what bestlab_platform calls) ----
  add("GET", "smart-home", ["/v1.0/devices/", "/v1.0/devices"], (c) => {
    const devs = deviceIds(c.query);
    return (now) => ({ devices: devs.map((d) => shRecord(d, now)), has_more: false, last_row_key: "", total: devs.length });
  });
  add("GET", "smart-home", ["/v1.0/devices/status"], (c) => {
    const devs = deviceIds(c.query);
    return (now) => devs.map((d) => ({ id: d.id, status: p.status(d, now) }));
  });
  add("GET", "smart-home", ["/v1.0/devices/factory-infos"], (c) => {
    const devs = deviceIds(c.query, Number.MAX_SAFE_INTEGER); // no documented limit here
    return () => devs.map((d) => ({ id: d.id, uuid: d.uuid, sn: d.sn, mac: d.mac }));
  });
  add("GET", "smart-home", ["/v1.0/iot-01/associated-users/devices"], (c) => {
    const r = pageDevices(c.query, "assoc", "size", { def: 20, max: 100, oversize: o.oversizePage }, p.devices);
    return (now) => ({ devices: r.page.map((d) => shRecord(d, now)), has_more: r.has_more, last_row_key: r.last_row_key, total: r.total });
  });
  add("GET", "smart-home", ["/v1.0/devices/{device_id}"], (c) => (now) => shRecord(dev(c), now));
  add("GET", "smart-home", ["/v1.0/devices/{device_id}/functions"], (c) => () => functionsOf(dev(c).category));
  add("GET", "smart-home", ["/v1.0/devices/{device_id}/specifications"], (c) => () => specOf(dev(c).category));
  add("POST", "smart-home", ["/v1.0/devices/{device_id}/commands"], (c) => p.prepareCommands(dev(c), c.body));
  add("GET", "smart-home", ["/v1.0/devices/{device_id}/logs"], (c) => {
    const { query, size } = logQuery(c, "type", "start_row_key", true);
    const startKey = optional(c.query, "start_row_key");
    return (now) => {
      const { rows, next } = read(c, query, size, now);
      // current_row_key names where this page starts; an empty first page still gets a key.
      const edge: Position = o.logOrder === "desc" ? { time: query.end, rank: 1_000_000_000 } : { time: query.start, rank: -1 };
      const current = rows.length ? key(c, rows[0]) : (startKey ?? key(c, edge));
      return {
        device_id: dev(c).id,
        has_next: next !== undefined,
        current_row_key: current,
        next_row_key: next ? key(c, next) : null,
        logs: rows.map((r) => ({ ...r.entry })),
      };
    };
  });
  add("GET", "smart-home", ["/v1.0/functions/{category}"], (c) => categoryFunctions(c.params.category));

  function specOf(category: string) {
    const spec = CATEGORIES[category];
    return {
      category,
      functions: (spec?.functions ?? []).map((f) => renderSpec(f, true)),
      status: (spec?.status ?? []).map((s) => renderSpec(s, false)),
    };
  }
  function categoryFunctions(category: string): Exec {
    if (!CATEGORIES[category]) fail(1109);
    return () => functionsOf(category);
  }
  return routes;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/**
 * The route for this method and verbatim path (a trailing slash is significant); literal routes
 * are listed before parameterised ones. `known` says whether the path exists for another method.
 */
export function matchRoute(routes: Route[], method: string, path: string): { match?: Match; known: boolean } {
  const segs = path.split("/");
  let known = false;
  for (const route of routes) {
    const pat = route.pattern.split("/");
    if (pat.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pat.length && ok; i++) {
      if (pat[i].startsWith("{")) {
        if (segs[i] === "") ok = false;
        else params[pat[i].slice(1, -1)] = decodeSeg(segs[i]);
      } else ok = pat[i] === segs[i];
    }
    if (!ok) continue;
    if (route.method === method) return { match: { route, params }, known: true };
    known = true;
  }
  return { known };
}

function decodeSeg(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
