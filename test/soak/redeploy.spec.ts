/**
 * 100 full redeploys of a flow with every node type (issue 12 items 4 and 8): each deploy polls
 * every flow node once and lets tuya-events connect to the message service, then the flow is
 * stopped. Socket-counting relays stand between the config nodes and the emulators, so the
 * sockets counted are the ones the pack opened: none is left after the 50th redeploy's close nor
 * after the last, and the process's handles and timers are back where they were after the first.
 */
import assert from "node:assert/strict";
import { helper } from "../support/node-red";
import { countSockets, type SocketCounter } from "../support/socket-counter";
import { credentials, everyNodeFlow, MODULES, pollEveryNode, pollMessages, resources, settle, useEveryEmulator, type Emulators } from "./every-node";

const REDEPLOYS = Number(process.env.REDEPLOYS ?? 100);

describe("redeploys: every node type, 100 times", function () {
  this.timeout(600_000);
  const emulators = useEveryEmulator();
  let relays: Record<keyof Emulators, SocketCounter>;
  before(async () => {
    const emu = emulators();
    relays = { tuya: await countSockets(emu.tuya.url), hobo: await countSockets(emu.hobo.url), egauge: await countSockets(emu.egauge.url) };
  });
  after(async () => {
    for (const r of Object.values(relays)) await r.stop();
  });

  const open = () => Object.values(relays).reduce((n, r) => n + r.open(), 0);

  it(`${REDEPLOYS} redeploys, each polling every node: sockets, handles and timers back to baseline`, async () => {
    const emu = emulators();
    const flow = everyNodeFlow({ tuya: relays.tuya.url, hobo: relays.hobo.url, egauge: relays.egauge.url });
    const messages = pollMessages(emu);
    // The baseline is taken after the first deploy has been stopped: the runtime starts its own
    // timers once (the editor's comms heartbeat) on the first load, which are not the pack's.
    let baseline: Record<string, number> = {};
    const rejections: unknown[] = [];
    const onRejection = (r: unknown) => rejections.push(r);
    process.on("unhandledRejection", onRejection);
    try {
      for (let i = 1; i <= REDEPLOYS; i++) {
        await helper.load(MODULES, flow, credentials(emu));
        assert.deepEqual(await pollEveryNode(messages), [], `deploy ${i}: every node completes`);
        assert.ok(await settle(() => emu.tuya.mq.consumerCount() === 1), `deploy ${i}: tuya-events connected`);
        assert.ok(open() > 0, "the nodes' sockets go through the relays");
        await helper.unload();
        if (i === 1) {
          // At rest no socket is open in this process (the relays' and emulators' ends close a little after the pack's).
          await settle(() => open() === 0 && !resources().TCPSocketWrap);
          baseline = resources();
        }
        if (i === 50) assert.ok(await settle(() => open() === 0), `after 50 redeploys and close: ${open()} socket(s) open`);
      }
      assert.ok(await settle(() => open() === 0), `after ${REDEPLOYS} redeploys: ${open()} socket(s) open`);
      assert.ok(await settle(() => emu.tuya.mq.consumerCount() === 0), "the message-service connection closed");
      const same = () => JSON.stringify(resources()) === JSON.stringify(baseline);
      assert.ok(await settle(same), `handles and timers back to baseline: ${JSON.stringify(resources())} vs ${JSON.stringify(baseline)}`);
      assert.ok(
        Object.values(relays).every((r) => r.total() >= REDEPLOYS),
        "every deploy opened its own connections",
      );
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});
