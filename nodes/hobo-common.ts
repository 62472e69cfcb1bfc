/**
 * Runtime bits of the HOBOlink nodes: what a hobo-config node offers its users, attaching a flow
 * node to it, the settings -> client options translation (used by the deployed config node and
 * by the editor's "test connection" route for values not yet deployed), and the incremental
 * polling marks.
 */
import type { Node, NodeAPI } from "node-red";
import { inputError } from "./shared/i18n";
import { NotConfiguredError } from "./shared/not-configured";
import { parseHoboTimestamp } from "../src/core/time";
import type { HoboClient, HoboClientOptions, HoboFlavour, HoboRow } from "../src/hobo";
import { attachConfig as attachShared, positiveSetting } from "./shared/config";
import { requireSecureTransport } from "../src/core/transport-rule";
import type { ConfigUsers } from "./shared/config-users";
import type { Status } from "./shared/status";

/** What a hobo-config node offers the flow nodes that use it. */
export interface HoboConfigNode extends Node {
  /** The one shared client (token, limiter), created on first use; throws InputError on bad settings. */
  readonly client: HoboClient;
  /** Flow nodes that use this config; they get its connection state pushed. */
  readonly users: ConfigUsers;
  /** The service flavour, or undefined when the setting is not a known one. */
  readonly flavour: HoboFlavour | undefined;
}

/** The config node's settings (also what the editor posts to the test route). */
export interface HoboSettings {
  flavour?: unknown;
  endpoint?: unknown;
  timeout?: unknown;
  rpm?: unknown;
  concurrency?: unknown;
}

export interface HoboCredentials {
  token?: string;
  clientId?: string;
  clientSecret?: string;
  userId?: string;
}

export const CREDENTIAL_FIELDS = ["token", "clientId", "clientSecret", "userId"] as const;
export const SECRET_FIELDS = ["token", "clientSecret"] as const;

export function flavourOf(value: unknown): HoboFlavour | undefined {
  return value === "licor" || value === "legacy" ? value : undefined;
}

/** Where the settings send credentials (flavour and endpoint), compared before stored secrets are used for a dialog's test. */
export function hoboTarget(settings: HoboSettings): string {
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint.trim().replace(/\/+$/, "") : "";
  return `${String(settings.flavour)} ${endpoint}`;
}

/** Client options from settings and credentials; InputError (before any request) when unusable. */
export function clientOptions(settings: HoboSettings, creds: HoboCredentials, logger?: HoboClientOptions["logger"]): HoboClientOptions {
  const flavour = flavourOf(settings.flavour);
  if (!flavour) {
    throw inputError("hobo-config.errors.unknownFlavour", { flavour: String(settings.flavour) });
  }
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint.trim() : "";
  if (endpoint && !/^https?:\/\/[^\s/]+/i.test(endpoint)) {
    throw inputError("hobo-config.errors.badEndpoint", { endpoint: endpoint.slice(0, 60) });
  }
  if (endpoint) requireSecureTransport(endpoint, "The hobo-config's endpoint");
  const common = {
    flavour,
    baseUrl: endpoint || undefined,
    timeoutMs: (positiveSetting(settings.timeout) ?? 30) * 1000,
    requestsPerMinute: positiveSetting(settings.rpm),
    maxConcurrent: positiveSetting(settings.concurrency),
    logger,
  };
  if (flavour === "licor") {
    if (!creds.token) throw inputError("hobo-config.errors.noToken", undefined, NotConfiguredError);
    return { ...common, token: creds.token };
  }
  if (!creds.clientId || !creds.clientSecret || !creds.userId) {
    throw inputError("hobo-config.errors.noLegacyCredentials", undefined, NotConfiguredError);
  }
  return { ...common, clientId: creds.clientId, clientSecret: creds.clientSecret, userId: creds.userId };
}

/** Attaches a flow node to its hobo-config (see shared/config.ts attachConfig). */
export function attachConfig(RED: NodeAPI, node: Node, configId: string | undefined, status: Status): { require(): HoboConfigNode } {
  return attachShared<HoboConfigNode>(RED, node, configId, status, "hobo-config");
}

/**
 * Incremental polling: a high-water mark per logger, kept in node context. HOBOlink windows are
 * inclusive at both ends, so the next poll starts AT the mark and drops the rows at exactly the
 * mark's timestamp that were already emitted (their keys are kept with the mark). With a
 * persistent context store a restart neither loses nor repeats a reading. Marks follow the rows'
 * own timestamps, not the query's end, so readings a logger uploads late are still picked up.
 */
export interface Mark {
  /** Epoch ms of the newest reading emitted for the logger. */
  ts: number;
  /** "<sensor_sn>|<data_type_id>" of the readings emitted at exactly ts. */
  keys: string[];
}
export type Marks = Record<string, Mark>;

function rowTime(row: HoboRow): number {
  return parseHoboTimestamp(String(row.timestamp)).getTime();
}

function rowKey(row: HoboRow): string {
  return `${row.sensor_sn}|${row.data_type_id}`;
}

/**
 * Loggers whose starts lie within this of the oldest of them share one query from that oldest
 * start. An hour: loggers polled together keep marks a logging interval or two apart (HOBO
 * loggers log every 1 to 60 minutes and upload together), so a normal poll stays one request per
 * ten loggers; sharing costs at most an hour of readings fetched again and dropped as seen (120
 * rows for a 10-channel logger at 5 minutes, far below one answer's cap). A logger further behind
 * (offline, its connection down, new to the list) gets a query of its own and no longer drags
 * every other logger's query back to its mark.
 */
export const SHARED_START_MS = 60 * 60_000;

/** One query of an incremental poll: these loggers, from start to the poll's end. */
export interface IncrementalQuery {
  loggers: string[];
  start: Date;
}

/**
 * The queries of an incremental poll, oldest start first: each logger starts at its mark
 * (inclusive; loggers without one look back to firstStart), and loggers whose starts lie within
 * `shareMs` of a group's oldest start join that group (in the order they were given).
 */
export function incrementalQueries(marks: Marks, serials: readonly string[], firstStart: Date, shareMs = SHARED_START_MS): IncrementalQuery[] {
  const starts = serials.map((sn, i) => ({ sn, i, t: marks[sn]?.ts ?? firstStart.getTime() })).sort((a, b) => a.t - b.t || a.i - b.i);
  const groups: { t: number; members: typeof starts }[] = [];
  for (const s of starts) {
    const last = groups.at(-1);
    if (last && s.t - last.t <= shareMs) last.members.push(s);
    else groups.push({ t: s.t, members: [s] });
  }
  return groups.map((g) => ({ start: new Date(g.t), loggers: g.members.sort((a, b) => a.i - b.i).map((m) => m.sn) }));
}

/** The rows not emitted yet: after each logger's mark, or at it with a new key. */
export function unseenRows(marks: Marks, rows: readonly HoboRow[], firstStart: Date): HoboRow[] {
  return rows.filter((row) => {
    const mark = marks[String(row.logger_sn)];
    const t = rowTime(row);
    if (!mark) return t >= firstStart.getTime();
    return t > mark.ts || (t === mark.ts && !mark.keys.includes(rowKey(row)));
  });
}

/** Moves the marks past rows that have been emitted. */
export function advanceMarks(marks: Marks, rows: readonly HoboRow[]): void {
  for (const row of rows) {
    const sn = String(row.logger_sn);
    const t = rowTime(row);
    const mark = marks[sn];
    if (!mark || t > mark.ts) marks[sn] = { ts: t, keys: [rowKey(row)] };
    else if (t === mark.ts && !mark.keys.includes(rowKey(row))) mark.keys.push(rowKey(row));
  }
}

/**
 * After a successful poll, every asked logger without a mark yet gets one at the poll's start
 * (no keys: nothing at that instant was emitted), so the next poll asks from there and a backlog
 * the logger uploads later is not skipped. Returns whether a mark was added.
 */
export function markSilentLoggers(marks: Marks, serials: readonly string[], start: Date): boolean {
  let added = false;
  for (const sn of serials) {
    if (marks[sn]) continue;
    marks[sn] = { ts: start.getTime(), keys: [] };
    added = true;
  }
  return added;
}
