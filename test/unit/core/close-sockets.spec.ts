// close() of both clients destroys their keep-alive agents: after 50 create/use/close cycles (a
// config node's life across 50 redeploys) no socket stays open to the emulator.
import assert from "node:assert/strict";
import { HoboEmulator } from "../../../src/emulator/hobo";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { createHoboClient } from "../../../src/hobo";
import { TuyaOpenApi } from "../../../src/tuya";
import { countSockets, type SocketCounter } from "../../support/socket-counter";

const CYCLES = 50;

describe("close() leaves no socket open", () => {
  let counter: SocketCounter | undefined;
  afterEach(async () => {
    await counter?.stop();
    counter = undefined;
  });

  it(`HOBOlink (both flavours): ${CYCLES} clients used and closed, zero sockets left`, async () => {
    const emu = new HoboEmulator();
    await emu.start();
    try {
      counter = await countSockets(emu.url);
      for (let i = 0; i < CYCLES; i++) {
        const flavour = i % 2 ? "legacy" : "licor";
        const creds =
          flavour === "licor"
            ? { token: emu.licor.token }
            : { clientId: emu.legacy.clientId, clientSecret: emu.legacy.clientSecret, userId: emu.legacy.userId };
        const client = createHoboClient({ flavour, baseUrl: counter.url, ...creds, requestsPerMinute: 100_000 });
        await client.testConnection();
        assert.ok(counter.open() > 0, "the client holds a keep-alive socket while open");
        await client.close();
      }
      assert.ok(counter.total() >= CYCLES);
      assert.equal(await counter.settled(), 0);
    } finally {
      await emu.stop();
    }
  });

  it(`Tuya: ${CYCLES} clients used and closed, zero sockets left`, async () => {
    const emu = new TuyaEmulator({ qps: 0 });
    await emu.start();
    try {
      counter = await countSockets(emu.url);
      for (let i = 0; i < CYCLES; i++) {
        const api = new TuyaOpenApi({ endpoint: counter.url, accessId: emu.accessId, accessSecret: emu.accessSecret, requestsPerSecond: 0 });
        await api.get("/v1.0/iot-03/devices", { page_size: 1 });
        await api.close();
      }
      assert.equal(await counter.settled(), 0);
    } finally {
      await emu.stop();
    }
  });
});
