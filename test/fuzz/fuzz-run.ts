/**
 * Sends generated messages through the node under test ("n1", with the probe nodes of
 * test/support/probe.ts: output h1, Catch -> h2, Complete -> h3) and accounts for how each
 * one ended. Valid messages go in concurrent batches; the invalid ones (by the library's own
 * validators, decided by the caller) go one at a time with the emulator's request counter read
 * around each, so a request made for bad input is pinned to the message that made it.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTime, parseWindow } from "../../src/core/time";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { serialize } from "../support/emissions";
import { helper } from "../support/node-red";

/**
 * An emulator and the helper's server for a fuzz suite, the flow unloaded after each test. Not the
 * node suites' hooks (test/support/*-suite.ts): those add everything the nodes emitted to the
 * run's transcript for the root secret scan, which for 8,000 messages carrying strings of up to
 * 100 kB would hold and search gigabytes. The fuzz suites scan their own emissions (leaks below).
 */
export function useFuzzEmulator<E extends { start(): Promise<unknown>; stop(): Promise<void> }>(create: () => E): () => E {
  let emu: E | undefined;
  before(async () => {
    emu = create();
    await emu.start();
    await helper.startServer();
  });
  afterEach(() => helper.unload());
  after(async () => {
    await helper.stopServer();
    await emu?.stop();
  });
  return () => {
    if (!emu) throw new Error("the emulator is started in the suite's before hook");
    return emu;
  };
}

/** The local_key of every emulated Tuya device (the emulator's own record; the cloud hands it out with device details). */
export function localKeys(emu: TuyaEmulator): string[] {
  return (emu as unknown as { project: { devices: { localKey: string }[] } }).project.devices.map((d) => d.localKey);
}

/** Messages per node, as issue 12 asks; FUZZ_SEED replays another sample. */
export const RUNS = 1000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** RUNS values of the arbitrary, the same ones on every run (a fixed seed). */
export function sample<T>(arb: fc.Arbitrary<T>): T[] {
  return fc.sample(arb, { numRuns: RUNS, seed: SEED });
}

/** True when fn throws: the library refuses the input. */
export function refuses(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

/** An absolute window as the history nodes read it: a start is required, the end defaults to now. */
export function windowRefused(w: { start?: unknown; end?: unknown }): boolean {
  return refuses(() => {
    if (w.start === undefined || w.start === "") throw new Error("no start");
    parseWindow(w.start, parseTime(w.end === undefined || w.end === "" ? "now" : w.end, { name: "end" }));
  });
}

/** Runs the cases and asserts the node kept every promise, on a sample that mixed valid and invalid input. */
export async function assertFuzzKept(cases: FuzzCase[], o: FuzzOptions): Promise<FuzzReport> {
  const report = await fuzzNode(cases, o);
  assert.deepEqual(report.problems.slice(0, 20), [], `${report.problems.length} problem(s)`);
  assert.equal(report.completed + report.caught, cases.length, "every message ended once");
  assert.ok(report.invalid > cases.length / 10 && report.invalid < cases.length * 0.9, `a mix of valid and invalid input (${report.invalid} invalid)`);
  assert.ok(report.completed > 0 && report.requests > 0, `valid input reached the emulator (${report.completed} completed, ${report.requests} requests)`);
  console.log(`      ${report.cases} messages: ${report.invalid} invalid, ${report.completed} completed, ${report.caught} caught, ${report.requests} requests`);
  return report;
}

export interface FuzzCase {
  msg: Record<string, unknown>;
  /** True when the library's validators refuse the input: the node must fail before any request. */
  invalid: boolean;
}

export interface FuzzOptions {
  /** Requests the emulator has received so far. */
  requests: () => number;
  /** Strings no message, status or log line may hold (credentials, every token issued, device keys). */
  secrets: () => string[];
  /** Valid messages in flight at once (default 20). */
  batch?: number;
  /** Longest wait for one batch to end (a message that never ends is reported, not waited for). */
  batchTimeoutMs?: number;
}

export interface FuzzReport {
  cases: number;
  invalid: number;
  completed: number;
  caught: number;
  /** Requests the emulator received during the run. */
  requests: number;
  /** Every broken promise, one line each (empty when the node kept them all). */
  problems: string[];
}

type Listener = (msg: never) => void;
interface Probe {
  on(event: "input", fn: Listener): unknown;
  removeListener(event: "input", fn: Listener): unknown;
}

/** A short, cycle-safe picture of a message for a problem line. */
function show(msg: Record<string, unknown>): string {
  const text = serialize({ ...msg, _msgid: undefined }) ?? String(msg);
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
}

export async function fuzzNode(cases: FuzzCase[], o: FuzzOptions): Promise<FuzzReport> {
  const [h2, h3] = [helper.getNode("h2") as unknown as Probe, helper.getNode("h3") as unknown as Probe];
  const ends = new Map<string, { completes: number; catches: number; error?: { name?: string; message?: string } }>();
  const waiting = new Map<string, () => void>();
  const problems: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const ended = (kind: "completes" | "catches") => (m: Record<string, unknown>) => {
    const id = String(m._msgid);
    const e = ends.get(id) ?? { completes: 0, catches: 0 };
    e[kind] += 1;
    if (kind === "catches") e.error = m.errorDetails as { name?: string; message?: string };
    ends.set(id, e);
    waiting.get(id)?.();
  };
  const onCaught = ended("catches") as Listener;
  const onComplete = ended("completes") as Listener;
  h2.on("input", onCaught);
  h3.on("input", onComplete);
  process.on("unhandledRejection", onRejection);
  const startRequests = o.requests();
  const n1 = helper.getNode("n1");
  const ids = cases.map((_, i) => `fuzz-${i}`);

  /** Sends the cases and resolves once each has ended once (or the batch timed out). */
  const send = async (indexes: number[]): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(
      indexes.map((i) => {
        const id = ids[i];
        const msg = cases[i].msg;
        msg._msgid = id;
        return new Promise<void>((resolve) => {
          if (ends.has(id)) resolve();
          else waiting.set(id, resolve);
          n1.receive(msg as never);
        });
      }),
    );
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, o.batchTimeoutMs ?? 30_000)));
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    for (const i of indexes) waiting.delete(ids[i]);
  };

  try {
    const valid = cases.flatMap((c, i) => (c.invalid ? [] : [i]));
    const invalid = cases.flatMap((c, i) => (c.invalid ? [i] : []));
    const size = o.batch ?? 20;
    for (let b = 0; b < valid.length; b += size) await send(valid.slice(b, b + size));
    for (const i of invalid) {
      const before = o.requests();
      await send([i]);
      if (o.requests() !== before) problems.push(`${o.requests() - before} request(s) for invalid input ${show(cases[i].msg)}`);
      const e = ends.get(ids[i]);
      if (e?.catches && e.error?.name !== "InputError")
        problems.push(`invalid input ended in ${e.error?.name ?? "?"} (not InputError): ${e.error?.message ?? ""} for ${show(cases[i].msg)}`);
    }
    // A second ending (a late done, a second error) would arrive within a few turns of the first.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    h2.removeListener("input", onCaught);
    h3.removeListener("input", onComplete);
    process.off("unhandledRejection", onRejection);
  }

  let completed = 0;
  let caught = 0;
  cases.forEach((c, i) => {
    const e = ends.get(ids[i]) ?? { completes: 0, catches: 0 };
    completed += e.completes;
    caught += e.catches;
    if (e.completes + e.catches !== 1) problems.push(`${e.completes} completion(s) and ${e.catches} caught error(s) for ${show(c.msg)}`);
    else if (c.invalid && e.completes) problems.push(`invalid input completed without an error: ${show(c.msg)}`);
  });
  for (const r of rejections) problems.push(`unhandled rejection: ${r instanceof Error ? r.stack : String(r)}`);
  problems.push(...leaks(o.secrets()));
  if (Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")) problems.push("Object.prototype was polluted");
  return { cases: cases.length, invalid: cases.filter((c) => c.invalid).length, completed, caught, requests: o.requests() - startRequests, problems };
}

type SpyLike = { args?: unknown[][] };

/** Secrets found in what any node sent, showed or logged since the flow was loaded (the helper's spies). */
export function leaks(secrets: string[]): string[] {
  const proto = (helper as unknown as { _NodePrototype?: Record<string, SpyLike> })._NodePrototype;
  const log = (helper as unknown as { _logSpy?: SpyLike })._logSpy;
  const sources: [string, SpyLike | undefined][] = [
    ...["send", "status", "log", "warn", "error"].map((m): [string, SpyLike | undefined] => [m, proto?.[m]]),
    ["runtime-log", log],
  ];
  const found: string[] = [];
  for (const [name, spy] of sources) {
    for (const args of spy?.args ?? []) {
      const text = serialize(args) ?? "";
      for (const s of secrets) if (s && text.includes(s)) found.push(`${name} holds a secret (${s.slice(0, 3)}…): ${text.slice(0, 160)}`);
    }
  }
  return found;
}
