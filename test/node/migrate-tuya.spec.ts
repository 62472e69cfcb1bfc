/**
 * Old Tuya configs still deploy and mean the same: for each Tuya node, a config of the first wave
 * (no version; the dialog's defaults of the time, from git history, or written by hand with
 * properties left out) migrates to the config today's dialog writes for the same meaning, and
 * deployed on the test helper it asks the emulator the same, sends the same and ends on the same
 * status as that current config.
 */
import assert from "node:assert/strict";
import { migrate, type MigratedType } from "../../nodes/shared/migrate";
import { helper } from "../support/node-red";
import { probeNodes, watchOutput } from "../support/probe";
import { useTuyaEmulator } from "../support/tuya-suite";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";
import tuyaLog from "../../nodes/tuya-log";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaInfo from "../../nodes/tuya-info";
import tuyaRequest from "../../nodes/tuya-request";
import tuyaEvents from "../../nodes/tuya-events";
import { assertDone, assertSameBehaviour, assertSameNotConfigured, countsSince, without, type RequestLog } from "./migrate-flows";
import { newNode } from "./migrate-editor";

type Config = Record<string, unknown>;
const MODULES = [tuyaConfig, tuyaStatus, tuyaLog, tuyaCommand, tuyaInfo, tuyaRequest, tuyaEvents];

describe("old Tuya configs deploy and mean the same (version 0 -> 1)", function () {
  this.timeout(60_000);
  // The suite's emulator clock stands still, so two runs read the same values and histories.
  const emulator = useTuyaEmulator({ qps: 0, logIntervalSec: 60 });
  const frozen = () => emulator().now();
  const id = (n: 0 | 1 | 2 | 3) => emulator().devices[n].id;
  const [plug, climate] = [() => id(0), () => id(2)];
  const requests: RequestLog = {
    snapshot: () => ({ ...emulator().stats.byPath }),
    since: (before) => countsSince(before as Record<string, number>, emulator().stats.byPath),
  };

  /** A current tuya-config on the emulator, as today's dialog writes it. */
  const currentConfig = (): Config => ({ ...newNode("tuya-config"), endpointMode: "custom", endpoint: emulator().url });

  async function load(n1: Config & { type: MigratedType }, cfg: Config = currentConfig(), withCredentials = true): Promise<void> {
    const emu = emulator();
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", ...cfg },
      { id: "n1", z: "t1", tuya: "cfg", ...n1, wires: [["h1"]] },
      ...probeNodes(),
    ];
    await helper.load(MODULES, flow as never, withCredentials ? { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } } : {});
  }

  /** The old config and the current one (n1 of the type) ask, send and end alike; returns the current one's run. */
  const sameAs = (type: MigratedType, old: Config, current: Config, msg: Config, volatile: string[] = []) =>
    assertSameBehaviour(type, { old, current }, (n1) => load({ type, ...n1 }), msg, requests, volatile);

  describe("tuya-config", () => {
    // Hand-written in the first wave's terms: an endpoint URL without a mode, no rate, concurrency or message-service settings.
    const old = (): Config => ({ endpoint: emulator().url, timeout: 10 });
    const current = (): Config => ({ ...currentConfig(), timeout: 10, rps: "", concurrency: "" });

    const user = { type: "tuya-status" as const, ...newNode("tuya-status"), tuya: "cfg" };

    it("an endpoint without a mode still reaches that endpoint; its users ask and send the same", async () => {
      const run = await assertSameBehaviour("tuya-config", { old: old(), current: current() }, (cfg) => load(user, cfg), { devices: plug() }, requests, [
        "time",
      ]);
      assertDone(run);
    });

    it("without credentials its users show the same grey 'not configured' ring", async () => {
      await assertSameNotConfigured({ old: old(), current: current() }, (cfg) => load(user, cfg, false));
    });
  });

  describe("tuya-status", () => {
    // The first wave's dialog (no "time as" yet), and the same node written by hand with only its config.
    const firstDialog = {
      name: "",
      devices: "devices",
      devicesType: "msg",
      output: "single",
      format: "records",
      measurement: "",
      applySpec: true,
      includeOnline: false,
      includeInfo: false,
      changesOnly: false,
    };

    for (const [title, old] of [
      ["the first dialog's defaults", firstDialog],
      ["only a config", {}],
    ] as const) {
      it(`${title}: msg.devices, spec-scaled records with ISO times, as a new node today`, async () => {
        const current = { ...newNode("tuya-status"), tuya: "cfg" };
        const run = await sameAs("tuya-status", { tuya: "cfg", ...old }, current, { devices: climate() }, ["time"]);
        assertDone(run);
      });
    }
  });

  describe("tuya-log", () => {
    const end = () => new Date(frozen()).toISOString();
    // The first wave's dialog: event types as text ("7"), no "time as" yet; here over the last hour.
    const firstDialog = () => ({
      ...{
        name: "",
        devices: "devices",
        devicesType: "msg",
        window: "relative",
        span: "-1h",
        start: "",
        startType: "str",
        end: end(),
        endType: "str",
        lookback: "-24h",
        store: "",
      },
      ...{
        eventTypes: "7",
        eventTypesType: "str",
        codes: "",
        codesType: "str",
        pageSize: 100,
        maxPages: "",
        format: "records",
        measurement: "",
        applySpec: true,
        output: "all",
      },
    });
    const current = (eventTypes: string) => ({ ...newNode("tuya-log"), tuya: "cfg", span: "-1h", end: end(), eventTypes, eventTypesType: "types" });

    it("event types as text become the named choices: the same pages asked, the same entries sent", async () => {
      const run = await sameAs("tuya-log", { tuya: "cfg", ...firstDialog() }, current("7"), { devices: climate() });
      assertDone(run);
    });

    it("event types by name ('online, report') are the choices 1 and 7", async () => {
      const run = await sameAs("tuya-log", { tuya: "cfg", ...firstDialog(), eventTypes: "online, report" }, current("1,7"), { devices: plug() });
      assert.equal(run.caught, undefined);
      assert.equal(run.status?.fill, "green");
    });
  });

  describe("tuya-command", () => {
    // The first wave's dialog took the commands from msg.payload; a node written by hand may leave every input out.
    const firstDialog = { name: "", devices: "devices", devicesType: "msg", commands: "payload", commandsType: "msg", rows: [] };
    const current = { ...newNode("tuya-command"), tuya: "cfg", commands: "payload", commandsType: "msg" };

    for (const [title, old] of [
      ["the first dialog's defaults", firstDialog],
      ["only a config", {}],
    ] as const) {
      it(`${title}: commands from msg.payload, checked against the functions, sent once`, async () => {
        const run = await sameAs("tuya-command", { tuya: "cfg", ...old }, current, { devices: plug(), payload: { switch_1: true } });
        assertDone(run);
        assert.deepEqual((run.out[0] as Config).payload, [{ id: plug(), success: true }]);
      });
    }
  });

  describe("tuya-info", () => {
    it("only a config: the details of msg.devices, as a new node today", async () => {
      const run = await sameAs("tuya-info", { tuya: "cfg" }, { ...newNode("tuya-info"), tuya: "cfg" }, { devices: plug() });
      assertDone(run);
    });
  });

  describe("tuya-request", () => {
    it("no method is GET", async () => {
      const path = `/v1.0/iot-03/devices/${plug()}`;
      const run = await sameAs("tuya-request", { tuya: "cfg", path }, { ...newNode("tuya-request"), tuya: "cfg", path }, {}, ["tid"]);
      assertDone(run);
    });
  });

  describe("tuya-events", () => {
    /** Loads the old config as n1 and its current equivalent as n2 on one config; publishes events; returns what each sent. */
    async function sideBySide(old: Config, current: Config): Promise<[unknown[], unknown[]]> {
      const emu = emulator();
      assert.deepEqual(migrate("tuya-events", old), current, "the old config migrates to the current one");
      const flow = [
        { id: "t1", type: "tab" },
        { id: "cfg", type: "tuya-config", ...currentConfig() },
        { id: "n1", z: "t1", type: "tuya-events", tuya: "cfg", ...old, wires: [["h1"]] },
        { id: "n2", z: "t1", type: "tuya-events", tuya: "cfg", ...current, wires: [["h2"]] },
        { id: "h1", z: "t1", type: "helper" },
        { id: "h2", z: "t1", type: "helper" },
      ];
      await helper.load(MODULES, flow as never, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
      const got = [watchOutput("h1"), watchOutput("h2")];
      await emu.mq.whenConsumers(1);
      emu.mq.publish({ deviceId: climate(), protocol: 4, data: { devId: climate(), status: [{ code: "va_temperature", value: 234, t: frozen() }] } });
      emu.events.setOnline(plug(), false);
      emu.events.setOnline(plug(), true);
      // A last event both nodes take, so everything before it has arrived.
      emu.mq.publish({ deviceId: climate(), protocol: 4, data: { devId: climate(), status: [{ code: "va_humidity", value: 41, t: frozen() }] } });
      const last = (msgs: unknown[]) => JSON.stringify(msgs).includes("va_humidity");
      await Promise.all(got.map((g) => g.until(last)));
      return [got[0].messages.map((m) => without(m, ["_msgid"])), got[1].messages.map((m) => without(m, ["_msgid"]))];
    }

    it("written by hand with a device only: records of every event type, as today's node with those choices", async () => {
      const [was, now] = await sideBySide(
        { tuya: "cfg", devices: climate() },
        { ...newNode("tuya-events"), tuya: "cfg", devices: climate(), format: "records", types: "" },
      );
      assert.deepEqual(was, now);
      assert.equal(now.length, 2, "the climate sensor's two status events (the plug is not picked)");
    });

    it("the first dialog's empty JSON device list: every device, status events, one message per reading", async () => {
      const firstDialog = {
        name: "",
        tuya: "cfg",
        devices: "",
        devicesType: "json",
        types: "status",
        codes: "",
        format: "messages",
        measurement: "",
        timeAs: "iso",
        applySpec: true,
        statusOnStart: false,
      };
      const [was, now] = await sideBySide(firstDialog, { ...newNode("tuya-events"), tuya: "cfg" });
      assert.deepEqual(was, now);
      assert.deepEqual(
        now.map((m) => (m as Config).topic),
        [`${emulator().devices[2].name}/va_temperature`, `${emulator().devices[2].name}/va_humidity`],
      );
    });
  });
});
