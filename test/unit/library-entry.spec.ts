/**
 * The package's main entry is what a function node gets from require("@bestlab/node-red-platform"):
 * both clients and the shared helpers, usable against the emulators with no Node-RED around.
 */
import assert from "node:assert/strict";
import { HoboEmulator } from "../../src/emulator/hobo";
import { TuyaEmulator } from "../../src/emulator/tuya";
import * as pack from "../../src";

describe("the library entry (src/index)", () => {
  it("exports the Tuya and HOBOlink clients and the shared helpers", () => {
    for (const name of ["TuyaOpenApi", "TuyaDevices", "TuyaDeviceManager", "createHoboClient", "HoboApi", "ApiError", "parseTime", "toInfluxPoints"]) {
      assert.equal(typeof (pack as Record<string, unknown>)[name], "function", `${name} is not exported`);
    }
  });

  it("reads a Tuya device's status through the entry's TuyaOpenApi", async () => {
    const emu = new TuyaEmulator();
    await emu.start();
    const api = new pack.TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret });
    try {
      const status = await new pack.TuyaDevices(api).status(emu.devices[0].id);
      assert.ok(status.length > 0 && status.every((dp) => typeof dp.code === "string"));
    } finally {
      await api.close();
      await emu.stop();
    }
  });

  it("reads HOBO rows through the entry's bestlab-compatible HoboApi", async () => {
    const now = Date.UTC(2025, 5, 15, 12);
    const emu = new HoboEmulator({ now: () => now });
    await emu.start();
    const [logger] = emu.describe().loggers;
    const api = new pack.HoboApi(emu.legacy.clientId, emu.legacy.clientSecret, emu.legacy.userId, emu.url, {
      logger: { debug: () => undefined, warn: () => undefined },
    });
    try {
      const res = await api.getData(logger.serial, "2025-06-15 10:00:00", "2025-06-15 11:00:00");
      assert.ok(res.observation_list.length > 0);
      assert.ok(res.observation_list.every((r) => r.logger_sn === logger.serial));
    } finally {
      await api.close();
      await emu.stop();
    }
  });
});
