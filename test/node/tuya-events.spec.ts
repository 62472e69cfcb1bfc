/**
 * tuya-events through the test helper against the emulator's message service: a command through
 * tuya-command arrives as an event; nodes on one config share one connection and filter by
 * device, type and code; lifecycle events; output formats; status on start; a refused connection
 * shown and warned once; a redeploy closes the connection.
 */
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { useTuyaEmulator } from "../support/tuya-suite";
import { helper } from "../support/node-red";
import { probe, watchOutput, type OutputWatch } from "../support/probe";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaEvents from "../../nodes/tuya-events";

type Msg = NodeMessage & Record<string, unknown> & { event: { type: string; deviceId: string; protocol: number } };

describe("tuya-events node", () => {
  let emu: TuyaEmulator;
  const emulator = useTuyaEmulator();
  before(() => {
    emu = emulator();
  });
  const ids = () => ({ plug: emu.devices[0].id, pir: emu.devices[1].id, climate: emu.devices[2].id, light: emu.devices[3].id });

  /** Loads config + the given event nodes (each wired to its own helper "h_<id>") + a tuya-command "cmd"; watches each node's messages. */
  async function load(nodes: Record<string, unknown>[], secret = emu.accessSecret): Promise<Record<string, OutputWatch<Msg>>> {
    const flow: Record<string, unknown>[] = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url },
      { id: "cmd", z: "t1", type: "tuya-command", tuya: "cfg", devicesType: "msg", devices: "devices", commands: "payload", commandsType: "msg", wires: [[]] },
    ];
    for (const n of nodes)
      flow.push({ z: "t1", type: "tuya-events", tuya: "cfg", wires: [[`h_${String(n.id)}`]], ...n }, { id: `h_${String(n.id)}`, z: "t1", type: "helper" });
    await helper.load([tuyaConfig, tuyaCommand, tuyaEvents], flow as never, { cfg: { accessId: emu.accessId, accessSecret: secret } });
    return Object.fromEntries(nodes.map((n) => [String(n.id), watchOutput<Msg>(`h_${String(n.id)}`)]));
  }
  const connected = () => emu.mq.whenConsumers(1);

  it("a command through tuya-command arrives as an event: topic device/code, one message per data point", async () => {
    const got = await load([
      { id: "ev", devices: JSON.stringify({ "Lab plug": ids().plug }), devicesType: "json", types: "status", codes: "switch_1", format: "messages" },
    ]);
    await connected();
    helper.getNode("cmd").receive({ devices: ids().plug, payload: { switch_1: false } } as never);
    await got.ev.until((ms) => ms.some((m) => m.payload === false));
    const m = got.ev.messages.find((x) => x.payload === false)!;
    assert.equal(m.topic, "Lab plug/switch_1");
    assert.equal(m.event.type, "status");
    assert.equal(m.event.deviceId, ids().plug);
    assert.equal((m.record as { name: string }).name, "switch_1");
    assert.ok(!("raw" in m.event), "raw stays out of msg.event");
    // A second report of the same code at the same instant is a duplicate to Tuya's consumers: the clock moves on.
    emulator.advance(1000);
    helper.getNode("cmd").receive({ devices: ids().plug, payload: { switch_1: true } } as never);
    await got.ev.until((ms) => ms.some((x) => x.payload === true));
  });

  it("nodes on one config share one connection and filter by device, type and code; lifecycle events are records", async () => {
    const { pir, light } = ids();
    const got = await load([
      { id: "motion", devices: pir, devicesType: "str", types: "status", format: "messages" },
      { id: "life", devices: "", types: "online, offline, name", format: "records" },
    ]);
    await connected();
    assert.equal(emu.mq.consumerCount(), 1);
    emu.mq.publish({ deviceId: pir, protocol: 4, data: { devId: pir, status: [{ code: "pir", value: "pir", t: Date.now() }] } });
    emu.mq.publish({ deviceId: light, protocol: 4, data: { devId: light, status: [{ code: "switch_led", value: false, t: Date.now() }] } });
    emu.events.setOnline(light, false);
    emu.events.rename(light, "Reading lamp");
    emu.events.setOnline(light, true);
    await got.life.until((ms) => ms.filter((m) => m.event.deviceId === light).length >= 3);
    await got.motion.until((ms) => ms.some((m) => m.payload === "pir"));
    assert.ok(got.motion.messages.every((m) => m.event.deviceId === pir && m.event.type === "status"));
    const life = got.life.messages.filter((m) => m.event.deviceId === light);
    assert.deepEqual(
      life.map((m) => m.event.type),
      ["offline", "name", "online"],
    );
    const recs = life.map((m) => (m.payload as { name: string; value: unknown }[])[0]);
    assert.deepEqual(
      recs.map((r) => [r.name, r.value]),
      [
        ["online", false],
        ["name", "Reading lamp"],
        ["online", true],
      ],
    );
    assert.equal(life[2].topic, "Reading lamp/online", "the new name is used from the rename on");
  });

  it("influx format scales by the specification like tuya-status", async () => {
    const { climate } = ids();
    const got = await load([{ id: "ev", devices: climate, devicesType: "str", codes: "va_temperature", format: "influx", measurement: "lab" }]);
    await connected();
    emu.mq.publish({
      deviceId: climate,
      protocol: 4,
      data: {
        devId: climate,
        status: [
          { code: "va_temperature", value: 234, t: 1_700_000_000_000 },
          { code: "va_humidity", value: 40, t: 1_700_000_000_000 },
        ],
      },
    });
    await got.ev.until((ms) => ms.some((m) => (m.payload as { fields: { value: number } }[])[0]?.fields.value === 23.4));
    const m = got.ev.messages.find((x) => (x.payload as { fields: { value: number } }[])[0]?.fields.value === 23.4)!;
    const points = m.payload as { measurement: string; tags: Record<string, string>; timestamp: Date }[];
    assert.equal(points.length, 1, "only the chosen code");
    assert.equal(points[0].measurement, "lab");
    assert.equal(points[0].tags.unit, "℃");
    assert.equal(points[0].timestamp.getTime(), 1_700_000_000_000);
  });

  it("status on start polls the node's devices once when the connection opens", async () => {
    const { plug } = ids();
    const before = emu.stats.requests;
    const got = await load([{ id: "ev", devices: plug, devicesType: "str", codes: "switch_1", format: "messages", statusOnStart: true }]);
    await got.ev.until((ms) => ms.some((m) => m.event.protocol === 0));
    const m = got.ev.messages.find((x) => x.event.protocol === 0)!;
    assert.equal(m.payload, emu.status(plug).find((d) => d.code === "switch_1")!.value);
    assert.ok(emu.stats.requests > before);
  });

  it("a wrong secret: red 'refused (HTTP 401)' status and one warning with the hint", async () => {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url },
      { id: "ev", z: "t1", type: "tuya-events", tuya: "cfg", wires: [[]] },
    ];
    await helper.load([tuyaConfig, tuyaEvents], flow, { cfg: { accessId: emu.accessId, accessSecret: "wrongwrongwrongwrongwrong0000000" } });
    const ev = probe("ev");
    // The status comes from the statuses shown since the load, however early the refusal came.
    const refused = await ev.status((s) => /refused \(HTTP 401\)/.test(String(s.text)));
    assert.equal(refused.fill, "red");
    await ev.warning((w) => /HTTP 401/.test(w));
    const warnings = ev.warnings().filter((w) => /HTTP 401/.test(w));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /access id\/secret/);
  });

  it("a redeploy closes the connection; the next flow opens one again", async () => {
    await load([{ id: "ev" }]);
    await connected();
    await helper.unload();
    await emu.mq.whenConsumers(0);
    await load([{ id: "ev2" }]);
    await connected();
  });
});
