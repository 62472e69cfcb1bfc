/**
 * The Tuya nodes' config versions (see migrate.ts). Current: version 1 for every Tuya node.
 *
 * Version 0 (no `version`: the first wave) to 1, what changed:
 * - tuya-config: no endpoint mode meant "custom" when an endpoint URL was given, else "region";
 *   no requests-per-second meant no cap of the pack's own and no concurrency the client's 8
 *   (today's dialog suggests 10 and 4).
 * - tuya-command: without a command source the commands came from msg.payload (the first
 *   dialog's default; today's is the dialog's rows).
 * - tuya-log: event types given as text ("7", "1,7", "online, report") become the dialog's
 *   named choices (stored "1,7"), which replaced text as the default; no type meant text.
 * - tuya-events: no format meant records and no event types all of them (today's dialog suggests
 *   one message per reading and status events); an empty JSON device list (the first default,
 *   shown invalid in the editor) becomes empty text: all devices either way.
 * - tuya-status, tuya-info, tuya-request: an absent property meant the editor's default.
 * Everything absent otherwise (time as, specification, validation, message-service settings,
 * total time per call) meant the editor's default too, which the runner fills.
 */
import { parseEventTypes } from "../../src/tuya";
import { fill, OUTPUT, unchanged, windowDefaults, type Config, type Migration } from "./migration";

/** A device typed input as the dialogs default it: msg.devices. */
const DEVICES = { devices: "devices", devicesType: "msg" } as const;

function tuyaConfigV0(config: Config): Config {
  const custom = typeof config.endpoint === "string" && config.endpoint.trim() !== "";
  return fill(config, { endpointMode: custom ? "custom" : "region", rps: "", concurrency: "" });
}

function tuyaCommandV0(config: Config): Config {
  return fill(config, { commandsType: "msg", commands: "payload" });
}

/** Text event types the named choices can hold become those choices ("1,7"); anything else stays text (and fails as before). */
function tuyaLogV0(config: Config): Config {
  const out = fill(config, { eventTypesType: "str" });
  if (out.eventTypesType !== "str") return out;
  try {
    return { ...out, eventTypesType: "types", eventTypes: parseEventTypes(out.eventTypes).join(",") };
  } catch {
    return out;
  }
}

function tuyaEventsV0(config: Config): Config {
  const out = fill(config, { format: "records", types: "" });
  const emptyJson = out.devicesType === "json" && (out.devices === undefined || (typeof out.devices === "string" && out.devices.trim() === ""));
  return emptyJson ? { ...out, devices: "", devicesType: "str" } : out;
}

export const tuyaMigrations = {
  "tuya-config": {
    version: 1,
    defaults: {
      name: "",
      endpointMode: "region",
      region: "us",
      endpoint: "",
      family: "iot-03",
      lang: "en",
      totalTime: 60,
      timeout: 10,
      rps: 10,
      concurrency: 4,
      budget: "",
      mqEnv: "event",
      mqSuffix: "sub",
      mqUrl: "",
      mqCa: "",
    },
    steps: [tuyaConfigV0],
  },
  "tuya-status": {
    version: 1,
    defaults: { name: "", tuya: "", ...DEVICES, output: "single", ...OUTPUT, applySpec: true, includeOnline: false, includeInfo: false, changesOnly: false },
    steps: [unchanged],
  },
  "tuya-log": {
    version: 1,
    defaults: {
      name: "",
      tuya: "",
      ...DEVICES,
      ...windowDefaults("-24h"),
      eventTypes: "7",
      eventTypesType: "types",
      codes: "",
      codesType: "str",
      pageSize: 100,
      maxPages: "",
      ...OUTPUT,
      applySpec: true,
      output: "all",
      maxRows: "",
    },
    steps: [tuyaLogV0],
  },
  "tuya-command": {
    version: 1,
    defaults: { name: "", tuya: "", ...DEVICES, commands: "", commandsType: "rows", validate: true, rows: [] },
    steps: [tuyaCommandV0],
  },
  "tuya-info": {
    version: 1,
    defaults: { name: "", tuya: "", what: "details", ...DEVICES, category: "", categoryType: "str" },
    steps: [unchanged],
  },
  "tuya-request": {
    version: 1,
    defaults: { name: "", tuya: "", method: "GET", path: "", query: "", body: "" },
    steps: [unchanged],
  },
  "tuya-events": {
    version: 1,
    defaults: {
      name: "",
      tuya: "",
      devices: "",
      devicesType: "str",
      types: "status",
      codes: "",
      ...OUTPUT,
      format: "messages",
      applySpec: true,
      statusOnStart: false,
    },
    steps: [tuyaEventsV0],
  },
} satisfies Record<string, Migration>;
