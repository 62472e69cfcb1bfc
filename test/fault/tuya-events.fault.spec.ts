/**
 * The message service's faults (src/emulator/tuya/mq) against tuya-events: numbered status
 * events published before, during and after each fault reach the node's output once each (a
 * frame the fault made undecodable is the one exception, warned about), the status comes back
 * green once connected again, and no rejection goes unhandled. Reconnects wait the consumer's
 * first backoff step (under a second); no test sleeps for a fixed time.
 */
import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import type { NodeMessage } from "node-red";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { helper, runtimeName } from "../support/node-red";
import { probe } from "../support/probe";
import { useTuyaEmulator } from "../support/tuya-suite";
import { trapUnhandledRejections } from "./support";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaEvents from "../../nodes/tuya-events";

type Msg = NodeMessage & { payload: unknown };

async function until(cond: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 1500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what()}`);
}

interface EventsFault {
  name: string;
  /** Before events 1-3 (a fault that must meet frames already delivered). */
  setup?(emu: TuyaEmulator): void;
  inject(emu: TuyaEmulator): void;
  /** The fault closes the connection: wait for the consumer to be back before the last events. */
  reconnects?: boolean;
  /** The fault makes the service deliver frames again (the node must drop the copies). */
  redelivers?: boolean;
  /** Event numbers the fault makes undecodable (lost by nature, warned about). */
  lost?: number[];
}

/** Events 1-3 go out before the fault, 4-6 right after it, 7-9 once the connection is (back) up. */
const FAULTS: EventsFault[] = [
  { name: "connection dropped (1006)", inject: (emu) => emu.mq.faults.closeAll(1006), reconnects: true },
  { name: "server closes the socket (1011)", inject: (emu) => emu.mq.faults.closeAll(1011), reconnects: true, redelivers: true },
  { name: "a frame delivered twice", inject: (emu) => emu.mq.faults.duplicateNext(2) },
  {
    name: "acks lost, then a reconnect (redelivery)",
    setup: (emu) => emu.mq.faults.dropAcks(3),
    inject: (emu) => emu.mq.faults.closeAll(1011),
    reconnects: true,
    redelivers: true,
  },
  { name: "a corrupt frame", inject: (emu) => emu.mq.faults.corruptNext(1), lost: [4] },
  { name: "an unknown protocol", inject: (emu) => emu.mq.faults.unknownProtocolNext(1), lost: [4] },
  { name: "a frame without properties (ECB by default)", inject: (emu) => emu.mq.faults.noPropertiesNext(1) },
];

describe(`fault suite: tuya-events on ${runtimeName}`, function () {
  this.timeout(30_000);
  let emu: TuyaEmulator;
  const emulator = useTuyaEmulator();
  trapUnhandledRejections();
  before(() => {
    emu = emulator();
  });
  afterEach(() => emu.mq.faults.clear());

  const light = () => emu.devices[3].id;

  async function load(): Promise<Msg[]> {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url },
      { id: "n1", z: "t1", type: "tuya-events", tuya: "cfg", devices: light(), devicesType: "str", types: "status", format: "messages", wires: [["h1"]] },
      { id: "h1", z: "t1", type: "helper" },
    ];
    await helper.load([tuyaConfig, tuyaEvents], flow as never, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
    const got: Msg[] = [];
    (helper.getNode("h1") as unknown as EventEmitter).on("input", (m: Msg) => got.push(m));
    return got;
  }

  const publish = (n: number) =>
    emu.mq.publish({
      deviceId: light(),
      protocol: 4,
      data: { devId: light(), dataId: `fault-${n}`, status: [{ code: "bright_value", value: n, t: 1_700_000_000_000 + n }] },
    });

  for (const fault of FAULTS) {
    it(`${fault.name}: every event once${fault.lost ? " (but the undecodable one)" : ""}, the status green again`, async () => {
      const got = await load();
      await until(
        () => emu.mq.consumerCount() === 1,
        () => "the connection",
      );
      const values = () => got.map((m) => m.payload as number);
      const redelivered = emu.mq.stats.redelivered;
      fault.setup?.(emu);
      for (const n of [1, 2, 3]) publish(n);
      await until(
        () => values().length >= 3,
        () => `events 1-3, got ${JSON.stringify(values())}`,
      );
      const connections = emu.mq.stats.connections;
      fault.inject(emu);
      for (const n of [4, 5, 6]) publish(n);
      if (fault.reconnects)
        await until(
          () => emu.mq.stats.connections > connections && emu.mq.consumerCount() === 1,
          () => "the reconnect",
        );
      for (const n of [7, 8, 9]) publish(n);
      const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((n) => !fault.lost?.includes(n));
      await until(
        () => expected.every((n) => values().includes(n)),
        () => `events ${JSON.stringify(expected)}, got ${JSON.stringify(values())}`,
      );
      // Anything still on its way (a duplicate, a redelivery) arrives within the emulator's next frames: publish a marker and wait for it.
      publish(10);
      await until(
        () => values().includes(10),
        () => "the marker event",
      );
      assert.deepEqual(
        [...values()].sort((a, b) => a - b),
        [...expected, 10],
        "every event once, nothing repeated",
      );
      // Every frame acked, the undecodable ones too (the last acks may still be on their way).
      await until(
        () => emu.mq.backlog("event") === 0,
        () => `every frame acked: ${emu.mq.backlog("event")} left`,
      );
      if (fault.redelivers) assert.ok(emu.mq.stats.redelivered > redelivered, "frames were delivered again");
      const last = probe("n1").lastStatus();
      assert.equal(last?.fill, "green", `the status is green again (${JSON.stringify(last)})`);
    });
  }

  it("a refused handshake (HTTP 500) after a drop: a red status that says so, no crash, the next connection delivers the backlog once", async () => {
    const got = await load();
    await until(
      () => emu.mq.consumerCount() === 1,
      () => "the connection",
    );
    publish(1);
    await until(
      () => got.length === 1,
      () => "event 1",
    );
    emu.mq.faults.failHandshakes(1, 500);
    emu.mq.faults.closeAll(1006);
    await until(
      () => (emu.mq.stats.refused["500"] ?? 0) >= 1,
      () => "the refused reconnect",
    );
    await until(
      () => probe("n1").lastStatus()?.fill === "red",
      () => "a red status",
    );
    assert.match(String(probe("n1").lastStatus()?.text), /500/);
    publish(2);
    // The refused backoff is a minute: a redeploy (what a user does after fixing the project) connects at once.
    await helper.unload();
    const again = await load();
    await until(
      () => again.some((m) => m.payload === 2),
      () => "the backlog after the redeploy",
    );
    publish(3);
    await until(
      () => again.some((m) => m.payload === 3),
      () => "event 3",
    );
    assert.deepEqual(
      again.map((m) => m.payload),
      [2, 3],
    );
  });
});
