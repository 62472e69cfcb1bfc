/**
 * tuya-status: the current data points of one or many devices (batches of 20 per request), as
 * one message or one per device, in the raw, records, InfluxDB or per-reading format; optionally
 * with online state and device info, and optionally only what changed since the last poll.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat, type ReadingRecord } from "../src/core/records";
import { onlyChanged, statusToRecords, type LastValues, type TuyaDataPoint } from "../src/tuya";
import { contextGet, contextSet } from "./shared/context";
import { handleInput } from "./shared/input";
import { formatMessages, withParts, timeSetting } from "./shared/output";
import { translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { attachConfig, deviceLabel, readDevices, type DeviceRef, type TuyaConnection } from "./tuya-common";
import { migrate } from "./shared/migrate";

interface TuyaStatusDef extends NodeDef {
  timeAs?: string;
  tuya?: string;
  devices?: string;
  devicesType?: string;
  output?: string;
  format?: string;
  measurement?: string;
  applySpec?: boolean;
  includeOnline?: boolean;
  includeInfo?: boolean;
  changesOnly?: boolean;
}

/** One device's part of the result (the "raw" payload is an array of these). */
interface DeviceStatus {
  id: string;
  name?: string;
  status: TuyaDataPoint[];
  online?: boolean;
  info?: Record<string, unknown>;
}

export = function (RED: NodeAPI): void {
  function TuyaStatus(this: Node, def: TuyaStatusDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-status", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    const applySpec = def.applySpec !== false;
    const LAST_VALUES_KEY = "lastValues";

    const records = async (config: TuyaConnection, results: DeviceStatus[], warnings: string[], signal: AbortSignal): Promise<Map<string, ReadingRecord[]>> => {
      const lookup = applySpec
        ? await config.devices.specifications(
            results.map((r) => r.id),
            { signal },
          )
        : undefined;
      // A device Tuya gives no specification for (2009 ...) still has a status: unscaled, with a warning.
      for (const r of results) {
        const reason = lookup?.failed.get(r.id);
        if (reason !== undefined) warnings.push(t("tuya-status.warnings.noSpec", { device: deviceLabel(r), reason }));
      }
      const time = new Date();
      const out = new Map<string, ReadingRecord[]>();
      for (const r of results) {
        const recs = statusToRecords(r.id, r.status, { deviceName: r.name, spec: lookup?.specs.get(r.id), time });
        if (r.online !== undefined) recs.push({ time, source: "tuya", device: r.id, deviceName: r.name, sensor: "online", name: "online", value: r.online });
        out.set(r.id, recs);
      }
      return out;
    };

    /** The status of each device Tuya answered for; the ones it left out come back in `missing`. */
    const fetchStatus = async (refs: DeviceRef[], signal: AbortSignal): Promise<{ results: DeviceStatus[]; missing: string[] }> => {
      const devices = attached.require().devices;
      const ids = refs.map((r) => r.id);
      let points: Map<string, TuyaDataPoint[]>;
      let infos: Map<string, Record<string, unknown>> | undefined;
      if (def.includeInfo || def.includeOnline) {
        const both = await devices.statusWithInfoMany(ids, { signal });
        points = new Map(both.status.map((b) => [b.id, b.status]));
        infos = new Map(both.info.map((i) => [String(i.id), i]));
      } else {
        points = new Map((await devices.statusMany(ids, { signal })).map((b) => [b.id, b.status]));
      }
      // Not an empty status: a device the batch left out (not in the project, another region) is reported.
      const missing = refs.filter((ref) => !points.has(ref.id)).map((ref) => ref.id);
      const results = refs
        .filter((ref) => points.has(ref.id))
        .map((ref) => {
          const info = infos?.get(ref.id);
          const name = ref.name ?? (typeof info?.name === "string" ? info.name : undefined);
          const entry: DeviceStatus = { id: ref.id, ...(name ? { name } : {}), status: points.get(ref.id) ?? [] };
          if (def.includeOnline && info) entry.online = info.online === true;
          if (def.includeInfo && info) entry.info = info; // local_key is stripped on the way out (shared/input.ts)
          return entry;
        });
      return { results, missing };
    };

    handleInput(this, status, async ({ msg, send, signal }) => {
      const config = attached.require();
      const refs = await readDevices(RED, this, msg, def.devicesType, def.devices);
      status.requesting(t("tuya-status.status.statusOf", { count: refs.length }));
      const fetched = await fetchStatus(refs, signal);
      let results = fetched.results;
      const { missing } = fetched;
      let last: LastValues | undefined;
      if (def.changesOnly) {
        last = (await contextGet<LastValues>(this.context(), LAST_VALUES_KEY)) ?? {};
        results = onlyChanged(results, last);
      }
      const warnings: string[] = [];
      const recs = format === "raw" ? new Map<string, ReadingRecord[]>() : await records(config, results, warnings, signal);
      if (missing.length) warnings.push(t("tuya-status.warnings.missing", { ids: missing.join(", ") }));
      // Every message sent carries what went wrong (formatMessages copies msg).
      const m = msg as NodeMessageInFlow & { missing?: string[]; warnings?: string[] };
      if (missing.length) m.missing = missing;
      if (warnings.length) m.warnings = warnings;
      const options = { format, measurement: def.measurement || undefined, timeAs: timeSetting(def.timeAs) };
      let out: NodeMessage[];
      if (def.output === "each") {
        out = results.flatMap((r, i) => {
          const msgs = formatMessages(msg, r, recs.get(r.id) ?? [], { ...options, topic: deviceLabel(r) });
          return format === "messages" ? msgs : msgs.map((m) => withParts(m, msg._msgid, i, i === results.length - 1));
        });
      } else {
        const topic = refs.length === 1 ? deviceLabel(results[0] ?? refs[0]) : undefined;
        out = results.length > 0 ? formatMessages(msg, results, [...recs.values()].flat(), { ...options, topic }) : [];
      }
      if (last) await contextSet(this.context(), LAST_VALUES_KEY, last);
      if (out.length > 0) send([out]);
      for (const w of warnings) this.warn(w);
      if (missing.length) status.warning(t("tuya-status.status.missing", { missing: missing.length, count: refs.length }));
      else if (warnings.length)
        status.warning(`${t("common.count.device", { count: results.length })} · ${t("common.status.withoutSpec", { n: warnings.length })}`);
      else if (def.changesOnly && results.length === 0) status.success(t("tuya-status.status.noChange"));
      else status.success(t(def.changesOnly ? "tuya-status.status.changed" : "common.count.device", { count: results.length }));
    });
  }

  RED.nodes.registerType("tuya-status", TuyaStatus);
};
