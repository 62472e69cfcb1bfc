// Where the emulated project's events come from: commands through the OpenAPI, the simulated
// sensors' reports (polled from the log model on a timer), online/offline blips and renames,
// plus the admin paths that publish any message and inject faults.
import { CATEGORIES, type DeviceRecord } from "../devices";
import type { Project } from "../project";
import type { Encryption } from "./crypto";
import type { DeviceRef } from "./messages";
import type { MessageService, MqEnv } from "./service";

function ref(d: DeviceRecord): DeviceRef {
  const specs = CATEGORIES[d.category]?.status ?? [];
  return { id: d.id, productId: d.productId, dpIds: new Map(specs.map((s, i) => [s.code, i + 1])) };
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v === "") throw new Error(`${what} is required`);
  return v;
};

export class EventSources {
  private readonly lastReported = new Map<string, Map<string, string>>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly project: Project,
    private readonly service: MessageService,
    private readonly now: () => number,
    /** Keeps the emulator's public device list in step. */
    private readonly mirror: (d: DeviceRecord) => void,
  ) {
    project.onCommand = (d, dps) => service.statusChanged(ref(d), dps);
  }

  private device(id: unknown): DeviceRecord {
    const d = this.project.device(str(id, "deviceId"));
    if (!d) throw new Error(`unknown device ${String(id)}`);
    return d;
  }

  setOnline(deviceId: string, online: boolean): void {
    const d = this.device(deviceId);
    d.online = online;
    this.mirror(d);
    this.service.lifecycle(ref(d), { kind: online ? "online" : "offline" }, this.project.info.uid);
  }

  rename(deviceId: string, name: string): void {
    const d = this.device(deviceId);
    d.name = name;
    this.mirror(d);
    this.service.lifecycle(ref(d), { kind: "name", name }, this.project.info.uid);
  }

  /** Publishes the sensor readings that changed since the last call (the first call only remembers). */
  reportSensors(): number {
    let published = 0;
    const t = this.now();
    for (const d of this.project.devices) {
      if (!d.online) continue;
      const last = this.lastReported.get(d.id);
      const current = new Map(this.project.status(d, t).map((dp) => [dp.code, JSON.stringify(dp.value)] as const));
      this.lastReported.set(d.id, current);
      if (!last) continue;
      const changed = [...current]
        .filter(([code, v]) => last.get(code) !== v && !d.state.has(code))
        .map(([code, v]) => ({ code, value: JSON.parse(v) as unknown }));
      if (changed.length) {
        this.service.statusChanged(ref(d), changed);
        published++;
      }
    }
    return published;
  }

  startSensorReports(everyMs: number): void {
    this.stopSensorReports();
    if (everyMs <= 0) return;
    this.reportSensors();
    this.ticker = setInterval(() => this.reportSensors(), everyMs);
    this.ticker.unref();
  }

  stopSensorReports(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** POST/GET /_emulator/mq/... ; undefined for other paths. */
  admin(route: string, b: Record<string, unknown>): unknown {
    const s = this.service;
    const f = s.faults;
    const n = typeof b.count === "number" ? b.count : 1;
    switch (route) {
      case "GET /_emulator/mq/stats":
        return { ...s.stats, backlog: s.backlog(), consumers: s.consumerCount() };
      case "POST /_emulator/mq/publish": {
        const d = this.device(b.deviceId);
        const protocol = typeof b.protocol === "number" ? b.protocol : 4;
        const enc = b.encryption === "gcm" || b.encryption === "ecb" ? (b.encryption as Encryption) : undefined;
        s.publish({ deviceId: d.id, protocol, data: b.data ?? { devId: d.id, productKey: d.productId, status: b.status ?? [] }, encryption: enc });
        return { ok: true };
      }
      case "POST /_emulator/mq/online":
        this.setOnline(str(b.deviceId, "deviceId"), b.online !== false);
        return { ok: true };
      case "POST /_emulator/mq/rename":
        this.rename(str(b.deviceId, "deviceId"), str(b.name, "name"));
        return { ok: true };
      case "POST /_emulator/mq/sensors":
        return { ok: true, published: this.reportSensors() };
      case "POST /_emulator/mq/environment": {
        const env = str(b.env, "env") as MqEnv;
        if (env !== "event" && env !== "event-test") throw new Error("env must be event or event-test");
        s.environments[env] = b.enabled !== false;
        return { ok: true };
      }
      case "POST /_emulator/mq/encryption":
        if (b.encryption !== "ecb" && b.encryption !== "gcm") throw new Error("encryption must be ecb or gcm");
        s.encryption = b.encryption;
        return { ok: true };
      case "POST /_emulator/mq/faults": {
        switch (b.fault) {
          case "close":
            f.closeAll(typeof b.code === "number" ? b.code : 1011);
            break;
          case "halfOpen":
            f.halfOpen();
            break;
          case "duplicate":
            f.duplicateNext(n);
            break;
          case "corrupt":
            f.corruptNext(n);
            break;
          case "unknownProtocol":
            f.unknownProtocolNext(n);
            break;
          case "noProperties":
            f.noPropertiesNext(n);
            break;
          case "handshake":
            f.failHandshakes(n, typeof b.status === "number" ? b.status : 500);
            break;
          case "dropAcks":
            f.dropAcks(n);
            break;
          default:
            throw new Error("fault must be one of close, halfOpen, duplicate, corrupt, unknownProtocol, noProperties, handshake, dropAcks");
        }
        return { ok: true };
      }
      default:
        return undefined;
    }
  }
}
