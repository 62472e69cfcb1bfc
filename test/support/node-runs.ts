/**
 * Runs of a history node under test (hobo-data, tuya-log): a run cut short by a redeploy, bad
 * input refused before any request, and the persistent context store incremental runs keep their
 * marks in. The flow is probe.ts's: the node is n1 on tab t1, its output goes to helper h1, a
 * Catch node feeds h2 and a Complete node scoped to n1 feeds h3.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helper, runtimeModule } from "./node-red";
import type { NodeRun } from "./probe";

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
 * asserts that the node then stops: at most the requests already on their way still arrive (one
 * per request the config lets run at once: `inFlight`; `requests` counts what the emulator
 * received, so on a loaded machine a request sent before the close may arrive after it), none
 * after that, and no rejection goes unhandled. `settleMs` is how long each look waits.
 */
export async function assertCloseStopsRequests(requests: () => number, settleMs: number, inFlight = 1): Promise<void> {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const first = new Promise((resolve) => helper.getNode("h1").once("input", resolve));
    helper.getNode("n1").receive({ payload: 1 } as never);
    await first;
    await helper.unload();
    const after = requests();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    assert.ok(requests() <= after + inFlight, "at most the requests already on their way");
    const settled = requests();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    assert.equal(requests(), settled, "no further requests");
    assert.deepEqual(rejections, []);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** A run that bad input ended: one InputError matching pattern reached the Catch node, nothing was sent. */
export function assertInputErrorBeforeSending(run: NodeRun<unknown>, pattern: RegExp): void {
  assert.ok(run.caught, "a Catch node gets the error");
  assert.match(run.caught.error.message, pattern);
  assert.equal(run.caught.errorDetails.name, "InputError");
  assert.equal(run.out.length, 0, "nothing was sent");
}
