/**
 * tuya-events: realtime device events from Tuya's message service, pushed instead of polled.
 * Every tuya-events node on one tuya-config shares its connection (src/tuya/events does the
 * acking, de-duplication, keepalive and reconnects); this node filters by devices, event types
 * and codes, and sends one message per event in tuya-status's formats, msg.topic = device/code.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { isOutputFormat, type OutputFormat } from "../src/core/records";
import { applyFilter, eventToRecords, listSetting, polledStatusEvent, type ConsumerState, type TuyaEvent, type Undecodable } from "../src/tuya";
import { formatMessages, timeSetting } from "./shared/output";
import { reportError } from "./shared/input";
import { translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { attachConfig, resolveDevices, type DeviceRef, type TuyaConnection } from "./tuya-common";
import { deviceNames } from "./tuya-events-common";
import { migrate } from "./shared/migrate";

interface TuyaEventsDef extends NodeDef {
  tuya?: string;
  devices?: string;
  devicesType?: string;
  types?: string;
  codes?: string;
  format?: string;
  measurement?: string;
  timeAs?: string;
  applySpec?: boolean;
  statusOnStart?: boolean;
}

const clock = () => new Date().toLocaleTimeString([], { hour12: false });

function pickedDevices(def: TuyaEventsDef): DeviceRef[] {
  const text = (def.devices ?? "").trim();
  if (!text) return [];
  return resolveDevices(def.devicesType === "json" ? (JSON.parse(text) as unknown) : text, { required: false });
}

/** What the status line says about an event: "pir=pir", "online", "name=Kitchen". */
function summary(e: TuyaEvent): string {
  if (e.status.length) return e.status.map((s) => `${s.code}=${typeof s.value === "object" ? JSON.stringify(s.value) : String(s.value)}`).join(", ");
  return e.type === "name" && e.deviceName ? `name=${e.deviceName}` : e.type;
}

export = function (RED: NodeAPI): void {
  function TuyaEvents(this: Node, def: TuyaEventsDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-events", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);
    const format: OutputFormat = isOutputFormat(def.format) ? def.format : "records";
    let refs: DeviceRef[];
    try {
      refs = pickedDevices(def);
    } catch (err) {
      status.error(err);
      reportError(this, err, {}, `Devices: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const config: TuyaConnection | undefined = attached.config;
    if (!config) return;
    const filter = { devices: new Set(refs.map((r) => r.id)), types: listSetting(def.types), codes: listSetting(def.codes) };
    const names = new Map(refs.flatMap((r) => (r.name ? [[r.id, r.name] as const] : [])));
    const warned = new Set<string>();
    const warnOnce = (key: string, text: string) => {
      if (warned.has(key)) return;
      warned.add(key);
      this.warn(text);
    };
    let lastEvent = "";
    let chain = Promise.resolve();

    const emit = async (e: TuyaEvent): Promise<void> => {
      if (e.type === "name" && e.deviceName) names.set(e.deviceId, e.deviceName);
      const deviceName = names.get(e.deviceId) ?? (await deviceNames(config, () => config.devices.list())).get(e.deviceId);
      let spec;
      if (def.applySpec !== false && e.status.length && format !== "raw") {
        try {
          spec = (await config.devices.specifications([e.deviceId])).specs.get(e.deviceId);
        } catch (err) {
          warnOnce(`spec:${e.deviceId}`, `No specification for ${e.deviceId} (${err instanceof Error ? err.message : String(err)}): its values are not scaled`);
        }
      }
      const label = deviceName || e.deviceId;
      const topic = e.status.length === 1 ? `${label}/${e.status[0].code}` : e.status.length ? label : `${label}/${e.type}`;
      const { raw: _raw, ...event } = { ...e, ...(deviceName && e.type !== "name" ? { deviceName } : {}) };
      const base = { _msgid: RED.util.generateId(), event } as unknown as NodeMessageInFlow;
      const msgs = formatMessages(base, e, format === "raw" ? [] : eventToRecords(e, { deviceName, spec }), {
        format,
        measurement: def.measurement || undefined,
        topic,
        timeAs: timeSetting(def.timeAs),
      });
      if (msgs.length) this.send([msgs]);
      lastEvent = `${label}: ${summary(e)}`;
      status.set({ fill: "green", shape: "dot", text: `${lastEvent} · ${clock()}`.slice(0, 60) });
    };
    const queue = (e: TuyaEvent) => {
      const seen = applyFilter(e, filter);
      if (seen) chain = chain.then(() => emit(seen)).catch((err: unknown) => reportError(this, err, { event: seen }));
    };

    // "Status on start": one poll of the node's devices each time the connection opens.
    const pollOnStart = async () => {
      const ids = refs.length ? refs.map((r) => r.id) : [...(await deviceNames(config, () => config.devices.list())).keys()];
      if (!ids.length) return;
      const time = new Date();
      for (const d of await config.devices.statusMany(ids)) queue(polledStatusEvent(d.id, d.status, time));
    };

    const onState = (s: ConsumerState) => {
      if (s.state === "connecting") status.connecting();
      else if (s.state === "connected") {
        status.set(
          lastEvent
            ? { fill: "green", shape: "dot", text: `${lastEvent}`.slice(0, 60) }
            : { fill: "green", shape: "ring", text: t("tuya-events.status.noEventsYet") },
        );
        if (def.statusOnStart)
          pollOnStart().catch((err: unknown) =>
            this.warn(t("tuya-events.warnings.statusOnStart", { error: err instanceof Error ? err.message : String(err) })),
          );
      } else if (s.state === "reconnecting") status.warning(t("tuya-events.status.reconnecting", { seconds: Math.ceil(s.delayMs / 1000), reason: s.reason }));
      else if (s.state === "refused")
        status.set({ fill: "red", shape: "ring", text: t("tuya-events.status.refused", { status: s.status, seconds: Math.ceil(s.delayMs / 1000) }) });
    };
    const onProblem = (p: { message: string }) => this.warn(p.message);
    const onUndecodable = (u: Undecodable) => warnOnce(`u:${u.reason}`, t("tuya-events.warnings.undecodable", { reason: u.reason }));

    let consumer;
    try {
      consumer = config.events.acquire();
    } catch (err) {
      status.error(err);
      return;
    }
    consumer.on("state", onState);
    consumer.on("event", queue);
    consumer.on("problem", onProblem);
    consumer.on("undecodable", onUndecodable);
    onState(consumer.state);
    const c = consumer;
    this.on("close", (_removed: boolean, done: () => void) => {
      c.off("state", onState);
      c.off("event", queue);
      c.off("problem", onProblem);
      c.off("undecodable", onUndecodable);
      config.events.release().then(done, done);
    });
  }

  RED.nodes.registerType("tuya-events", TuyaEvents);
};
