/**
 * One event shape for every protocol (reference §4 "Decoded shapes"): legacy 4 (status) and 20
 * (online/offline/rename/…), IoT Core 1000 (properties) and 1001 (lifecycle). `devId` of
 * protocol 20 is read at the top level and in bizData, as SDKs disagree; status times are `t`
 * (legacy) or `time` (IoT Core).
 */
export type TuyaEventType = "status" | "online" | "offline" | "name" | "delete" | "bind" | "unbind" | "event" | (string & {});

export interface TuyaEventStatus {
  code: string;
  value: unknown;
  time: Date;
}

export interface TuyaEvent {
  type: TuyaEventType;
  deviceId: string;
  productId?: string;
  /** Device name: the new one for a rename, else the config's name when known. */
  deviceName?: string;
  /** When it happened (the report's time, else the push time). */
  time: Date;
  status: TuyaEventStatus[];
  protocol: number;
  bizCode?: string;
  messageId: string;
  /** The decrypted data as received. */
  raw: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

function dateOf(v: unknown, fallback: number): Date {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return new Date(fallback);
  // Some lifecycle times are epoch seconds.
  return new Date(n < 1e11 ? n * 1000 : n);
}

function statusList(list: unknown, timeKey: "t" | "time", fallback: number): TuyaEventStatus[] {
  if (!Array.isArray(list)) return [];
  const out: TuyaEventStatus[] = [];
  for (const s of list) {
    if (!isObject(s) || typeof s.code !== "string") continue;
    out.push({ code: s.code, value: s.value, time: dateOf(s[timeKey] ?? s.t ?? s.time, fallback) });
  }
  return out;
}

const LEGACY_TYPES: Readonly<Record<string, TuyaEventType>> = { online: "online", offline: "offline", nameUpdate: "name", delete: "delete", bindUser: "bind" };
const CORE_TYPES: Readonly<Record<string, TuyaEventType>> = {
  devicePropertyMessage: "status",
  deviceQueryPropertyMessage: "status",
  deviceEventMessage: "event",
  deviceActionResponseMessage: "action",
  deviceOnline: "online",
  deviceOffline: "offline",
  deviceNameUpdate: "name",
  deviceBindSpace: "bind",
  deviceUnbindSpace: "unbind",
};

export class UnknownProtocolError extends Error {
  constructor(readonly protocol: number) {
    super(`unknown protocol ${protocol}`);
  }
}

/**
 * The event in a decrypted envelope; `pushTime` is the envelope's `t` (fallback for times).
 * Throws UnknownProtocolError for protocols other than 4, 20, 1000, 1001, and Error for data
 * without a device.
 */
export function normaliseEvent(protocol: number, data: unknown, pushTime: number, messageId: string): TuyaEvent {
  if (!isObject(data)) throw new Error("decrypted data is not an object");
  const base = (type: TuyaEventType, deviceId: string | undefined, productId: unknown, time: Date, status: TuyaEventStatus[], bizCode?: string): TuyaEvent => {
    if (!deviceId) throw new Error(`protocol ${protocol} message without a device id`);
    const e: TuyaEvent = { type, deviceId, time, status, protocol, messageId, raw: data };
    const product = text(productId);
    if (product) e.productId = product;
    if (bizCode) e.bizCode = bizCode;
    return e;
  };
  switch (protocol) {
    case 4: {
      const status = statusList(data.status, "t", pushTime);
      const time = status.length ? new Date(Math.max(...status.map((s) => s.time.getTime()))) : new Date(pushTime);
      return base("status", text(data.devId), data.productKey, time, status);
    }
    case 20: {
      const biz = isObject(data.bizData) ? data.bizData : {};
      const bizCode = text(data.bizCode) ?? "unknown";
      const e = base(
        LEGACY_TYPES[bizCode] ?? bizCode,
        text(data.devId) ?? text(biz.devId),
        data.productKey ?? biz.productKey,
        dateOf(biz.time ?? data.ts, pushTime),
        [],
        bizCode,
      );
      if (e.type === "name" && typeof biz.name === "string") e.deviceName = biz.name;
      return e;
    }
    case 1000:
    case 1001: {
      const biz = isObject(data.bizData) ? data.bizData : {};
      const bizCode = text(data.bizCode) ?? "unknown";
      const status = protocol === 1000 ? statusList(biz.properties, "time", pushTime) : [];
      const time = status.length ? new Date(Math.max(...status.map((s) => s.time.getTime()))) : dateOf(biz.time ?? data.ts, pushTime);
      const e = base(CORE_TYPES[bizCode] ?? bizCode, text(biz.devId) ?? text(data.devId), biz.productId ?? biz.productKey, time, status, bizCode);
      if (e.type === "name" && typeof biz.name === "string") e.deviceName = biz.name;
      return e;
    }
    default:
      throw new UnknownProtocolError(protocol);
  }
}

/**
 * What makes two deliveries the same happening, whichever family or message carried them:
 * device, type and the report times of its codes (or the event time).
 */
export function contentKey(e: TuyaEvent): string {
  const parts = e.status.length
    ? e.status
        .map((s) => `${s.code}@${s.time.getTime()}`)
        .sort()
        .join(",")
    : String(e.time.getTime());
  return `${e.type}|${e.deviceId}|${parts}`;
}
