/**
 * 50 redeploys of a hobo-config that answered a request each time: every closed
 * config destroys its client's sockets, so none stays open to the emulators afterwards.
 */
import assert from "node:assert/strict";
import { useHoboEmulator } from "../support/hobo-suite";
import { helper } from "../support/node-red";
import { countSockets } from "../support/socket-counter";
import hoboConfig from "../../nodes/hobo-config";

const REDEPLOYS = 50;

describe("redeploys leave no socket open", () => {
  const emulator = useHoboEmulator();

  it(`hobo-config: ${REDEPLOYS} redeploys, each with a request, then zero sockets`, async () => {
    const emu = emulator();
    const counter = await countSockets(emu.url);
    try {
      for (let i = 0; i < REDEPLOYS; i++) {
        const flow = [{ id: "cfg", type: "hobo-config", flavour: "licor", endpoint: counter.url }] as unknown as Parameters<typeof helper.load>[1];
        await helper.load([hoboConfig], flow, { cfg: { token: emu.licor.token } });
        const cfg = helper.getNode("cfg") as unknown as { client: { testConnection(): Promise<void> } };
        await cfg.client.testConnection();
        assert.ok(counter.open() > 0);
        await helper.unload();
      }
      assert.ok(counter.total() >= REDEPLOYS);
      assert.equal(await counter.settled(), 0, "sockets left open after the redeploys");
    } finally {
      await counter.stop();
    }
  });
});
