// What the cloud pushes when a device changes (reference §4 "Decoded shapes"): legacy protocol 4
// status reports and 20 lifecycle messages, and/or IoT Core 1000 property and 1001 lifecycle
// messages, depending on which families the project's messaging rules enable.
import { randomBytes } from "node:crypto";

export type Families = "legacy" | "iot-core" | "both";

export interface DeviceRef {
  id: string;
  productId: string;
  /** DP ids by code (position in the category's spec, from 1). */
  dpIds: Map<string, number>;
}

export interface Outgoing {
  deviceId: string;
  protocol: number;
  data: Record<string, unknown>;
}

export type Lifecycle = { kind: "online" } | { kind: "offline" } | { kind: "name"; name: string } | { kind: "delete" };

const dataId = () => randomBytes(12).toString("hex");
const legacy = (f: Families) => f !== "iot-core";
const core = (f: Families) => f !== "legacy";

export function statusMessages(d: DeviceRef, dps: { code: string; value: unknown }[], now: number, families: Families): Outgoing[] {
  const out: Outgoing[] = [];
  if (legacy(families)) {
    const status = dps.map((dp) => {
      const id = d.dpIds.get(dp.code);
      const s: Record<string, unknown> = { code: dp.code, t: now, value: dp.value };
      if (id !== undefined) s[String(id)] = typeof dp.value === "string" ? dp.value : JSON.stringify(dp.value);
      return s;
    });
    out.push({ deviceId: d.id, protocol: 4, data: { dataId: dataId(), devId: d.id, productKey: d.productId, status } });
  }
  if (core(families)) {
    const properties = dps.map((dp) => ({ code: dp.code, dpId: d.dpIds.get(dp.code) ?? 0, time: now, value: dp.value }));
    out.push({
      deviceId: d.id,
      protocol: 1000,
      data: { bizCode: "devicePropertyMessage", bizData: { devId: d.id, dataId: dataId(), productId: d.productId, properties }, ts: now },
    });
  }
  return out;
}

const LEGACY_CODES = { online: "online", offline: "offline", name: "nameUpdate", delete: "delete" } as const;
const CORE_CODES = { online: "deviceOnline", offline: "deviceOffline", name: "deviceNameUpdate", delete: undefined } as const;

export function lifecycleMessages(d: DeviceRef, e: Lifecycle, now: number, families: Families, uid: string): Outgoing[] {
  const out: Outgoing[] = [];
  const name = e.kind === "name" ? { name: e.name } : {};
  if (legacy(families)) {
    const bizData = e.kind === "online" || e.kind === "offline" ? { time: now } : { devId: d.id, ...name };
    out.push({ deviceId: d.id, protocol: 20, data: { devId: d.id, productKey: d.productId, bizCode: LEGACY_CODES[e.kind], bizData, ts: now } });
  }
  const coreCode = CORE_CODES[e.kind];
  if (core(families) && coreCode) {
    out.push({
      deviceId: d.id,
      protocol: 1001,
      data: { bizCode: coreCode, bizData: { devId: d.id, productId: d.productId, uid, time: now, ...name }, ts: now },
    });
  }
  return out;
}
