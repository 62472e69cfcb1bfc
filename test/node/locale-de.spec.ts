/**
 * The nodes in a German runtime: Node-RED's own i18n (the runtime under test's @node-red/util)
 * started with lang "de", our catalogs registered as Node-RED's loader registers them
 * ("<module>/<set>", nodes/locales/<lang>/<set>.json), and RED._ bound to it. The test helper's
 * RED._ is the identity, so it is replaced here by the runtime's one; everything else is the
 * helper's. Statuses, node errors, a service error's hint and a library error (a time it cannot read)
 * come out German.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { NodeAPI } from "node-red";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { MODULE } from "../../nodes/shared/i18n";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaLog from "../../nodes/tuya-log";
import tuyaStatus from "../../nodes/tuya-status";
import { runtimeModule } from "../support/node-red";
import { probe } from "../support/probe";
import { loadTuyaFlow, useTuyaEmulator } from "../support/tuya-suite";

type NodeModule = (RED: NodeAPI) => void;

interface RuntimeI18n {
  init(settings: { lang?: string }): void;
  registerMessageCatalog(namespace: string, dir: string, file: string): Promise<void>;
  _(key: string, params?: object): string;
  i: { language: string; changeLanguage(lang: string): Promise<unknown> };
}

const ROOT = join(__dirname, "..", "..");

async function germanRuntimeI18n(): Promise<RuntimeI18n> {
  const { i18n } = runtimeModule("@node-red/util") as { i18n: RuntimeI18n };
  // What Node-RED does at start with settings.lang = "de" (a no-op if this process started it before).
  i18n.init({ lang: "de" });
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; "node-red": { nodes: Record<string, string> } };
  assert.equal(pkg.name, MODULE, "the translator's namespace is the package name");
  for (const file of Object.values(pkg["node-red"].nodes)) {
    const set = basename(file, ".js");
    await i18n.registerMessageCatalog(`${pkg.name}/${set}`, join(ROOT, "nodes", "locales"), `${set}.json`);
  }
  if (i18n.i.language !== "de") await i18n.i.changeLanguage("de");
  return i18n;
}

describe("the nodes in a German runtime (lang de)", () => {
  let emu: TuyaEmulator;
  let i18n: RuntimeI18n;
  const emulator = useTuyaEmulator();
  before(async () => {
    emu = emulator();
    i18n = await germanRuntimeI18n();
  });

  /** The node module with the runtime's RED._ in place of the helper's identity. */
  const german =
    (mod: NodeModule): NodeModule =>
    (RED) => {
      RED._ = ((key: string, params?: object) => i18n._(key, params)) as NodeAPI["_"];
      mod(RED);
    };

  const n1 = probe("n1");
  const statusTexts = () => n1.statusTexts();
  /** The run's message, or what its Catch node got (msg.error.message is the error's name and message, "InputError: ..."). */
  const run = (msg: Record<string, unknown>) => n1.one(msg);

  it("the catalogs answer in German through Node-RED's i18n", () => {
    assert.equal(i18n._(`${MODULE}/tuya-status:tuya-status.label.devices`), "Geräte");
    assert.equal(i18n._(`${MODULE}/tuya-config:common.count.device`, { count: 2 }), "2 Geräte");
  });

  it("tuya-status shows German statuses while and after polling", async () => {
    await loadTuyaFlow(emu, [german(tuyaConfig), german(tuyaStatus)], { type: "tuya-status", format: "raw", devicesType: "msg", devices: "devices" });
    const { out, caught } = await run({ devices: [emu.devices[0].id, emu.devices[1].id] });
    assert.equal(caught, undefined, caught?.error.message);
    assert.ok(out);
    const texts = statusTexts();
    assert.ok(texts.includes("Status von 2 Geräten"), `requesting status in German: ${JSON.stringify(texts)}`);
    assert.match(texts.at(-1) ?? "", /^2 Geräte · \d\d:\d\d:\d\d$/);
  });

  it("tuya-status reports a missing device input with a German error and status", async () => {
    await loadTuyaFlow(emu, [german(tuyaConfig), german(tuyaStatus)], { type: "tuya-status", devicesType: "msg", devices: "devices" });
    const { out, caught } = await run({ devices: "" });
    assert.equal(out, undefined);
    assert.match(caught?.error.message ?? "", /^InputError: devices: kein Gerät angegeben; wählen Sie Geräte im Dialog des Nodes aus/);
    assert.match(statusTexts().at(-1) ?? "", /^devices: kein Gerät/);
  });

  it("a node without its config node says so in German", async () => {
    await loadTuyaFlow(emu, [german(tuyaConfig), german(tuyaStatus)], { type: "tuya-status", devicesType: "msg", devices: "devices" }, { withConfig: false });
    assert.equal(statusTexts().at(-1), "kein Konfigurations-Node");
    const { caught } = await run({ devices: emu.devices[0].id });
    assert.match(caught?.error.message ?? "", /^ConfigMissingError: Kein tuya-config-Node ausgewählt/);
  });

  it("a Tuya error keeps its code and service text and gets the German hint", async () => {
    await loadTuyaFlow(emu, [german(tuyaConfig), german(tuyaStatus)], { type: "tuya-status", devicesType: "msg", devices: "devices" });
    emu.faults.failNext(1, { code: 1106, msg: "permission deny", path: "/status" });
    const { caught } = await run({ devices: emu.devices[0].id });
    assert.match(
      caught?.error.message ?? "",
      /^ApiError: Tuya 1106 permission deny: Zugriff verweigert: Das Gerät ist nicht mit diesem Cloud-Projekt verknüpft/,
    );
    assert.equal(statusTexts().at(-1), "Tuya 1106: permission deny");
  });

  it("a library error (a start time it cannot read) is shown in German", async () => {
    const props = { type: "tuya-log", window: "absolute", start: "gestern", startType: "str", devicesType: "msg", devices: "devices" };
    await loadTuyaFlow(emu, [german(tuyaConfig), german(tuyaLog)], props);
    const before = emu.stats.requests;
    const { out, caught } = await run({ devices: emu.devices[0].id });
    assert.equal(out, undefined);
    assert.match(caught?.error.message ?? "", /^InputError: "gestern" ist als Zeitangabe \(start\) nicht lesbar: Verwenden Sie ein Datum nach ISO 8601/);
    assert.equal(emu.stats.requests, before, "nothing was sent");
  });
});
