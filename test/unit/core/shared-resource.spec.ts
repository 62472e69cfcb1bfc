// A resource several users share (tuya-events' message-service consumer on one tuya-config):
// made once by the first user, closed by the last one to leave or by the owner, and refused after
// the owner closed it, so a late user after a redeploy cannot open what nothing would close.
import assert from "node:assert/strict";
import { SharedResource } from "../../../src/core/shared-resource";

describe("core/shared-resource", () => {
  function counted() {
    const log = { made: 0, disposed: 0 };
    let n = 0;
    const shared = new SharedResource(
      () => {
        log.made++;
        return { id: ++n };
      },
      async () => {
        log.disposed++;
      },
      () => new Error("closed with its config"),
    );
    return { shared, log };
  }

  it("makes one resource for every user and closes it when the last one leaves; the next user gets a new one", async () => {
    const { shared, log } = counted();
    const a = shared.acquire();
    const b = shared.acquire();
    assert.equal(a, b);
    assert.equal(log.made, 1);
    await shared.release();
    assert.equal(log.disposed, 0, "one user is left");
    assert.equal(shared.active, a);
    await shared.release();
    assert.deepEqual([log.disposed, shared.active], [1, undefined]);
    assert.notEqual(shared.acquire(), a);
    assert.equal(log.made, 2);
  });

  it("closed by its owner: disposed whoever still uses it, and every later acquire is refused", async () => {
    const { shared, log } = counted();
    shared.acquire();
    shared.acquire();
    await shared.close();
    assert.equal(log.disposed, 1);
    assert.throws(() => shared.acquire(), /closed with its config/);
    await shared.release();
    assert.deepEqual(log, { made: 1, disposed: 1 });
  });

  it("a make that throws counts no user and leaves nothing open", async () => {
    let fail = true;
    const shared = new SharedResource(
      () => {
        if (fail) throw new Error("no credentials");
        return {};
      },
      async () => undefined,
    );
    assert.throws(() => shared.acquire(), /no credentials/);
    assert.equal(shared.active, undefined);
    fail = false;
    const r = shared.acquire();
    await shared.release();
    assert.equal(shared.active, undefined, "the one real user left");
    assert.ok(r);
  });
});
