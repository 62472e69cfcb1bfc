/**
 * What every cell of the fault matrix asserts about a run: the outcome the matrix expects
 * (recovered in the same run, or exactly one clear error), the node's status, and no rejection
 * left unhandled anywhere in the process while the suite ran.
 */
import assert from "node:assert/strict";
import type { NodeStatus } from "node-red";
import { recordEmissions } from "../support/emissions";
import { helper } from "../support/node-red";
import { probe, type CaughtMsg, type Msg } from "../support/probe";
import type { Expect } from "./matrix";

export type { Msg };

/** Collects unhandled rejections for the whole suite and fails the test during which one surfaced. */
export function trapUnhandledRejections(): void {
  const seen: unknown[] = [];
  const trap = (reason: unknown) => seen.push(reason);
  before(() => process.on("unhandledRejection", trap));
  after(() => process.off("unhandledRejection", trap));
  afterEach(async () => {
    // A rejection is reported after the microtask queue drains: let it surface before looking.
    await new Promise((resolve) => setImmediate(resolve));
    const found = seen.splice(0);
    assert.deepEqual(found.map(String), [], "no unhandled rejection");
  });
}

export interface Run {
  out: Msg[];
  caught?: CaughtMsg;
  /** n1's error() calls during the run. */
  errors: number;
  /** n1's last status after the run. */
  status?: NodeStatus;
}

const n1 = probe("n1");

/** Sends msg to n1 (the probe's flow, support/probe.ts) and collects the run with n1's errors and last status. */
export async function runWithProbes(msg: Record<string, unknown> = { payload: 1 }): Promise<Run> {
  const errorsBefore = n1.errors().length;
  const result = await n1.run(msg);
  // The node's own error() and its status follow done(err) in the same tick.
  await new Promise((resolve) => setImmediate(resolve));
  return { ...result, errors: n1.errors().length - errorsBefore, status: n1.lastStatus() };
}

export const errorText = (run: Run): string => String(run.caught?.error.message);

/** The run ended as the matrix says: recovered (no error, green dot) or failed with exactly one clear error (red). */
export function assertOutcome(run: Run, expect: Expect, label: string): void {
  if (expect === "recovers") {
    assert.equal(run.caught, undefined, `${label}: recovered in the same run, but: ${errorText(run)}`);
    assert.equal(run.errors, 0, `${label}: no error`);
    assertGreen(run, label);
    return;
  }
  assert.ok(run.caught, `${label}: the run fails with an error a Catch node gets`);
  assert.equal(run.errors, 1, `${label}: exactly one error`);
  const text = errorText(run);
  assert.ok(text.length > 10 && !/\[object Object\]|undefined/.test(text), `${label}: a clear error, not "${text}"`);
  assert.ok(run.caught.errorDetails, `${label}: msg.errorDetails for the Catch node`);
  assert.equal(run.status?.fill, "red", `${label}: a red status while failed`);
}

export function assertGreen(run: Run, label: string): void {
  assert.deepEqual([run.status?.fill, run.status?.shape], ["green", "dot"], `${label}: the status is green (${JSON.stringify(run.status)})`);
}

/** Every key once: returns the keys seen more than once (for "nothing repeated"). */
export function repeated(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
}

/** Waits (polling between the emulator's answers) until cond holds; throws after `limit` looks (a bound, not a timing). */
export async function until(cond: () => boolean, what: () => string, limit = 2000): Promise<void> {
  for (let i = 0; i < limit && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!cond()) throw new Error(`gave up waiting for ${what()}`);
}

/**
 * Sends msg to n1 and unloads the flow (a redeploy) once `when` holds for what reached h1 so far
 * (or for the emulator's counters); returns what was sent before the redeploy.
 */
export async function redeployWhen(when: (sent: Msg[]) => boolean, msg: Record<string, unknown>): Promise<Msg[]> {
  const sent: Msg[] = [];
  helper.getNode("h1").on("input", (m: Msg) => sent.push(m));
  helper.getNode("n1").receive(msg as never);
  await until(
    () => when(sent),
    () => "the point of the redeploy",
  );
  recordEmissions(helper);
  await helper.unload();
  return sent;
}
