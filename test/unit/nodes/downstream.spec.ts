/**
 * Backpressure of streamed output (nodes/shared/downstream.ts), against a stand-in for Node-RED's
 * hooks and on fake timers: a batch is taken once every delivery of it (and of the same message
 * passed on) has finished; the sender waits while more than `ahead` are untaken, never longer
 * than the stall time, never after its signal fired, and not at all without hooks or wires.
 */
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { DownstreamPace, streamPace, type MessageEvent } from "../../../nodes/shared/downstream";

class Hooks {
  readonly handlers = new Map<string, (event: MessageEvent) => void>();
  add(name: string, fn: (event: MessageEvent) => void): void {
    this.handlers.set(name, fn);
  }
  remove(name: string): void {
    this.handlers.delete(name);
  }
  /** Fires every handler of one hook ("preDeliver", "onComplete"). */
  fire(hook: string, index: number, id = "seq"): void {
    for (const [name, fn] of this.handlers) if (name.startsWith(`${hook}.`)) fn({ msg: { parts: { id, index } } });
  }
}

/** True once the promise has settled (after the pending microtasks ran). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

describe("backpressure of streamed output (nodes/shared/downstream.ts)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  it("waits while more than two batches are untaken; a batch passed on is taken only when the last node finished with it", async () => {
    const hooks = new Hooks();
    const pace = new DownstreamPace(hooks, "seq", true, { ahead: 2 });
    for (const i of [0, 1, 2]) {
      pace.sent(i);
      hooks.fire("preDeliver", i); // routed to a function node
    }
    const room = pace.room();
    assert.equal(await settled(room), false, "three untaken: the sender waits");
    hooks.fire("preDeliver", 0); // the function node passes batch 0 on to a file node...
    hooks.fire("onComplete", 0); // ...and finishes
    assert.equal(await settled(room), false, "the file node has not finished writing batch 0");
    hooks.fire("onComplete", 0, "another sequence");
    assert.equal(await settled(room), false, "another sequence's message counts for nothing");
    hooks.fire("onComplete", 0); // the write is done
    assert.equal(await settled(room), true);
    assert.equal(pace.pending, 2);
    pace.dispose();
    assert.equal(hooks.handlers.size, 0, "the hooks go with the run");
  });

  it("a flow that holds its messages costs at most the stall time per batch", async () => {
    const hooks = new Hooks();
    const pace = new DownstreamPace(hooks, "seq", true, { ahead: 0, stallMs: 60_000 });
    pace.sent(0);
    hooks.fire("preDeliver", 0);
    const room = pace.room();
    await clock.tickAsync(59_999);
    assert.equal(await settled(room), false);
    await clock.tickAsync(1);
    assert.equal(await settled(room), true);
    pace.dispose();
  });

  it("stops waiting when the run's signal fires (the node closes)", async () => {
    const hooks = new Hooks();
    const pace = new DownstreamPace(hooks, "seq", true, { ahead: 0 });
    pace.sent(0);
    const controller = new AbortController();
    const room = pace.room(controller.signal);
    assert.equal(await settled(room), false);
    controller.abort();
    assert.equal(await settled(room), true);
    pace.dispose();
  });

  it("never waits without Node-RED's hooks or with nothing wired to the output", async () => {
    const hooks = new Hooks();
    for (const pace of [
      new DownstreamPace(undefined, "seq", true, { ahead: 0 }),
      streamPace({ hooks }, { wires: [[]] }, "seq", new AbortController().signal).pace,
    ]) {
      pace.sent(0);
      pace.sent(1);
      assert.equal(await settled(pace.room()), true);
      assert.equal(pace.pending, 0);
    }
    assert.equal(hooks.handlers.size, 0, "no hook registered for an unwired output");
    const wired = streamPace({ hooks }, { wires: [["n2"]] }, "seq", new AbortController().signal).pace;
    assert.equal(hooks.handlers.size, 2);
    wired.dispose();
  });
});
