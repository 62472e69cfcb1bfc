/**
 * tuya-command through the test helper against the Tuya emulator: commands from the dialog's rows
 * and from the message in every shape, the device's status really changing, validation before
 * anything is sent, several devices with a result each, no repeat after a lost answer, one repeat
 * after a rejected token, both API families, and the editor's functions route.
 */
import assert from "node:assert/strict";
import sinon from "sinon";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { loadTuyaFlow, useTuyaEmulator } from "../support/tuya-suite";
import { helper } from "../support/node-red";
import { probe, type CaughtMsg } from "../support/probe";
import { editorDefaults } from "./tuya-editor-defaults";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaCommand from "../../nodes/tuya-command";

type Result = { id: string; name?: string; success: boolean; error?: { message: string; code?: unknown; outcome: string } };

const COMMANDS = "POST /v1.0/iot-03/devices/{device_id}/commands";

describe("tuya-command node", () => {
  let emu: TuyaEmulator;
  const id = (label: "plug" | "pir" | "climate" | "light" | "offline") => emu.devices[["plug", "pir", "climate", "light", "offline"].indexOf(label)].id;
  const value = (device: string, code: string) => emu.status(device).find((d) => d.code === code)?.value;
  const commandCalls = (path = COMMANDS) => emu.stats.byPath[path] ?? 0;

  const emulator = useTuyaEmulator();
  before(() => {
    emu = emulator();
  });
  afterEach(() => sinon.restore());

  async function load(props: Record<string, unknown>, withConfig = true, configProps: Record<string, unknown> = {}): Promise<void> {
    await loadTuyaFlow(
      emu,
      [tuyaConfig, tuyaCommand],
      { type: "tuya-command", devicesType: "str", commands: "payload", commandsType: "msg", ...props },
      { withConfig, configProps },
    );
  }

  const n1 = probe("n1");
  /** Sends msg to n1 and collects what reaches the output until the run ends (Complete or Catch). */
  const run = (msg: Record<string, unknown>) => n1.run(msg);

  const errorText = (caught: CaughtMsg | undefined) => String(caught?.error.message);
  const statusTexts = () => n1.statusTexts();

  it("a new node in the editor takes its commands from the dialog's rows; a flow without the property reads msg.payload (msg.devices, checked)", async () => {
    const d: Record<string, unknown> = { ...editorDefaults("tuya-command"), commands: "payload" };
    // The message as command source is an option: a new node shows its code/value rows.
    assert.deepEqual([d.devicesType, editorDefaults("tuya-command").commandsType, d.validate], ["msg", "rows", true]);
    await loadTuyaFlow(emu, [tuyaConfig, tuyaCommand], { type: "tuya-command" });
    const before = commandCalls();
    // Checked against the functions: a wrong type stops it before sending.
    const bad = await run({ [String(d.devices)]: id("plug"), [String(d.commands)]: { switch_1: "yes" } });
    assert.equal(bad.caught?.errorDetails.name, "InputError");
    assert.equal(commandCalls(), before);
    const target = !value(id("plug"), "switch_1");
    const { caught } = await run({ [String(d.devices)]: id("plug"), [String(d.commands)]: { switch_1: target } });
    assert.equal(caught, undefined, errorText(caught));
    assert.equal(value(id("plug"), "switch_1"), target);
  });

  describe("commands", () => {
    it("from the dialog's rows: the plug switches, one result, msg.topic = the device name", async () => {
      const target = !value(id("plug"), "switch_1");
      await load({
        devices: JSON.stringify({ "Lab plug": id("plug") }),
        devicesType: "json",
        commandsType: "rows",
        commands: "",
        rows: [{ code: "switch_1", value: target }],
      });
      const executed = emu.stats.commandsExecuted;
      const { out, caught } = await run({ payload: 1, keep: "me" });
      assert.equal(caught, undefined);
      assert.equal(out.length, 1);
      assert.deepEqual(out[0].payload, [{ id: id("plug"), name: "Lab plug", success: true }]);
      assert.deepEqual(out[0].commands, [{ code: "switch_1", value: target }]);
      assert.equal(out[0].topic, "Lab plug");
      assert.equal(out[0].keep, "me", "the incoming msg is reused");
      assert.equal(value(id("plug"), "switch_1"), target, "the emulated device changed");
      assert.equal(emu.stats.commandsExecuted - executed, 1);
    });

    it("from msg.payload as [{code, value}], {code: value}, {commands: [...]} and JSON text", async () => {
      await load({ devices: id("light") });
      const shapes: [unknown, number][] = [
        [[{ code: "bright_value_v2", value: 100 }], 100],
        [{ bright_value_v2: 200, work_mode: "white" }, 200],
        [{ commands: [{ code: "bright_value_v2", value: 300 }] }, 300],
        ['{"bright_value_v2": 400}', 400],
      ];
      for (const [payload, brightness] of shapes) {
        const { out, caught } = await run({ payload });
        assert.equal(caught, undefined, errorText(caught));
        assert.equal((out[0].payload as Result[])[0].success, true);
        assert.equal(value(id("light"), "bright_value_v2"), brightness, JSON.stringify(payload));
      }
      assert.equal(value(id("light"), "work_mode"), "white");
    });

    it("a colour (Json function) as an object; the device stores it", async () => {
      await load({ devices: id("light") });
      const { caught } = await run({ payload: { colour_data_v2: { h: 120, s: 500, v: 800 } } });
      assert.equal(caught, undefined, errorText(caught));
      assert.deepEqual(JSON.parse(String(value(id("light"), "colour_data_v2"))), { h: 120, s: 500, v: 800 });
    });

    it("fetches a device's specification once and reuses it for later messages", async () => {
      await load({ devices: id("plug") });
      const path = "GET /v1.0/iot-03/devices/{device_id}/specification";
      const before = emu.stats.byPath[path] ?? 0;
      await run({ payload: { switch_1: true } });
      await run({ payload: { switch_1: false } });
      assert.equal((emu.stats.byPath[path] ?? 0) - before, 1);
    });

    it("uses the Smart Home paths when the config's API family says so", async () => {
      await load({ devices: id("plug") }, true, { family: "smart-home" });
      const path = "POST /v1.0/devices/{device_id}/commands";
      const before = commandCalls(path);
      const iot = commandCalls();
      const { caught } = await run({ payload: { switch_1: true } });
      assert.equal(caught, undefined, errorText(caught));
      assert.equal(commandCalls(path) - before, 1);
      assert.equal(commandCalls(), iot, "no iot-03 command call");
      assert.equal(value(id("plug"), "switch_1"), true);
    });
  });

  describe("checked before sending", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["a wrong type", { switch_1: "on" }, /"switch_1" must be true or false, got "on" \(text\)/],
      ["a number out of range", { countdown_1: 90000 }, /"countdown_1" must be between 0 and 86400, got 90000/],
      ["an unknown code", { switch_9: true }, /unknown code "switch_9" \(this device accepts switch_1, countdown_1\)/],
    ];
    for (const [what, payload, message] of cases) {
      it(`${what}: done(err) naming the problem, nothing sent to the commands endpoint`, async () => {
        await load({ devices: id("plug") });
        const before = commandCalls();
        const { out, caught } = await run({ payload });
        assert.equal(out.length, 0);
        assert.match(errorText(caught), message);
        assert.equal(caught?.errorDetails.name, "InputError");
        assert.equal(commandCalls(), before);
      });
    }

    it("a value not in the enum lists the allowed values", async () => {
      await load({ devices: id("light") });
      const before = commandCalls();
      const { caught } = await run({ payload: [{ code: "work_mode", value: "disco" }] });
      assert.match(errorText(caught), /"work_mode" must be one of white, colour, scene, music, got "disco"/);
      assert.equal(commandCalls(), before);
    });

    it("a payload that holds no commands (an inject timestamp) fails before any request", async () => {
      await load({ devices: id("plug") });
      const before = emu.stats.requests;
      const { caught } = await run({ payload: 1_700_000_000_000 });
      assert.match(errorText(caught), /msg\.payload: Commands must be a list or an object/);
      assert.equal(emu.stats.requests, before);
    });

    it("one device that cannot take the commands stops all: nothing is sent to any device", async () => {
      const plugBefore = value(id("plug"), "switch_1");
      await load({ devices: `${id("plug")},${id("light")}` });
      const before = commandCalls();
      const { caught } = await run({ payload: { switch_1: !plugBefore } });
      assert.match(errorText(caught), new RegExp(`${id("light")}: Invalid Tuya commands: unknown code "switch_1".*nothing was sent`));
      assert.equal(commandCalls(), before);
      assert.equal(value(id("plug"), "switch_1"), plugBefore);
    });

    it("a device whose specification Tuya refuses (2009): the error says the values cannot be checked and how to send unchecked; nothing sent", async () => {
      await load({ devices: id("plug") });
      const before = commandCalls();
      emu.faults.failNext(1, { code: 2009, msg: "not support this device", path: `/devices/${id("plug")}/specification` });
      const { out, caught } = await run({ payload: { switch_1: true } });
      assert.deepEqual(out, []);
      assert.match(
        errorText(caught),
        /specification could not be read \(.*2009.*\), so the values cannot be checked; untick "Check values against the device's functions"/,
      );
      assert.equal(commandCalls(), before);
    });

    it("with the check off (validate: false): no specification is read and the command is sent as given", async () => {
      await load({ devices: id("plug"), validate: false });
      const target = !value(id("plug"), "switch_1");
      const executed = emu.stats.commandsExecuted;
      // Any spec request would fail: the check is off, so none is made.
      emu.faults.failNext(5, { code: 2009, msg: "not support this device", path: "/specification" });
      const { out, caught } = await run({ payload: { switch_1: target } });
      assert.equal(caught, undefined, errorText(caught));
      assert.deepEqual(out[0].payload, [{ id: id("plug"), success: true }]);
      assert.equal(value(id("plug"), "switch_1"), target);
      assert.equal(emu.stats.commandsExecuted - executed, 1);
    });

    it("with the check off a bad value goes to Tuya, which rejects it (1104)", async () => {
      await load({ devices: id("plug"), validate: false });
      const { caught } = await run({ payload: { switch_1: "yes" } });
      assert.equal(caught?.errorDetails.code, 1104);
    });
  });

  describe("several devices", () => {
    it("one of two is offline: the other still switches, the error names the failed one, msg.payload has each result", async () => {
      const target = !value(id("plug"), "switch_1");
      await load({ devices: JSON.stringify({ Plug: id("plug"), Garage: id("offline") }), devicesType: "json" });
      const executed = emu.stats.commandsExecuted;
      const { out, caught } = await run({ payload: { switch_1: target }, topic: "in" });
      assert.equal(out.length, 0, "nothing on the output when a device failed");
      assert.ok(caught);
      assert.match(errorText(caught), new RegExp(`failed for 1 of 2 devices \\(1 succeeded.*Garage \\(${id("offline")}\\): Tuya answered 2001`));
      const results = caught.payload as Result[];
      assert.deepEqual(
        results.map((r) => [r.name, r.success]),
        [
          ["Plug", true],
          ["Garage", false],
        ],
      );
      assert.equal(results[1].error?.code, 2001);
      assert.equal(results[1].error?.outcome, "not executed");
      assert.equal(caught.topic, "in", "several devices: the incoming topic is kept");
      assert.equal(value(id("plug"), "switch_1"), target);
      assert.equal(emu.stats.commandsExecuted - executed, 1);
    });
  });

  describe("never sent twice", () => {
    it("an answer lost after the command ran is not retried, and the error says the outcome is unknown", async () => {
      const target = !value(id("plug"), "switch_1");
      await load({ devices: id("plug") });
      await run({ payload: { countdown_1: 0 } }); // token and functions first, so the fault hits the command
      const executed = emu.stats.commandsExecuted;
      const before = commandCalls();
      emu.faults.failNext(1, { dropAfterExecute: true, path: "/commands" });
      const { out, caught } = await run({ payload: { switch_1: target } });
      assert.equal(out.length, 0);
      assert.match(errorText(caught), /no answer after sending: the command may have run/);
      assert.equal(emu.stats.commandsExecuted - executed, 1, "executed once, not repeated");
      assert.equal(commandCalls() - before, 1);
      assert.equal((caught?.payload as Result[])[0].error?.outcome, "unknown");
      assert.equal(value(id("plug"), "switch_1"), target, "it did run");
    });

    const answers: [string, Record<string, unknown>, RegExp, string][] = [
      [
        "a JSON error answer (HTTP 500, Tuya code 500)",
        { httpStatus: 500, code: 500, msg: "system error" },
        /Tuya answered 500 system error: the command was refused/,
        "not executed",
      ],
      ["a proxy's HTML 502 page", { html: true }, /a proxy answered HTTP 502 instead of Tuya: whether the command ran is unknown/, "unknown"],
    ];
    for (const [label, fault, text, outcome] of answers) {
      it(`${label}: the error says what happened (${outcome}), and the command is not repeated`, async () => {
        await load({ devices: id("plug") });
        await run({ payload: { countdown_1: 0 } });
        const before = commandCalls();
        emu.faults.failNext(1, { ...fault, path: "/commands" });
        const { out, caught } = await run({ payload: { countdown_1: 60 } });
        assert.equal(out.length, 0);
        assert.match(errorText(caught), text);
        assert.equal((caught?.payload as Result[])[0].error?.outcome, outcome);
        assert.equal(commandCalls() - before, 1, "sent once");
      });
    }

    it("a rejected token (1010) is renewed and the command sent once more, executing once", async () => {
      await load({ devices: id("plug") });
      await run({ payload: { countdown_1: 0 } });
      const executed = emu.stats.commandsExecuted;
      const before = commandCalls();
      const grants = emu.stats.tokenGrants + emu.stats.tokenRefreshes;
      emu.faults.failNext(1, { code: 1010, path: "/commands" });
      const { out, caught } = await run({ payload: { countdown_1: 30 } });
      assert.equal(caught, undefined, errorText(caught));
      assert.equal((out[0].payload as Result[])[0].success, true);
      assert.equal(commandCalls() - before, 2);
      assert.equal(emu.stats.commandsExecuted - executed, 1);
      assert.equal(emu.stats.tokenGrants + emu.stats.tokenRefreshes - grants, 1, "one new token");
      assert.equal(value(id("plug"), "countdown_1"), 30);
    });
  });

  describe("failures", () => {
    it("a Tuya error for one device reaches a Catch node with its code in msg.errorDetails; red status", async () => {
      await load({ devices: JSON.stringify({ Garage: id("offline") }), devicesType: "json" });
      const { out, caught } = await run({ payload: { switch_1: true } });
      assert.equal(out.length, 0);
      assert.match(errorText(caught), /2001/);
      assert.equal(caught?.errorDetails.code, 2001);
      assert.equal(caught?.topic, "Garage");
      assert.deepEqual(
        (caught?.payload as Result[]).map((r) => [r.id, r.success]),
        [[id("offline"), false]],
      );
      assert.match(statusTexts().at(-1) ?? "", /^Tuya 2001/);
    });

    it("a bad device input ends in done(err) before any request", async () => {
      await load({ devices: "devices", devicesType: "msg" });
      const before = emu.stats.requests;
      const { caught } = await run({ payload: { switch_1: true }, devices: "not a device id!" });
      assert.match(errorText(caught), /not a Tuya device id/);
      assert.equal(emu.stats.requests, before);
    });

    it("without a config node: red ring and an error per message", async () => {
      await load({ devices: id("plug") }, false);
      assert.deepEqual(n1.statuses(), [{ fill: "red", shape: "ring", text: "no config node" }]);
      const { caught } = await run({ payload: { switch_1: true } });
      assert.match(errorText(caught), /No tuya-config node is selected/);
    });

    it("shows what it does: the command and the device, then success", async () => {
      await load({ devices: JSON.stringify({ "Lab plug": id("plug") }), devicesType: "json" });
      await run({ payload: { switch_1: true } });
      const texts = statusTexts();
      const sending = texts.indexOf("switch_1=true → Lab plug");
      assert.ok(sending >= 0, texts.join(" | "));
      assert.ok(
        texts.slice(sending).some((t) => t.startsWith("sent to Lab plug ·")),
        texts.join(" | "),
      );
    });
  });

  describe("admin route for the dialog's rows", () => {
    const body = (extra: Record<string, unknown> = {}) => ({
      id: "cfg",
      endpointMode: "custom",
      endpoint: emu.url,
      accessId: emu.accessId,
      accessSecret: "__PWRD__",
      family: "iot-03",
      ...extra,
    });

    it("POST tuya-config/functions answers the device's codes, types and parsed values", async () => {
      await load({ devices: id("light") });
      const res = await helper
        .request()
        .post("/tuya-config/functions")
        .send(body({ device: id("light") }))
        .expect(200);
      assert.equal(res.body.category, "dj");
      const byCode = new Map((res.body.functions as { code: string; type: string; values: Record<string, unknown> }[]).map((f) => [f.code, f]));
      assert.equal(byCode.get("switch_led")?.type, "Boolean");
      assert.deepEqual(byCode.get("work_mode")?.values, { range: ["white", "colour", "scene", "music"] });
      assert.equal(byCode.get("bright_value_v2")?.values.max, 1000);
      assert.ok(!JSON.stringify(res.body).includes(emu.accessSecret));
    });

    it("without a device it is a 400 that says to pick one", async () => {
      await load({ devices: id("light") });
      const res = await helper.request().post("/tuya-config/functions").send(body()).expect(400);
      assert.match(res.body.error, /pick a device/);
    });

    it("requires tuya-config.write", async () => {
      type Api = { auth: { needsPermission(p: string): unknown } };
      const util = (helper as unknown as { _registryUtil: { createNodeApi(n: unknown): Api } })._registryUtil;
      const original = util.createNodeApi.bind(util);
      const guard = (permission: string) => (req: { headers: Record<string, string> }, res: { status(n: number): { end(): void } }, next: () => void) =>
        req.headers["x-permission"] === permission ? next() : res.status(401).end();
      sinon.stub(util, "createNodeApi").callsFake((n: unknown) => ({ ...original(n), auth: { needsPermission: guard } }));
      await load({ devices: id("light") });
      await helper
        .request()
        .post("/tuya-config/functions")
        .send(body({ device: id("light") }))
        .expect(401);
      await helper
        .request()
        .post("/tuya-config/functions")
        .set("x-permission", "tuya-config.write")
        .send(body({ device: id("light") }))
        .expect(200);
    });
  });
});
