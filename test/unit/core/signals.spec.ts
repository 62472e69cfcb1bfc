// Cancellation plumbing: linked signals fire when any source does and clean up after themselves;
// abortable() stops a caller waiting without leaving the shared promise's rejection unhandled.
import assert from "node:assert/strict";
import { isAbortError } from "../../../src/core/errors";
import { abortable, linkSignals } from "../../../src/core/signals";

describe("core/signals", () => {
  it("a linked signal fires when any of its sources does, and dispose() aborts it", () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const first = linkSignals(a.signal, undefined, b.signal);
    assert.equal(first.signal.aborted, false);
    b.abort();
    assert.equal(first.signal.aborted, true);
    const second = linkSignals(a.signal);
    second.dispose();
    assert.equal(second.signal.aborted, true);
    assert.equal(a.signal.aborted, false, "disposing never aborts a source");
  });

  it("a linked signal of an already aborted source starts aborted", () => {
    const done = new AbortController();
    done.abort();
    assert.equal(linkSignals(done.signal).signal.aborted, true);
  });

  it("abortable() resolves with the promise, or rejects with AbortError when the signal fires first", async () => {
    const ctrl = new AbortController();
    assert.equal(await abortable(Promise.resolve(7), ctrl.signal), 7);
    const pending = abortable(new Promise(() => undefined), ctrl.signal);
    ctrl.abort();
    await assert.rejects(pending, (err: unknown) => isAbortError(err));
  });

  it("abortable() with an aborted signal leaves no unhandled rejection when the promise fails later", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const ctrl = new AbortController();
      ctrl.abort();
      let fail: (err: Error) => void = () => undefined;
      const shared = new Promise<never>((_resolve, reject) => (fail = reject));
      await assert.rejects(abortable(shared, ctrl.signal), (err: unknown) => isAbortError(err));
      fail(new Error("Tuya 1004 sign invalid"));
      // Node reports unhandled rejections after the microtask queue drains: give it a turn.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
