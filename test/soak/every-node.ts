/**
 * One flow with every node type of the pack (the three config nodes and every flow node), pointed
 * at the emulators (or at relays in front of them), and a poll that sends each flow node one
 * message and waits until each has ended: a Complete node scoped to them all feeds "done", a
 * Catch node feeds "caught". Used by the redeploy and soak suites.
 */
import { EgaugeEmulator } from "../../src/emulator/egauge";
import type { HoboEmulator } from "../../src/emulator/hobo";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { registerSecrets } from "../support/emissions";
import { useEmulator } from "../support/emulator-suite";
import { useExtraHoboEmulator } from "../support/hobo-suite";
import { helper } from "../support/node-red";
import { useTuyaEmulator } from "../support/tuya-suite";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";
import tuyaLog from "../../nodes/tuya-log";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaInfo from "../../nodes/tuya-info";
import tuyaRequest from "../../nodes/tuya-request";
import tuyaEvents from "../../nodes/tuya-events";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";

export const MODULES = [tuyaConfig, tuyaStatus, tuyaLog, tuyaCommand, tuyaInfo, tuyaRequest, tuyaEvents, hoboConfig, hoboData, egaugeConfig, egaugeData];

export interface Emulators {
  tuya: TuyaEmulator;
  hobo: HoboEmulator;
  egauge: EgaugeEmulator;
}

/** The three emulators with the node suites' hooks (secrets registered for the scan, the flow unloaded after each test). */
export function useEveryEmulator(): () => Emulators {
  const tuya = useTuyaEmulator({ qps: 0 });
  const hobo = useExtraHoboEmulator({ legacyRateLimit: { requests: 1_000_000, windowMs: 60_000 } });
  const egauge = useEmulator(
    "eGauge",
    () => new EgaugeEmulator(),
    (e) => registerSecrets(...e.users.map((u) => u.pwd), ...e.issuedTokens()),
    false,
  );
  return () => ({ tuya: tuya(), hobo: hobo(), egauge: egauge() });
}

/** Where each config node sends its requests (the emulator's URL, or a relay's). */
export interface Endpoints {
  tuya: string;
  hobo: string;
  egauge: string;
}

/** The flow nodes polled, and the message each gets. */
export function pollMessages(emu: Emulators): Record<string, Record<string, unknown>> {
  const plug = emu.tuya.devices[0].id;
  return {
    status: { devices: plug },
    log: { devices: plug },
    command: { devices: plug, payload: { switch_1: true } },
    info: { devices: plug },
    request: { path: `/v1.0/iot-03/devices/${plug}/status` },
    hobo: { payload: 1 },
    egauge: { payload: 1 },
  };
}

/** The flow: every node type, each flow node wired to nothing (its output is not the point), Complete and Catch over them all. */
export function everyNodeFlow(at: Endpoints, options: { incremental?: boolean } = {}): Parameters<typeof helper.load>[1] {
  const window = options.incremental ? { window: "incremental", lookback: "-1h" } : { window: "relative", span: "-1h" };
  const flowNodes = [
    { id: "status", type: "tuya-status", tuya: "tcfg", devicesType: "msg", devices: "devices", format: "records", output: "single" },
    { id: "log", type: "tuya-log", tuya: "tcfg", devicesType: "msg", devices: "devices", ...window, format: "records", output: "all" },
    { id: "command", type: "tuya-command", tuya: "tcfg", devicesType: "msg", devices: "devices", commandsType: "msg", commands: "payload" },
    { id: "info", type: "tuya-info", tuya: "tcfg", devicesType: "msg", devices: "devices", what: "details" },
    { id: "request", type: "tuya-request", tuya: "tcfg", method: "GET" },
    { id: "hobo", type: "hobo-data", hobo: "hcfg", loggers: [{ serial: "21092695" }], loggersFromType: "list", ...window, format: "records", output: "all" },
    { id: "egauge", type: "egauge-data", egauge: "ecfg", registers: ["Grid"], mode: "history", resolution: "60", ...window, format: "records", output: "all" },
  ];
  return [
    { id: "t1", type: "tab" },
    { id: "tcfg", type: "tuya-config", endpointMode: "custom", endpoint: at.tuya, rps: 1000, timeout: 5 },
    { id: "hcfg", type: "hobo-config", flavour: "legacy", endpoint: at.hobo, rpm: 1_000_000, timeout: 5 },
    { id: "ecfg", type: "egauge-config", name: "Lab meter", meter: at.egauge, tls: "verify", timeout: 5 },
    ...flowNodes.map((n) => ({ ...n, z: "t1", wires: [[]] })),
    { id: "events", type: "tuya-events", z: "t1", tuya: "tcfg", devices: "", types: "", codes: "", format: "records", wires: [[]] },
    { id: "done", type: "complete", z: "t1", scope: flowNodes.map((n) => n.id), uncaught: false, wires: [["hdone"]] },
    { id: "hdone", type: "helper", z: "t1" },
    { id: "caught", type: "catch", z: "t1", scope: null, uncaught: false, wires: [["hcaught"]] },
    { id: "hcaught", type: "helper", z: "t1" },
  ] as never;
}

export function credentials(emu: Emulators): Record<string, Record<string, string>> {
  return {
    tcfg: { accessId: emu.tuya.accessId, accessSecret: emu.tuya.accessSecret },
    hcfg: { clientId: emu.hobo.legacy.clientId, clientSecret: emu.hobo.legacy.clientSecret, userId: emu.hobo.legacy.userId },
    ecfg: { user: "owner", password: "owner-pass" },
  };
}

type Probe = { on(e: "input", fn: (m: never) => void): unknown; removeListener(e: "input", fn: (m: never) => void): unknown };

/**
 * Sends every flow node its message and resolves once each has ended, with the errors caught
 * (one line per failed node; an empty list when every node completed).
 */
export async function pollEveryNode(messages: Record<string, Record<string, unknown>>): Promise<string[]> {
  const pending = new Map(Object.keys(messages).map((id) => [`poll-${id}-${Math.random()}`, id]));
  const errors: string[] = [];
  const [done, caught] = [helper.getNode("hdone") as unknown as Probe, helper.getNode("hcaught") as unknown as Probe];
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const end = (m: { _msgid?: string; error?: { message?: string } }, failed: boolean) => {
    const id = pending.get(String(m._msgid));
    if (id === undefined) return;
    pending.delete(String(m._msgid));
    if (failed) errors.push(`${id}: ${m.error?.message ?? "?"}`);
    if (pending.size === 0) finish();
  };
  const onDone = (m: never) => end(m, false);
  const onCaught = (m: never) => end(m, true);
  done.on("input", onDone);
  caught.on("input", onCaught);
  try {
    for (const [msgid, id] of pending) helper.getNode(id).receive({ ...messages[id], _msgid: msgid } as never);
    await all;
  } finally {
    done.removeListener("input", onDone);
    caught.removeListener("input", onCaught);
  }
  return errors;
}

/** Active handles by type (process.getActiveResourcesInfo without passing requests), e.g. {TCPSocketWrap: 3, Timeout: 2}. */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  // Requests (a file read, a DNS lookup: FSReqCallback, ...ReqWrap) are passing work, not resources held.
  for (const r of process.getActiveResourcesInfo()) if (!/Req/.test(r)) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Waits (a bounded number of short turns) until check() holds; returns whether it did. */
export async function settle(check: () => boolean, turns = 200): Promise<boolean> {
  for (let i = 0; i < turns; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
    // Checked a turn later: a timer is still listed as active while its own callback's promise settles.
    await new Promise((r) => setImmediate(r));
  }
  return check();
}
