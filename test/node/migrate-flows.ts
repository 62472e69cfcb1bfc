/**
 * What the migrate specs compare: one run of a deployed node under test ("n1", fed by a message,
 * its end heard by a Complete node) as what it sent, what a Catch node got, how it ended on its
 * status and what the emulator was asked; the values that differ between two equal runs (message
 * ids, the node's own clock) taken out.
 */
import type { NodeStatus } from "node-red";
import type sinon from "sinon";
import { recordEmissions } from "../support/emissions";
import { helper } from "../support/node-red";
import { runNode } from "../support/node-runs";

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

/** n1's statuses so far (the helper spies on every node's status). */
export function statusesOfN1(): NodeStatus[] {
  const n1 = helper.getNode("n1");
  return (n1.status as unknown as sinon.SinonSpy)
    .getCalls()
    .filter((c) => c.thisValue === n1)
    .map((c) => c.args[0] as NodeStatus);
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
 * afterwards (its emissions recorded for the secret scan first).
 */
export async function behaviour(
  load: () => Promise<void>,
  msg: Record<string, unknown>,
  requests: RequestLog,
  volatile: readonly string[] = [],
): Promise<Behaviour> {
  await load();
  const before = requests.snapshot();
  const run = await runNode<Record<string, unknown>>({ _msgid: "m1", ...msg });
  const last = statusesOfN1().at(-1);
  const result: Behaviour = {
    out: run.out.map((m) => without(m, ["_msgid", ...volatile])),
    caught: run.caught ? String((run.caught.error as { message?: string } | undefined)?.message) : undefined,
    // The status text ends with the time of day the run ended.
    status: last && { fill: last.fill, shape: last.shape, text: String(last.text ?? "").replace(/\b\d{1,2}:\d{2}(:\d{2})?\b/g, "<time>") },
    requests: requests.since(before),
  };
  recordEmissions(helper);
  await helper.unload();
  return result;
}
