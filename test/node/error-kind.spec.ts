/**
 * One Catch -> Switch on msg.errorDetails.kind handles every cloud alike: a Tuya, a HOBOlink and
 * an eGauge node with rejected credentials all leave the Switch on its "auth" output; a node
 * without its config node leaves on "invalid" with a ConfigMissingError; a command for several
 * devices that fails on one is a CommandPartlyFailedError carrying each device's result.
 */
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import { EgaugeEmulator } from "../../src/emulator/egauge";
import { ERROR_KINDS } from "../../src/core/error-kind";
import { useEmulator } from "../support/emulator-suite";
import { registerSecrets } from "../support/emissions";
import { useExtraHoboEmulator } from "../support/hobo-suite";
import { helper, runtimeModule } from "../support/node-red";
import { useTuyaEmulator } from "../support/tuya-suite";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";

type Msg = NodeMessage & { errorDetails?: Record<string, unknown>; error?: { message: string; source?: { id: string } } };
type Flow = Parameters<typeof helper.load>[1];
type InputNode = { on(event: "input", fn: (msg: Msg) => void): unknown; receive(msg: unknown): void };

const WRONG_SECRET = "wrongsecret-errorkind-00000000xx";
const WRONG_TOKEN = "WrongTokenForTheErrorKindSpec000000000000000000";
const WRONG_PASSWORD = "wrong-errorkind-password";

describe("error kinds in a flow (one Catch -> Switch for every cloud)", function () {
  this.timeout(30_000);
  const tuya = useTuyaEmulator();
  const hobo = useExtraHoboEmulator();
  const egauge = useEmulator(
    "eGauge",
    () => new EgaugeEmulator(),
    (emu) => registerSecrets(...emu.users.map((u) => u.pwd), ...emu.issuedTokens()),
    false,
  );
  before(() => registerSecrets(WRONG_SECRET, WRONG_TOKEN, WRONG_PASSWORD));

  /** The nodes under test, one Catch for the tab and a Switch with one output per kind, each to a helper "k-<kind>". */
  function flow(nodes: Record<string, unknown>[], configs: Record<string, unknown>[]): Flow {
    const rules = ERROR_KINDS.map((kind) => ({ t: "eq", v: kind, vt: "str" }));
    return [
      { id: "t1", type: "tab" },
      ...configs,
      ...nodes.map((n) => ({ z: "t1", wires: [[]], ...n })),
      { id: "catch-all", type: "catch", z: "t1", scope: null, uncaught: false, wires: [["kinds"]] },
      {
        id: "kinds",
        type: "switch",
        z: "t1",
        property: "errorDetails.kind",
        propertyType: "msg",
        rules,
        checkall: "false",
        outputs: rules.length,
        wires: ERROR_KINDS.map((k) => [`k-${k}`]),
      },
      ...ERROR_KINDS.map((k) => ({ id: `k-${k}`, type: "helper", z: "t1" })),
    ] as unknown as Flow;
  }

  /** Every message each Switch output got, by kind. */
  function outputs(): Record<string, Msg[]> {
    const got: Record<string, Msg[]> = {};
    for (const k of ERROR_KINDS) {
      got[k] = [];
      (helper.getNode(`k-${k}`) as unknown as InputNode).on("input", (m) => got[k].push(m));
    }
    return got;
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(check(), `waited for ${what}`);
  }

  const modules = [
    tuyaConfig,
    tuyaStatus,
    tuyaCommand,
    hoboConfig,
    hoboData,
    egaugeConfig,
    egaugeData,
    runtimeModule("@node-red/nodes/core/function/10-switch.js"),
  ] as Parameters<typeof helper.load>[0];

  it("rejected credentials: Tuya 1004, HOBOlink ATH-001 and eGauge AUTH all leave on the auth output", async () => {
    const t = tuya();
    const configs = [
      { id: "tcfg", type: "tuya-config", endpointMode: "custom", endpoint: t.url },
      { id: "hcfg", type: "hobo-config", flavour: "licor", endpoint: hobo().url, rpm: 100000, timeout: 10 },
      { id: "ecfg", type: "egauge-config", name: "Meter", meter: egauge().url, tls: "verify", timeout: 10 },
    ];
    const nodes = [
      { id: "tuya", type: "tuya-status", tuya: "tcfg", devices: t.devices[0].id, devicesType: "str", format: "raw", output: "single" },
      {
        id: "hobo",
        type: "hobo-data",
        hobo: "hcfg",
        loggers: [{ serial: hobo().loggers[0].serial }],
        loggersFromType: "list",
        window: "relative",
        span: "-1h",
        end: "now",
        endType: "str",
        format: "raw",
        output: "all",
      },
      { id: "egauge", type: "egauge-data", egauge: "ecfg", registers: ["Grid"], mode: "rates", format: "records", output: "all" },
    ];
    await helper.load(modules, flow(nodes, configs), {
      tcfg: { accessId: t.accessId, accessSecret: WRONG_SECRET },
      hcfg: { token: WRONG_TOKEN },
      ecfg: { user: "owner", password: WRONG_PASSWORD },
    });
    const got = outputs();
    for (const id of ["tuya", "hobo", "egauge"]) (helper.getNode(id) as unknown as InputNode).receive({ payload: "go" });
    await until(() => Object.values(got).flat().length === 3, "three caught errors");

    assert.deepEqual(got.auth.map((m) => [m.error?.source?.id, m.errorDetails?.platform, m.errorDetails?.code]).sort(), [
      ["egauge", "egauge", "AUTH"],
      ["hobo", "hobolink", "ATH-001"],
      ["tuya", "tuya", 1004],
    ]);
    for (const m of got.auth) assert.equal(m.errorDetails?.kind, "auth");
  });

  it("no config node: a ConfigMissingError on the invalid output; a partly failed command: a CommandPartlyFailedError with each device's result", async () => {
    const t = tuya();
    const [plug, offline] = [t.devices[0].id, t.devices.find((d) => !d.online)!.id];
    const configs = [{ id: "tcfg", type: "tuya-config", endpointMode: "custom", endpoint: t.url }];
    const nodes = [
      { id: "orphan", type: "tuya-status", tuya: "", devices: plug, devicesType: "str", format: "raw", output: "single" },
      {
        id: "cmd",
        type: "tuya-command",
        tuya: "tcfg",
        devices: JSON.stringify({ Plug: plug, Garage: offline }),
        devicesType: "json",
        commands: "payload",
        commandsType: "msg",
      },
    ];
    await helper.load(modules, flow(nodes, configs), { tcfg: { accessId: t.accessId, accessSecret: t.accessSecret } });
    const got = outputs();
    (helper.getNode("orphan") as unknown as InputNode).receive({ payload: "go" });
    (helper.getNode("cmd") as unknown as InputNode).receive({ payload: { switch_1: true } });
    await until(() => Object.values(got).flat().length === 2, "two caught errors");

    const [missing] = got.invalid;
    assert.deepEqual(
      [missing?.error?.source?.id, missing?.errorDetails?.name, missing?.errorDetails?.configType],
      ["orphan", "ConfigMissingError", "tuya-config"],
    );

    // 2001 device offline: the device could not be reached.
    const [partly] = got.network;
    assert.equal(partly?.errorDetails?.name, "CommandPartlyFailedError");
    assert.match(String(partly.error?.message), /failed for 1 of 2 devices/);
    assert.deepEqual(partly.errorDetails?.results, [
      { deviceId: plug, name: "Plug", ok: true },
      {
        deviceId: offline,
        name: "Garage",
        ok: false,
        code: 2001,
        message: (partly.errorDetails?.results as { message: string }[])[1].message,
        kind: "network",
        outcome: "not executed",
      },
    ]);
    assert.match((partly.errorDetails?.results as { message: string }[])[1].message, /2001/);
  });
});
