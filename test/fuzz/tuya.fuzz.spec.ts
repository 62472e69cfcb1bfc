/**
 * Fuzz of the Tuya flow nodes (issue 12 item 8): 1,000 generated messages per node through a
 * flow against the emulator. Each ends in exactly one completion or one caught error; input the
 * library's validators refuse is refused before any request (an InputError); nothing a node
 * emits holds the access secret, a token or a device's local_key. tuya-events takes no input
 * (it is fed by the message service), so it has no message to fuzz.
 */
import fc from "fast-check";
import { TuyaEmulator } from "../../src/emulator/tuya";
import { isTokenPath, normalizeCommands, parseEventTypes, parseLogCodes } from "../../src/tuya";
import { resolveDevices } from "../../nodes/tuya-common";
import { helper } from "../support/node-red";
import { probeNodes } from "../support/probe";
import { extras, garbage, polluting, tuyaDevices, windowParts } from "./arbitraries";
import { assertFuzzKept, refuses, sample, windowRefused, type FuzzCase, useFuzzEmulator, localKeys } from "./fuzz-run";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";
import tuyaLog from "../../nodes/tuya-log";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaInfo from "../../nodes/tuya-info";
import tuyaRequest from "../../nodes/tuya-request";

describe("fuzz: Tuya nodes, 1,000 generated messages each", function () {
  this.timeout(240_000);
  const emulator = useFuzzEmulator(() => new TuyaEmulator({ qps: 0, logIntervalSec: 3600 }));
  let emu: TuyaEmulator;
  let known: string[];
  before(() => {
    emu = emulator();
    known = emu.devices.map((d) => d.id);
  });

  async function load(modules: Parameters<typeof helper.load>[0], n1: Record<string, unknown>): Promise<void> {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, rps: 1000, timeout: 5 },
      { id: "n1", z: "t1", tuya: "cfg", ...n1, wires: [["h1"]] },
      ...probeNodes(),
    ];
    await helper.load(modules, flow as never, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
  }

  async function fuzz(cases: FuzzCase[], keepLocalKeys = false): Promise<void> {
    const secrets = () => [emu.accessSecret, ...emu.issuedTokens(), ...(keepLocalKeys ? [] : localKeys(emu))];
    await assertFuzzKept(cases, { requests: () => emu.stats.requests, secrets });
  }

  it("tuya-status", async () => {
    await load([tuyaConfig, tuyaStatus], {
      type: "tuya-status",
      devicesType: "msg",
      devices: "devices",
      format: "records",
      output: "single",
      applySpec: true,
      includeOnline: true,
    });
    const cases = sample(fc.record({ x: extras, devices: tuyaDevices(known) })).map(({ x, devices }) => ({
      msg: { ...x, devices },
      invalid: refuses(() => resolveDevices(devices)),
    }));
    await fuzz(cases);
  });

  it("tuya-log", async () => {
    await load([tuyaConfig, tuyaLog], {
      type: "tuya-log",
      devicesType: "msg",
      devices: "devices",
      window: "absolute",
      start: "start",
      startType: "msg",
      end: "end",
      endType: "msg",
      eventTypes: "eventTypes",
      eventTypesType: "msg",
      codes: "codes",
      codesType: "msg",
      format: "records",
      output: "all",
    });
    const types = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(undefined, 7, "7", "1,2,7", "all", ["online", 7], "report", "[7]") },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom("0", 11, "[7"), garbage) },
    );
    const codes = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(undefined, "switch_1", "pir, va_temperature", ["cur_power"], "") },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom("bad code!", [1]), garbage) },
    );
    const arb = fc.record({ x: extras, devices: tuyaDevices(known), w: windowParts(Date.now, 6 * 3600_000), eventTypes: types, codes });
    const cases = sample(arb).map(({ x, devices, w, eventTypes, codes: c }) => ({
      msg: { ...x, devices, ...w, eventTypes, codes: c },
      invalid:
        refuses(() => {
          resolveDevices(devices);
          parseEventTypes(eventTypes);
          parseLogCodes(c);
        }) || windowRefused(w),
    }));
    await fuzz(cases);
  });

  it("tuya-command", async () => {
    await load([tuyaConfig, tuyaCommand], {
      type: "tuya-command",
      devicesType: "msg",
      devices: "devices",
      commandsType: "msg",
      commands: "payload",
      validate: true,
    });
    const command = fc.oneof(
      fc.constantFrom(
        { switch_1: true },
        { switch_1: false },
        [{ code: "switch_1", value: true }],
        { commands: [{ code: "countdown_1", value: 60 }] },
        { switch_led: true },
        { bright_value_v2: 500 },
      ),
      fc.constantFrom({ switch_1: "yes" }, { nope: 1 }, [], {}, { commands: [] }, [{ code: "" }], [{ value: 1 }], { switch_1: null }, { countdown_1: 1e12 }),
      polluting,
      // Text that does not look like JSON (a JSON text is parsed first; normalizeCommands refuses text).
      garbage.filter((v) => typeof v !== "string" || !/^\s*[[{]/.test(v)),
    );
    // A share of commands each device's specification accepts (plug: switch_1, light: switch_led), so commands run too.
    const matched = fc.oneof(
      fc.record({ devices: fc.constant(known[0]), payload: fc.boolean().map((on) => ({ switch_1: on })) }),
      fc.record({ devices: fc.constant([known[3]]), payload: fc.boolean().map((on) => [{ code: "switch_led", value: on }]) }),
    );
    const arb = fc.oneof(matched, fc.record({ devices: tuyaDevices(known), payload: command }));
    const cases = sample(fc.record({ x: extras, c: arb })).map(({ x, c: { devices, payload } }) => ({
      msg: { ...x, devices, payload },
      invalid: refuses(() => {
        resolveDevices(devices);
        normalizeCommands(payload);
      }),
    }));
    await fuzz(cases);
  });

  it("tuya-info", async () => {
    await load([tuyaConfig, tuyaInfo], { type: "tuya-info", devicesType: "msg", devices: "devices", categoryType: "msg", category: "category" });
    const what = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(undefined, "details", "functions", "specification", "factory", "category", "list") },
      { weight: 2, arbitrary: garbage },
    );
    const category = fc.oneof(fc.constantFrom("cz", "pir", "wsdcg", "dj", "kg", "zz_unknown", "", "a b", "x".repeat(17)), garbage);
    const cases = sample(fc.record({ x: extras, what, devices: tuyaDevices(known), category })).map(({ x, what: w, devices, category: c }) => ({
      msg: { ...x, what: w, devices, category: c },
      invalid: refuses(() => {
        const chosen = w ?? "details";
        if (typeof chosen !== "string" || !["details", "functions", "specification", "factory", "category", "list"].includes(chosen)) throw new Error("what");
        if (chosen === "category" && (typeof c !== "string" || !/^[a-z0-9_]{1,16}$/i.test(c))) throw new Error("category");
        if (chosen !== "list" && chosen !== "category") resolveDevices(devices);
      }),
    }));
    await fuzz(cases);
  });

  it("tuya-request (its raw answer keeps local_key, as its help says: the scan looks for credentials and tokens)", async () => {
    await load([tuyaConfig, tuyaRequest], { type: "tuya-request" });
    const id = fc.constantFrom(...known, "unknowndevice00000001");
    const path = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.oneof(
          fc.constant("/v1.0/iot-03/devices"),
          id.map((d) => `/v1.0/iot-03/devices/${d}`),
          id.map((d) => `/v1.0/iot-03/devices/${d}/status`),
          id.map((d) => `/v1.0/iot-03/devices/${d}/functions?x=1`),
          id.map((d) => `/v1.0/iot-03/devices/${d}/commands`),
          fc.constant("/v1.0/iot-03/devices/status?device_ids=" + known.join(",")),
          fc.constant("/v9/nowhere"),
        ),
      },
      // Token paths in other spellings: refused or answered, never a token in the output.
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "/v1.0/token",
          "/v1.0/token?grant_type=1",
          "/v1.0/token/abc",
          "/v1.0//token",
          "/v1.0/./token",
          "/V1.0/TOKEN?grant_type=1",
          "/v1.0/iot-03/../token?grant_type=1",
          "/v1.0/token%3Fgrant_type=1",
          " /v1.0/token ",
        ),
      },
      { weight: 2, arbitrary: fc.oneof(fc.constantFrom("", "v1.0/devices", "//evil.example/v1.0", "http://127.0.0.1:1/x", "/a b", "/\n"), garbage) },
    );
    const method = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(undefined, "GET", "get", "POST", "PUT", "DELETE") },
      { weight: 2, arbitrary: fc.oneof(fc.constantFrom("PATCH", "TRACE", "G E T"), garbage) },
    );
    const query = fc.oneof({ weight: 7, arbitrary: fc.constantFrom(undefined, { page_size: 2 }, '{"a":1}', null) }, { weight: 3, arbitrary: garbage });
    const payload = fc.oneof(fc.constantFrom({ commands: [{ code: "switch_1", value: true }] }, 1733000000000), garbage);
    const cases = sample(fc.record({ method, path, query, payload })).map(({ method: m, path: p, query: q, payload: body }) => ({
      msg: { method: m, path: p, query: q, payload: body },
      invalid: refuses(() => {
        const verb = typeof m === "string" ? m.toUpperCase() : (m ?? "GET");
        if (!["GET", "POST", "PUT", "DELETE"].includes(verb as string)) throw new Error("method");
        if (typeof p !== "string" || !/^\/(?!\/)\S*$/.test(p.trim()) || isTokenPath(p.trim().split("?")[0])) throw new Error("path");
        let parsed: unknown = q;
        if (typeof q === "string" && q !== "") parsed = JSON.parse(q);
        if (parsed !== undefined && parsed !== null && parsed !== "" && (typeof parsed !== "object" || Array.isArray(parsed))) throw new Error("query");
      }),
    }));
    await fuzz(cases, true);
  });
});
