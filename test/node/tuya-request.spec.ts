/**
 * tuya-request through the test helper against the Tuya emulator: signed calls from the dialog
 * or the message, msg.tuya, input checks before sending, writes never repeated, Catch on errors.
 */
import assert from "node:assert/strict";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { loadTuyaFlow, useTuyaEmulator } from "../support/tuya-suite";
import { probe } from "../support/probe";
import { editorDefaults } from "./tuya-editor-defaults";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaRequest from "../../nodes/tuya-request";

describe("tuya-request node", () => {
  let emu: TuyaEmulator;
  const light = () => emu.devices[3].id;

  const emulator = useTuyaEmulator();
  before(() => {
    emu = emulator();
  });

  async function load(props: Record<string, unknown>, withConfig = true): Promise<void> {
    await loadTuyaFlow(emu, [tuyaConfig, tuyaRequest], { type: "tuya-request", method: "GET", path: "", ...props }, { withConfig });
  }

  const n1 = probe("n1");
  /** Sends msg and resolves, once the run ended (Complete or Catch), with its one output message or the caught one. */
  const run = (msg: Record<string, unknown>) => n1.one(msg);

  it("with only a type and a config it behaves as the editor's defaults say (GET, the path from msg.path)", async () => {
    const d = editorDefaults("tuya-request");
    assert.deepEqual([d.method, d.path, d.query, d.body], ["GET", "", "", ""]);
    await loadTuyaFlow(emu, [tuyaConfig, tuyaRequest], { type: "tuya-request" });
    const before = emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}"] ?? 0;
    const { out, caught } = await run({ path: `/v1.0/iot-03/devices/${light()}`, payload: { ignored: true } });
    assert.equal(caught, undefined, String(caught?.error.message));
    assert.equal((out?.payload as { id: string }).id, light());
    assert.equal((emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}"] ?? 0) - before, 1, "a GET");
  });

  it("GET from the dialog: msg.payload = result, msg.tuya = {t, tid}", async () => {
    await load({ path: `/v1.0/iot-03/devices/${light()}` });
    const { out } = await run({ payload: 1, topic: "keep" });
    assert.equal((out?.payload as { id: string }).id, light());
    const tuya = out?.tuya as { t: number; tid: string };
    assert.equal(typeof tuya.t, "number");
    assert.equal(typeof tuya.tid, "string");
    assert.equal(out?.topic, "keep");
  });

  it("the raw answer keeps local_key (its help says so); the other nodes strip it", async () => {
    await load({ path: `/v1.0/iot-03/devices/${light()}` });
    const { out } = await run({});
    const key = (out?.payload as { local_key?: string }).local_key;
    assert.ok(typeof key === "string" && key.length >= 8, "the device's local_key is in the raw answer");
  });

  it("msg.path and msg.query override the dialog; a ?query in the path is read too", async () => {
    await load({ path: "/v1.0/iot-03/devices/nothing" });
    const ids = emu.devices
      .slice(0, 2)
      .map((d) => d.id)
      .join(",");
    const { out } = await run({ path: "/v1.0/iot-03/devices/status", query: { device_ids: ids } });
    assert.deepEqual(
      (out?.payload as { id: string }[]).map((d) => d.id),
      ids.split(","),
    );
    const viaPath = await run({ path: `/v1.0/iot-03/devices/status?device_ids=${ids}` });
    assert.equal((viaPath.out?.payload as unknown[]).length, 2);
  });

  it("POST with msg.payload as the body and msg.method: the command runs once", async () => {
    await load({ path: `/v1.0/iot-03/devices/${light()}/commands` });
    const current = emu.status(light()).find((d) => d.code === "switch_led")?.value as boolean;
    const before = emu.stats.commandsExecuted;
    const { out } = await run({ method: "POST", payload: { commands: [{ code: "switch_led", value: !current }] } });
    assert.equal(out?.payload, true);
    assert.equal(emu.stats.commandsExecuted - before, 1);
    assert.equal(emu.status(light()).find((d) => d.code === "switch_led")?.value, !current);
  });

  it("POST with the dialog's body when msg.payload is not an object", async () => {
    await load({
      method: "POST",
      path: `/v1.0/iot-03/devices/${light()}/commands`,
      body: JSON.stringify({ commands: [{ code: "bright_value_v2", value: 321 }] }),
    });
    await run({ payload: Date.now() });
    assert.equal(emu.status(light()).find((d) => d.code === "bright_value_v2")?.value, 321);
  });

  it("a POST answered by a dropped connection after it ran is not repeated", async () => {
    await load({ method: "POST", path: `/v1.0/iot-03/devices/${light()}/commands` });
    const before = emu.stats.commandsExecuted;
    emu.faults.failNext(1, { dropAfterExecute: true, path: "/commands" });
    const { out, caught } = await run({ payload: { commands: [{ code: "switch_led", value: true }] } });
    assert.equal(out, undefined);
    assert.ok(caught);
    assert.equal(emu.stats.commandsExecuted - before, 1, "executed exactly once");
  });

  for (const [label, msg, pattern] of [
    ["an absolute URL as path", { path: "https://evil.example/v1.0/token" }, /not an OpenAPI path/],
    ["a protocol-relative path", { path: "//evil.example/x" }, /not an OpenAPI path/],
    ["an unknown method", { method: "PATCH", path: "/v1.0/iot-03/devices" }, /not one of GET, POST, PUT, DELETE/],
    ["a query that is not an object", { path: "/v1.0/iot-03/devices", query: "[1,2]" }, /msg\.query/],
  ] as const) {
    it(`rejects ${label} before sending anything`, async () => {
      await load({});
      const before = emu.stats.requests;
      const { out, caught } = await run({ ...msg });
      assert.equal(out, undefined);
      assert.match(String(caught?.error.message), pattern);
      assert.equal(caught?.errorDetails.name, "InputError");
      assert.equal(emu.stats.requests, before);
    });
  }

  it("refuses the token paths: nothing is sent and the shared token pair stays", async () => {
    await load({ path: `/v1.0/iot-03/devices/${light()}` });
    await run({});
    const issued = emu.issuedTokens();
    assert.ok(issued.length >= 2, "the config node holds a token pair");
    const before = emu.stats.requests;
    for (const path of ["/v1.0/token?grant_type=1", "/v1.0/token", "/v1.0/token/made-up-refresh-token"]) {
      const { out, caught } = await run({ path });
      assert.equal(out, undefined, path);
      assert.equal(caught?.errorDetails.name, "InputError", path);
      assert.match(String(caught?.error.message), /token paths/);
    }
    assert.equal(emu.stats.requests, before, "nothing was sent");
    // The pair still works: the next call needs no new grant or refresh.
    const { out } = await run({});
    assert.equal((out?.payload as { id: string }).id, light());
    assert.deepEqual(emu.issuedTokens(), issued);
  });

  it("a Tuya error reaches the Catch node with errorDetails (code, hint) and a red status", async () => {
    await load({ path: `/v1.0/iot-03/devices/${light()}` });
    emu.faults.failNext(1, { code: 1106, path: "/devices/" });
    const { out, caught } = await run({});
    assert.equal(out, undefined);
    const details = caught?.errorDetails;
    assert.ok(details);
    assert.equal(details.code, 1106);
    assert.equal(details.platform, "tuya");
    const statuses = n1.statuses();
    assert.deepEqual(statuses.at(-1), { fill: "red", shape: "ring", text: "Tuya 1106: permission deny" });
    assert.ok(
      statuses.some((s) => String(s.text).startsWith("GET /v1.0/iot-03/devices/")),
      "showed the request while it ran",
    );
  });

  it("without a config node: red ring and an error per message", async () => {
    await load({ path: "/v1.0/iot-03/devices" }, false);
    assert.deepEqual(n1.statuses(), [{ fill: "red", shape: "ring", text: "no config node" }]);
    const { caught } = await run({});
    assert.match(String(caught?.error.message), /No tuya-config/);
  });
});
