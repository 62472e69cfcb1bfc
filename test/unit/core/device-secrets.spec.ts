// Device secrets (local_key) stripped at any depth; untouched values are returned as they are.
import assert from "node:assert/strict";
import { isDeviceSecretField, withoutDeviceSecrets } from "../../../src/core";

describe("withoutDeviceSecrets", () => {
  it("removes local_key at any depth, in objects and arrays, without changing the input", () => {
    const input = {
      payload: [
        { id: "a", local_key: "k1" },
        { id: "b", info: { localKey: "k2", name: "x" } },
      ],
      topic: "t",
    };
    const out = withoutDeviceSecrets(input);
    assert.deepEqual(out, { payload: [{ id: "a" }, { id: "b", info: { name: "x" } }], topic: "t" });
    assert.equal(input.payload[0].local_key, "k1", "the input is not mutated");
  });

  it("returns an untouched value as is (no copy), and survives cycles and buffers", () => {
    const clean = { payload: [{ id: "a" }], buf: Buffer.from("local_key") };
    assert.equal(withoutDeviceSecrets(clean), clean);
    const cyclic: Record<string, unknown> = { local_key: "k", id: 1 };
    cyclic.self = cyclic;
    const out = withoutDeviceSecrets(cyclic);
    assert.equal("local_key" in out, false);
    assert.equal(out.id, 1);
  });

  it("strips an object met twice both times (the same device under two fields)", () => {
    const device = { id: "a", local_key: "k" };
    const out = withoutDeviceSecrets({ payload: [device], device, nested: { again: device } });
    assert.deepEqual(out, { payload: [{ id: "a" }], device: { id: "a" }, nested: { again: { id: "a" } } });
    assert.equal(out.device, out.payload[0], "one clean copy for one object");
    assert.equal(device.local_key, "k", "the input is not mutated");
  });

  it("keeps the skipped top-level fields (tuya-request's raw payload) and strips the rest", () => {
    const msg = { payload: { local_key: "k" }, extra: { local_key: "k" } };
    assert.deepEqual(withoutDeviceSecrets(msg, new Set(["payload"])), { payload: { local_key: "k" }, extra: {} });
    assert.equal(isDeviceSecretField("LOCAL_KEY"), true);
    assert.equal(isDeviceSecretField("key"), false);
  });
});
