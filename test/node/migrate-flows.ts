/**
 * What the migrate specs compare: one run of a deployed node under test ("n1" with probe.ts's
 * probe nodes) as what it sent, what a Catch node got, how it ended on its status and what the
 * emulator was asked; the values that differ between two equal runs (message ids, the node's own
 * clock) taken out.
 */
import assert from "node:assert/strict";
import type { NodeStatus } from "node-red";
import { migrate, type MigratedType } from "../../nodes/shared/migrate";
import { helper } from "../support/node-red";
import { probe } from "../support/probe";

type Config = Record<string, unknown>;

export interface Behaviour {
  out: unknown[];
  caught?: string;
  /** The node's last status (its clock taken out of the text). */
  status?: { fill?: string; shape?: string; text?: string };
  requests: unknown;
}

/** value without the keys named (at any depth): message ids, times the node took from its own clock. */
export function without(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => without(v, keys));
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !keys.includes(k))
      .map(([k, v]) => [k, without(v, keys)]),
  );
}

/** Counts per request kind, after minus before (kinds not asked meanwhile are left out). */
export function countsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).flatMap(([k, n]) => (n - (before[k] ?? 0) > 0 ? [[k, n - (before[k] ?? 0)]] : [])));
}

/** What the emulator was asked: a snapshot before the run, and what came since. */
export interface RequestLog {
  snapshot(): unknown;
  since(before: unknown): unknown;
}

/**
 * Loads a flow, sends n1 msg and describes the run: output and caught error without the volatile
 * keys, n1's last status, and what the emulator was asked meanwhile. The flow is unloaded
 * afterwards.
 */
export async function behaviour(
  load: () => Promise<void>,
  msg: Record<string, unknown>,
  requests: RequestLog,
  volatile: readonly string[] = [],
): Promise<Behaviour> {
  await load();
  const n1 = probe("n1");
  const before = requests.snapshot();
  const run = await n1.run(msg);
  const last = n1.lastStatus();
  const result: Behaviour = {
    out: run.out.map((m) => without(m, ["_msgid", ...volatile])),
    caught: run.caught?.error.message,
    // The status text ends with the time of day the run ended.
    status: last && { fill: last.fill, shape: last.shape, text: String(last.text ?? "").replace(/\b\d{1,2}:\d{2}(:\d{2})?\b/g, "<time>") },
    requests: requests.since(before),
  };
  await helper.unload();
  return result;
}

/**
 * The old config migrates to the current one, and deployed (by `load`, as n1 or as the config
 * node n1 uses) the two ask, send and end alike. Returns the current config's run.
 */
export async function assertSameBehaviour(
  type: MigratedType,
  configs: { old: Config; current: Config },
  load: (config: Config) => Promise<void>,
  msg: Config,
  requests: RequestLog,
  volatile: readonly string[] = [],
): Promise<Behaviour> {
  assert.deepEqual(migrate(type, configs.old), configs.current, "the old config migrates to the current one");
  const was = await behaviour(() => load(configs.old), msg, requests, volatile);
  const now = await behaviour(() => load(configs.current), msg, requests, volatile);
  assert.deepEqual(was, now);
  return now;
}

/** A run that did its job: something sent, nothing caught, a green status, the emulator asked. */
export function assertDone(run: Behaviour): void {
  assert.equal(run.caught, undefined);
  assert.ok(run.out.length > 0, "something was sent");
  assert.equal(run.status?.fill, "green");
  assert.ok(Object.keys(run.requests as object).length > 0, "the emulator was asked");
}

/** Deployed without credentials (by `load`), the old config's users show the same grey "not configured" ring as the current one's. */
export async function assertSameNotConfigured(configs: { old: Config; current: Config }, load: (config: Config) => Promise<void>): Promise<void> {
  const ringOf = async (config: Config): Promise<NodeStatus | undefined> => {
    await load(config);
    const last = probe("n1").lastStatus();
    await helper.unload();
    return last;
  };
  const was = await ringOf(configs.old);
  assert.deepEqual(was, await ringOf(configs.current));
  assert.deepEqual([was?.fill, was?.shape], ["grey", "ring"]);
}
