/**
 * tuya-info through the test helper against the Tuya emulator: each kind of question, msg.what
 * overriding the dialog, one device vs several (keyed by id), and errors reaching a Catch node.
 */
import assert from "node:assert/strict";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { loadTuyaFlow, useTuyaEmulator } from "../support/tuya-suite";
import { helper } from "../support/node-red";
import { probe } from "../support/probe";
import { editorDefaults } from "./tuya-editor-defaults";
import { TuyaOpenApi } from "../../src/tuya";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaInfo from "../../nodes/tuya-info";

describe("tuya-info node", () => {
  let emu: TuyaEmulator;
  const plug = () => emu.devices[0].id;
  const climate = () => emu.devices[2].id;

  const emulator = useTuyaEmulator();
  before(() => {
    emu = emulator();
  });

  async function load(props: Record<string, unknown>, withConfig = true): Promise<void> {
    await loadTuyaFlow(emu, [tuyaConfig, tuyaInfo], { type: "tuya-info", what: "details", devices: "devices", devicesType: "msg", ...props }, { withConfig });
  }

  const n1 = probe("n1");
  /** Sends msg and resolves, once the run ended (Complete or Catch), with its one output message or the caught one. */
  const run = (msg: Record<string, unknown>) => n1.one(msg);

  it("with only a type and a config it behaves as the editor's defaults say (details of msg.devices)", async () => {
    const d = editorDefaults("tuya-info");
    assert.deepEqual([d.what, d.devicesType], ["details", "msg"]);
    await loadTuyaFlow(emu, [tuyaConfig, tuyaInfo], { type: "tuya-info" });
    const { out, caught } = await run({ [String(d.devices)]: plug() });
    assert.equal(caught, undefined, String(caught?.error.message));
    assert.equal((out?.payload as { id: string; category: string }).id, plug());
    assert.equal((out?.payload as { category: string }).category, "cz", "the device details");
  });

  it("no device's local_key (its LAN control key) in details, several details or the device list", async () => {
    // The keys as Tuya hands them out (a direct client call, raw).
    const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret });
    const keys = await Promise.all(emu.devices.map(async (d) => (await api.get<{ local_key?: string }>(`/v1.0/iot-03/devices/${d.id}`)).result.local_key));
    await api.close();
    assert.ok(keys.every((k) => typeof k === "string" && k.length >= 8));
    const leaks = (value: unknown) => keys.filter((k) => k !== undefined && JSON.stringify(value).includes(k));
    await load({});
    const one = await run({ devices: plug() });
    assert.equal(typeof (one.out?.payload as { id?: string }).id, "string");
    assert.deepEqual(leaks(one.out), []);
    const several = await run({ devices: emu.devices.map((d) => d.id) });
    assert.deepEqual(leaks(several.out), []);
    await helper.unload();
    await load({ what: "list" });
    const list = await run({});
    assert.ok((list.out?.payload as unknown[]).length >= emu.devices.length);
    assert.deepEqual(leaks(list.out), []);
  });

  it("a circular object as input ends in one InputError, nothing sent", async () => {
    await load({});
    const circular: Record<string, unknown> = { id: 42 };
    circular.self = circular;
    const before = emu.stats.requests;
    const { out, caught } = await run({ devices: circular });
    assert.equal(out, undefined);
    assert.equal(caught?.errorDetails.name, "InputError");
    assert.equal(emu.stats.requests, before);
  });

  it("device details for one device: the result itself, msg.topic = name or id", async () => {
    await load({});
    const { out } = await run({ devices: { Plug: plug() } });
    assert.equal((out?.payload as { id: string }).id, plug());
    assert.equal(out?.topic, "Plug");
  });

  it("device details for several devices: an object keyed by device id (one batched request)", async () => {
    await load({});
    const before = emu.stats.requests;
    const { out } = await run({ devices: [plug(), climate()] });
    const byId = out?.payload as Record<string, { id: string; category: string }>;
    assert.deepEqual(Object.keys(byId), [plug(), climate()]);
    assert.equal(byId[climate()].category, "wsdcg");
    assert.ok(emu.stats.requests - before <= 2, "one batch request (plus a token grant)");
  });

  it("functions of a device", async () => {
    await load({ what: "functions", devices: plug(), devicesType: "str" });
    const { out } = await run({});
    const fns = (out?.payload as { functions: { code: string }[] }).functions.map((f) => f.code);
    assert.deepEqual(fns, ["switch_1", "countdown_1"]);
  });

  it("specification of several devices, keyed by id", async () => {
    await load({ what: "specification" });
    const { out } = await run({ devices: [plug(), climate()] });
    const spec = out?.payload as Record<string, { category: string; status: { code: string }[] }>;
    assert.equal(spec[climate()].category, "wsdcg");
    assert.ok(spec[climate()].status.some((s) => s.code === "va_temperature"));
  });

  it("factory info, batched and keyed by id", async () => {
    await load({ what: "factory" });
    const { out } = await run({ devices: [plug(), climate()] });
    const info = out?.payload as Record<string, { id: string; mac: string }>;
    assert.equal(info[plug()].id, plug());
    assert.ok(info[climate()].mac);
  });

  for (const what of ["details", "factory"]) {
    it(`${what} with an id Tuya leaves out: its entry is null and named in msg.missing, no other device's entry`, async () => {
      await load({ what });
      const foreign = "eb0000000000000000nope";
      // The foreign id first: a positional fallback would give it the plug's entry.
      const { out } = await run({ devices: [foreign, plug()] });
      const byId = out?.payload as Record<string, { id: string } | null>;
      assert.equal(byId[foreign], null);
      assert.equal(byId[plug()]?.id, plug());
      assert.deepEqual(out?.missing, [foreign]);
      assert.deepEqual(n1.lastStatus(), { fill: "yellow", shape: "ring", text: `${what} · 1 of 2 missing` });
    });
  }

  it("category functions (no devices needed); msg.topic = the category", async () => {
    await load({ what: "category", category: "dj", categoryType: "str", devices: "" });
    const { out } = await run({});
    assert.equal(out?.topic, "dj");
    assert.ok((out?.payload as { functions: { code: string }[] }).functions.some((f) => f.code === "switch_led"));
  });

  it("the project's device list", async () => {
    await load({ what: "list" });
    const { out } = await run({ payload: "go" });
    const list = out?.payload as { id: string; name: string }[];
    assert.deepEqual(list.map((d) => d.id).sort(), emu.devices.map((d) => d.id).sort());
  });

  it("msg.what overrides the dialog", async () => {
    await load({ what: "details" });
    const { out } = await run({ what: "list" });
    assert.equal((out?.payload as unknown[]).length, emu.devices.length);
  });

  it("an unknown msg.what is an error before any request", async () => {
    await load({});
    const before = emu.stats.requests;
    const { out, caught } = await run({ what: "everything", devices: plug() });
    assert.equal(out, undefined);
    assert.match(String(caught?.error.message), /msg\.what/);
    assert.equal(emu.stats.requests, before);
  });

  it("a bad category code is an error", async () => {
    await load({ what: "category", category: "no such!", categoryType: "str" });
    const { caught } = await run({});
    assert.match(String(caught?.error.message), /category code/);
  });

  it("a Tuya error (1106) reaches the Catch node with errorDetails and a red status", async () => {
    await load({});
    emu.faults.failNext(1, { code: 1106, path: "/devices/" });
    const { out, caught } = await run({ devices: plug() });
    assert.equal(out, undefined);
    assert.equal(caught?.errorDetails.code, 1106);
    assert.deepEqual(n1.lastStatus(), { fill: "red", shape: "ring", text: "Tuya 1106: permission deny" });
  });

  it("without a config node: red ring and an error per message", async () => {
    await load({}, false);
    assert.deepEqual(n1.statuses(), [{ fill: "red", shape: "ring", text: "no config node" }]);
    const { caught } = await run({ devices: plug() });
    assert.match(String(caught?.error.message), /No tuya-config/);
  });
});
