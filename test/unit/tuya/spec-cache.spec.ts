import { strict as assert } from "node:assert";
import { ApiError } from "../../../src/core/errors";
import { SpecificationCache } from "../../../src/tuya/spec-cache";

describe("Tuya specification cache (one per client, shared by every node of a config)", () => {
  let clock = 0;
  const calls: string[] = [];
  const fetch = async (id: string) => {
    calls.push(id);
    await new Promise((r) => setImmediate(r));
    if (id === "nospec") throw new ApiError({ platform: "tuya", code: 2009, serviceMessage: "not support this device" });
    if (id === "busy") throw new ApiError({ platform: "tuya", code: 1010, serviceMessage: "token invalid" });
    return { id };
  };
  beforeEach(() => {
    clock = 0;
    calls.length = 0;
  });

  it("three nodes asking at once fetch each device once; later asks inside the expiry fetch nothing", async () => {
    const cache = new SpecificationCache(fetch, 1000, () => clock);
    const [a, b, c] = await Promise.all([cache.lookup(["d1", "d2"]), cache.lookup(["d1"]), cache.lookup(["d2", "d1"])]);
    assert.deepEqual(calls.sort(), ["d1", "d2"]);
    assert.deepEqual([a.specs.get("d1"), b.specs.get("d1"), c.specs.get("d2")], [{ id: "d1" }, { id: "d1" }, { id: "d2" }]);
    clock = 999;
    await cache.lookup(["d1"]);
    assert.equal(calls.length, 2);
    clock = 1000;
    await cache.lookup(["d1"]);
    assert.deepEqual(calls, ["d1", "d2", "d1"], "fetched again after the expiry");
  });

  it("a device without a spec (2009) is reported and remembered; any other error fails and is not remembered", async () => {
    const cache = new SpecificationCache(fetch, 1000, () => clock);
    const first = await cache.lookup(["nospec", "d1"]);
    assert.match(first.failed.get("nospec") ?? "", /2009/);
    await cache.lookup(["nospec"]);
    assert.equal(calls.filter((c) => c === "nospec").length, 1);
    await assert.rejects(cache.lookup(["busy"]), /1010/);
    await assert.rejects(cache.lookup(["busy"]), /1010/);
    assert.equal(calls.filter((c) => c === "busy").length, 2);
  });
});
