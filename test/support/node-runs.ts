/**
 * Runs of a history node under test (hobo-data, tuya-log): one run collected to its end, a run
 * cut short by a redeploy, and the persistent context store incremental runs keep their marks in. The run flow: the node is n1 on tab t1, its output goes
 * to helper h1, a Catch node feeds h2 and a Complete node scoped to n1 feeds h3.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordEmissions } from "./emissions";
import { collectUntilDone, helper, runtimeModule } from "./node-red";

/** The nodes after n1 that see how a run ends: output h1, Catch -> h2, Complete -> h3. */
export function runProbes(): Record<string, unknown>[] {
  return [
    { id: "h1", type: "helper", z: "t1" },
    { id: "c1", type: "catch", z: "t1", scope: null, uncaught: false, wires: [["h2"]] },
    { id: "h2", type: "helper", z: "t1" },
    { id: "d1", type: "complete", z: "t1", scope: ["n1"], uncaught: false, wires: [["h3"]] },
    { id: "h3", type: "helper", z: "t1" },
  ];
}

/**
 * Sends msg to n1 and collects what reaches h1 until the Complete node hears n1 is done (h3) or
 * the Catch node gets its error (h2, returned as `caught`).
 */
export function runNode<M>(msg: Record<string, unknown> = { payload: "go" }): Promise<{ out: M[]; caught?: M }> {
  return collectUntilDone<M>(helper.getNode("n1"), helper.getNode("h1"), helper.getNode("h2"), msg, helper.getNode("h3"));
}

/**
 * Registers hooks that give each test a fresh directory for a "file" context store (memory stays
 * the default) and returns the helper settings for it. The store's data survives helper.unload(),
 * which otherwise cleans every store as if all nodes had been deleted (a real restart does not).
 */
export function usePersistentContext(prefix: string): () => Record<string, unknown> {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    helper.settings({});
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error("the context directory is made in the suite's beforeEach hook");
    const localfilesystem = runtimeModule("@node-red/runtime/lib/nodes/context/localfilesystem") as (config: unknown) => object;
    const module = (config: unknown) => Object.assign(localfilesystem(config), { clean: () => Promise.resolve() });
    return { contextStorage: { default: { module: "memory" }, file: { module, config: { dir, cache: false } } } };
  };
}

/** Loads the context stores of the settings given to helper.settings() (call after helper.load()). */
export async function loadContextStores(): Promise<void> {
  await (helper as unknown as { _redNodes: { loadContextsPlugin(): Promise<void> } })._redNodes.loadContextsPlugin();
}

/**
 * Sends n1 a message, unloads the flow (a redeploy) as soon as its first message reached h1, and
 * asserts that the node then stops: at most one request already on its way still arrives
 * (`requests` counts what the emulator received), none after that, and no rejection goes
 * unhandled. `settleMs` is how long each look waits (a few of the emulator's latencies).
 */
export async function assertCloseStopsRequests(requests: () => number, settleMs: number): Promise<void> {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const first = new Promise((resolve) => helper.getNode("h1").once("input", resolve));
    helper.getNode("n1").receive({ payload: 1 } as never);
    await first;
    recordEmissions(helper);
    await helper.unload();
    const after = requests();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    assert.ok(requests() <= after + 1, "at most a request already on its way");
    const settled = requests();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    assert.equal(requests(), settled, "no further requests");
    assert.deepEqual(rejections, []);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** A run that bad input ended: one InputError matching pattern reached the Catch node, nothing was sent. */
export function assertInputErrorBeforeSending(run: { out: unknown[]; caught?: Record<string, unknown> }, pattern: RegExp): void {
  assert.ok(run.caught, "a Catch node gets the error");
  assert.match(String((run.caught.error as { message: string }).message), pattern);
  assert.equal((run.caught.errorDetails as { name: string }).name, "InputError");
  assert.equal(run.out.length, 0, "nothing was sent");
}
