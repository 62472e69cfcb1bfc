// The device API (reference §4) in both path families against the emulator: batch calls in chunks
// of 20 with bounded parallelism and input order, details, functions, specification, commands and
// the paged project device list.
import assert from "node:assert/strict";
import { ApiError, InputError } from "../../../src/core/errors";
import { TuyaDevices, type TuyaApiFamily } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

const FAMILIES: { family: TuyaApiFamily; batchStatus: string; batchInfo: string; factory: string; list: string }[] = [
  {
    family: "iot-03",
    batchStatus: "GET /v1.0/iot-03/devices/status",
    batchInfo: "GET /v1.0/iot-03/devices",
    factory: "GET /v1.0/iot-03/devices/factory-infos",
    list: "GET /v1.3/iot-03/devices",
  },
  {
    family: "smart-home",
    // bestlab reads batch status from the batch details (trailing slash included).
    batchStatus: "GET /v1.0/devices/",
    batchInfo: "GET /v1.0/devices/",
    factory: "GET /v1.0/devices/factory-infos",
    list: "GET /v1.0/iot-01/associated-users/devices",
  },
];

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

/** A fixed shuffle, so order-keeping is not an accident of the emulator's own order. */
function shuffled<T>(items: T[]): T[] {
  return items
    .map((x, i) => [(i * 7919) % 101, x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);
}

for (const f of FAMILIES) {
  describe(`tuya devices (${f.family})`, () => {
    let r: Rig;
    let dev: TuyaDevices;
    let all: string[];
    beforeEach(async () => {
      // A fixed emulator clock: sensor readings do not move between the client's read and ours.
      r = await rig({ extraSensors: 40, now: () => T0 }, { family: f.family });
      dev = r.devices;
      all = r.emu.devices.map((d) => d.id);
      await r.api.connect();
      r.emu.stats.reset();
    });
    afterEach(() => r.close());

    it("uses the family of the client", () => {
      assert.equal(dev.family, f.family);
    });

    it("status of one device", async () => {
      const status = await dev.status(r.ids.plug);
      assert.deepEqual(status, r.emu.status(r.ids.plug));
      assert.ok(status.some((dp) => dp.code === "cur_power"));
    });

    it("status of 45 devices: 3 calls of at most 20 ids, all in flight at once (default 8), input order kept", async () => {
      const ids = shuffled(all);
      // The three chunks are held until all three arrived: they come back only if sent at once.
      r.emu.faults.barrier(3);
      const rows = await dev.statusMany(ids);
      assert.deepEqual(
        rows.map((x) => x.id),
        ids,
      );
      assert.deepEqual(rows[3].status, r.emu.status(ids[3]), "the emulator's clock stands still");
      assert.equal(r.emu.stats.byPath[f.batchStatus], 3);
      assert.equal(r.emu.stats.peakInFlight, 3, "the three chunks at once (default concurrency 8)");
    });

    it("bounded parallelism follows the concurrency option", async () => {
      // One at a time: each chunk is answered before the next is asked, however long answers take.
      r.emu.faults.setLatency(5);
      await new TuyaDevices(r.api, { concurrency: 1 }).statusMany(all);
      assert.equal(r.emu.stats.peakInFlight, 1);
      r.emu.stats.reset();
      // Eight allowed: the three chunks, held until all three arrived, are answered only if sent together.
      r.emu.faults.barrier(3);
      await new TuyaDevices(r.api, { concurrency: 8 }).statusMany(all);
      assert.equal(r.emu.stats.peakInFlight, 3, "one per chunk");
    });

    it("repeated ids are asked once; no ids make no call", async () => {
      const rows = await dev.statusMany([r.ids.plug, r.ids.light, r.ids.plug]);
      assert.deepEqual(
        rows.map((x) => x.id),
        [r.ids.plug, r.ids.light],
      );
      assert.deepEqual(await dev.statusMany([]), []);
      assert.equal(r.emu.stats.byPath[f.batchStatus], 1);
    });

    it("a device outside the project is Tuya's 1106 with its hint; left out of a batch; a blank id is an InputError", async () => {
      // The emulator's default leaves foreign ids out of batch answers; the client keeps only what came back.
      assert.deepEqual(
        (await dev.statusMany(["ebnotinthisproject00", r.ids.plug])).map((s) => s.id),
        [r.ids.plug],
      );
      const err = await rejection(dev.info("ebnotinthisproject00"));
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 1106);
      assert.match(err.message, /not linked to this cloud project/);
      await assert.rejects(dev.status(" "), InputError);
      await assert.rejects(dev.statusMany("abc" as unknown as string[]), InputError);
    });

    it("details of one and of many (chunked, in order)", async () => {
      const one = await dev.info(r.ids.light);
      assert.equal(one.id, r.ids.light);
      assert.equal(one.name, "Desk light");
      // iot-03 details carry no status[], Smart Home ones do (reference §4.2).
      assert.equal(Array.isArray(one.status), f.family === "smart-home");
      const ids = shuffled(all);
      const many = await dev.infoMany(ids);
      assert.deepEqual(
        many.map((x) => x.id),
        ids,
      );
      assert.equal(r.emu.stats.byPath[f.batchInfo], 3);
    });

    it("factory infos in chunks of 20", async () => {
      const rows = await dev.factoryInfos(all);
      assert.equal(rows.length, 45);
      assert.ok(rows.every((x) => typeof x.uuid === "string" && typeof x.mac === "string"));
      assert.deepEqual(
        rows.map((x) => x.id),
        all,
      );
      assert.equal(r.emu.stats.byPath[f.factory], 3);
    });

    it("functions, category functions and specification", async () => {
      const fns = await dev.functions(r.ids.plug);
      assert.equal(fns.category, "cz");
      assert.deepEqual(
        fns.functions.map((x) => x.code),
        ["switch_1", "countdown_1"],
      );
      assert.equal(typeof fns.functions[1].values, "string", "values is JSON text");
      const kg = await dev.categoryFunctions("kg");
      assert.equal(kg.category, "kg");
      assert.ok(kg.functions.some((x) => x.code === "switch_1"));
      const spec = await dev.specification(r.ids.climate);
      assert.equal(spec.category, "wsdcg");
      assert.deepEqual(spec.functions, []);
      assert.deepEqual(
        spec.status.map((x) => x.code),
        ["va_temperature", "va_humidity", "battery_percentage"],
      );
      await assert.rejects(dev.categoryFunctions(""), InputError);
    });

    it("sends commands: the device changes, and bad values never leave the client", async () => {
      assert.equal(await dev.sendCommands(r.ids.light, { switch_led: false, bright_value_v2: 800 }), true);
      const now = r.emu.status(r.ids.light);
      assert.equal(now.find((x) => x.code === "switch_led")?.value, false);
      assert.equal(now.find((x) => x.code === "bright_value_v2")?.value, 800);
      const err = await rejection(dev.sendCommands(r.ids.light, [{ code: "bright_value_v2", value: "800" }]));
      assert.ok(err instanceof InputError);
      assert.match(err.message, /whole number/);
      assert.equal(r.emu.stats.commandsExecuted, 1);
      // The functions were read once for both sends.
      const fnPath = Object.keys(r.emu.stats.byPath).find((p) => p.endsWith("/functions"));
      assert.equal(fnPath && r.emu.stats.byPath[fnPath], 1);
      // validate:false leaves the check to Tuya (1104/1109-style errors from the server).
      await assert.rejects(dev.sendCommands(r.ids.light, [{ code: "bright_value_v2", value: "800" }], { validate: false }), ApiError);
    });

    it("a command to an offline device is Tuya's 2001", async () => {
      const err = await rejection(dev.sendCommands(r.ids.offline, { switch_1: true }));
      assert.equal((err as ApiError).code, 2001);
      assert.match(err.message, /offline/);
    });

    it("lists every project device page by page with last_row_key", async () => {
      const listed = await dev.list({ pageSize: 7 });
      assert.deepEqual(
        listed.map((x) => x.id),
        all,
      );
      assert.equal(r.emu.stats.byPath[f.list], 7);
    });
  });
}
