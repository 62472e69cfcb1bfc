/**
 * tuya-info: device details, functions, specification or factory info (batched where the API
 * allows), a category's functions, or the project's device list. One message out: the result for
 * one device, an object keyed by device id for several, the array for the device list.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { TuyaDevices } from "../src/tuya";
import { evaluate, handleInput } from "./shared/input";
import { inputError, translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { attachConfig, deviceLabel, readDevices, type DeviceRef } from "./tuya-common";
import { migrate } from "./shared/migrate";

const WHAT = ["details", "functions", "specification", "factory", "category", "list"] as const;
type What = (typeof WHAT)[number];

interface TuyaInfoDef extends NodeDef {
  tuya?: string;
  what?: string;
  devices?: string;
  devicesType?: string;
  category?: string;
  categoryType?: string;
}

function readWhat(value: unknown, setting: string | undefined): What {
  const what = value ?? setting;
  if (typeof what !== "string" || !(WHAT as readonly string[]).includes(what)) {
    throw inputError("tuya-info.errors.badWhat", { what: JSON.stringify(what), choices: WHAT.join(", ") });
  }
  return what as What;
}

/**
 * Per-device results keyed by device id (the batched calls answer with an `id` on each entry).
 * Matched by id only: a batch leaves out devices it cannot answer for, so a position would be
 * another device's entry. Those get null.
 */
function keyById(refs: DeviceRef[], results: Record<string, unknown>[]): Record<string, unknown> {
  const byId = new Map(results.map((r) => [String(r.id), r]));
  return Object.fromEntries(refs.map((ref) => [ref.id, byId.get(ref.id) ?? null]));
}

async function perDevice(refs: DeviceRef[], what: What, devices: TuyaDevices, signal: AbortSignal): Promise<Record<string, unknown>> {
  const ids = refs.map((r) => r.id);
  if (what === "details") return keyById(refs, ids.length === 1 ? [await devices.info(ids[0], { signal })] : await devices.infoMany(ids, { signal }));
  if (what === "factory") return keyById(refs, await devices.factoryInfos(ids, { signal }));
  const call = what === "functions" ? devices.functions.bind(devices) : devices.specification.bind(devices);
  const results = await Promise.all(ids.map((id) => call(id, { signal })));
  return Object.fromEntries(ids.map((id, i) => [id, results[i]]));
}

export = function (RED: NodeAPI): void {
  function TuyaInfo(this: Node, def: TuyaInfoDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-info", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);

    handleInput(this, status, async ({ msg, send, signal }) => {
      const devices = attached.require().devices;
      const what = readWhat((msg as { what?: unknown }).what, def.what);
      if (what === "list") {
        status.requesting(t("tuya-info.status.list"));
        msg.payload = await devices.list({ signal });
        status.success(t("common.count.device", { count: (msg.payload as unknown[]).length }));
      } else if (what === "category") {
        const category = (await evaluate(RED, this, msg, def.categoryType || "str", def.category)) ?? (msg as { category?: unknown }).category;
        if (typeof category !== "string" || !/^[a-z0-9_]{1,16}$/i.test(category)) {
          throw inputError("tuya-info.errors.badCategory", { category: JSON.stringify(category) ?? "undefined" });
        }
        status.requesting(t("tuya-info.status.categoryFunctions", { category }));
        msg.payload = await devices.categoryFunctions(category, { signal });
        msg.topic = category;
        status.success(category);
      } else {
        const refs = await readDevices(RED, this, msg, def.devicesType, def.devices);
        status.requesting(t("tuya-info.status.whatOf", { what, count: refs.length }));
        const byId = await perDevice(refs, what, devices, signal);
        if (refs.length === 1) {
          msg.payload = byId[refs[0].id];
          msg.topic = deviceLabel(refs[0]);
        } else msg.payload = byId;
        // Devices Tuya did not answer for (not in the project, or another region) are named, not silently null.
        const missing = refs.filter((r) => byId[r.id] === null).map((r) => r.id);
        if (missing.length) {
          (msg as { missing?: string[] }).missing = missing;
          status.warning(`${what} · ${t("tuya-info.status.missing", { missing: missing.length, n: refs.length })}`);
        } else status.success(`${what} · ${refs.length}`);
      }
      send(msg);
    });
  }

  RED.nodes.registerType("tuya-info", TuyaInfo);
};
