// The emulated project's devices: fixtures, DP function specs per category (reference §4.2) and
// the rendering of device records for both path families.
import { createHash } from "node:crypto";

export type DpType = "Boolean" | "Integer" | "Enum" | "Json" | "String";

export interface DpSpec {
  code: string;
  type: DpType;
  /** Rendered as a JSON-encoded string in responses ("values":"{\"min\":0,...}"). */
  values: Record<string, unknown>;
  name: string;
  desc?: string;
}

export interface CategorySpec {
  /** Commandable DPs (functions). */
  functions: DpSpec[];
  /** Reported DPs (status); includes the functions, as Tuya's specification does. */
  status: DpSpec[];
}

const int = (min: number, max: number, scale: number, step: number, unit: string) => ({ min, max, scale, step, unit });
const bool = (code: string, name: string): DpSpec => ({ code, type: "Boolean", values: {}, name, desc: name });

const switchFns: DpSpec[] = [
  bool("switch_1", "Switch 1"),
  { code: "countdown_1", type: "Integer", values: int(0, 86400, 0, 1, "s"), name: "Countdown 1", desc: "Countdown 1" },
];
const meterStatus: DpSpec[] = [
  { code: "cur_current", type: "Integer", values: int(0, 30000, 0, 1, "mA"), name: "Current" },
  { code: "cur_power", type: "Integer", values: int(0, 50000, 1, 1, "W"), name: "Power" },
  { code: "cur_voltage", type: "Integer", values: int(0, 5000, 1, 1, "V"), name: "Voltage" },
];
const battery: DpSpec = { code: "battery_percentage", type: "Integer", values: int(0, 100, 0, 1, "%"), name: "Battery level" };
const lightFns: DpSpec[] = [
  bool("switch_led", "Switch"),
  { code: "work_mode", type: "Enum", values: { range: ["white", "colour", "scene", "music"] }, name: "Mode", desc: "Mode" },
  { code: "bright_value_v2", type: "Integer", values: int(10, 1000, 0, 1, ""), name: "Brightness", desc: "Brightness" },
  { code: "temp_value_v2", type: "Integer", values: int(0, 1000, 0, 1, ""), name: "Color temperature", desc: "Color temperature" },
  {
    code: "colour_data_v2",
    type: "Json",
    values: { h: int(0, 360, 0, 1, ""), s: int(0, 1000, 0, 1, ""), v: int(0, 1000, 0, 1, "") },
    name: "Colour",
    desc: "Colour (HSV)",
  },
];

export const CATEGORIES: Readonly<Record<string, CategorySpec>> = {
  cz: { functions: switchFns, status: [...switchFns, ...meterStatus] },
  kg: { functions: switchFns, status: switchFns },
  pir: { functions: [], status: [{ code: "pir", type: "Enum", values: { range: ["pir", "none"] }, name: "PIR state" }, battery] },
  wsdcg: {
    functions: [],
    status: [
      { code: "va_temperature", type: "Integer", values: int(-200, 600, 1, 1, "℃"), name: "Temperature" },
      { code: "va_humidity", type: "Integer", values: int(0, 100, 0, 1, "%"), name: "Humidity" },
      battery,
    ],
  },
  dj: { functions: lightFns, status: lightFns },
};

export function renderSpec(spec: DpSpec, withDesc: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { code: spec.code, type: spec.type, values: JSON.stringify(spec.values), name: spec.name };
  if (withDesc) out.desc = spec.desc ?? spec.name;
  return out;
}

export interface DeviceRecord {
  id: string;
  name: string;
  category: string;
  online: boolean;
  productId: string;
  productName: string;
  uuid: string;
  localKey: string;
  ip: string;
  mac: string;
  sn: string;
  model: string;
  icon: string;
  activeTime: number;
  createTime: number;
  updateTime: number;
  /** Current values of DPs that only change by command (sensor readings come from the log model). */
  state: Map<string, unknown>;
}

function digest(label: string): string {
  return createHash("sha256").update(label).digest("hex");
}

/** A 22-char Tuya-looking id: "eb" + 16 hex + 4 lowercase letters, deterministic per label. */
export function makeDeviceId(label: string): string {
  const h = digest(`device:${label}`);
  const letters = [...h.slice(16, 20)].map((c) => String.fromCharCode(97 + (parseInt(c, 16) % 26))).join("");
  return `eb${h.slice(0, 16)}${letters}`;
}

interface Fixture {
  label: string;
  name: string;
  category: string;
  online: boolean;
  productId: string;
  productName: string;
  model: string;
  state: Record<string, unknown>;
}

const FIXTURES: Fixture[] = [
  {
    label: "plug",
    name: "Lab plug",
    category: "cz",
    online: true,
    productId: "keyj3w8s7xrpbmdx",
    productName: "Smart Plug 16A",
    model: "SP16-EU",
    state: { switch_1: true, countdown_1: 0 },
  },
  {
    label: "pir",
    name: "PIR hallway",
    category: "pir",
    online: true,
    productId: "ksb6dq7pxazu9tgf",
    productName: "PIR Motion Sensor",
    model: "PIR-B1",
    state: { pir: "none" },
  },
  {
    label: "climate",
    name: "Lab climate",
    category: "wsdcg",
    online: true,
    productId: "qoacmdrvyr6bwyhp",
    productName: "Temperature Humidity Sensor",
    model: "TH-01",
    state: {},
  },
  {
    label: "light",
    name: "Desk light",
    category: "dj",
    online: true,
    productId: "key7d9ucnwqxtfe5",
    productName: "Smart Bulb RGBCW",
    model: "A60-RGBCW",
    state: {
      switch_led: true,
      work_mode: "white",
      bright_value_v2: 500,
      temp_value_v2: 300,
      colour_data_v2: JSON.stringify({ h: 0, s: 1000, v: 1000 }),
    },
  },
  {
    label: "garage",
    name: "Garage switch",
    category: "kg",
    online: false,
    productId: "bqzrxs5thwnhpyuy",
    productName: "Wi-Fi Switch",
    model: "WS-1G",
    state: { switch_1: false, countdown_1: 0 },
  },
];

/** Number of fixed devices; `deviceIds` overrides apply to them in this order. */
export const FIXTURE_COUNT = FIXTURES.length;

// Fixed epoch-second timestamps so device records never change between runs.
const ACTIVE_BASE = 1_690_000_000;

function build(f: Fixture, id: string, index: number): DeviceRecord {
  const h = digest(`meta:${f.label}`);
  return {
    id,
    name: f.name,
    category: f.category,
    online: f.online,
    productId: f.productId,
    productName: f.productName,
    uuid: h.slice(0, 16),
    localKey: Buffer.from(h.slice(16, 40), "hex").toString("base64").replace(/[+/=]/g, "x").slice(0, 16),
    ip: `81.${(parseInt(h.slice(28, 30), 16) % 200) + 20}.${parseInt(h.slice(30, 32), 16)}.${parseInt(h.slice(32, 34), 16)}`,
    mac: h.slice(34, 46).match(/../g)!.join(":"),
    sn: `SN${h.slice(46, 58).toUpperCase()}`,
    model: f.model,
    icon: `smart/icon/${h.slice(0, 10)}_0.png`,
    activeTime: ACTIVE_BASE + index * 86_400,
    createTime: ACTIVE_BASE - 3_600 + index * 86_400,
    updateTime: ACTIVE_BASE + 2_000_000 + index * 3_600,
    state: new Map(Object.entries(f.state)),
  };
}

export function buildDevices(extraSensors: number, idOverrides: string[] = []): DeviceRecord[] {
  const out = FIXTURES.map((f, i) => build(f, idOverrides[i] ?? makeDeviceId(f.label), i));
  for (let i = 1; i <= extraSensors; i++) {
    const n = String(i).padStart(3, "0");
    const label = `sensor-${n}`;
    const f: Fixture = { ...FIXTURES[2], label, name: `Sensor ${n}`, state: {} };
    out.push(build(f, makeDeviceId(label), FIXTURES.length + i));
  }
  return out;
}

export interface ProjectInfo {
  uid: string;
  ownerId: string;
}

/** iot-03 device details (no status array, reference §4.2). */
export function iot03Record(d: DeviceRecord): Record<string, unknown> {
  return {
    id: d.id,
    uuid: d.uuid,
    category: d.category,
    name: d.name,
    product_id: d.productId,
    product_name: d.productName,
    local_key: d.localKey,
    sub: false,
    asset_id: "1581234567890123456",
    ip: d.ip,
    lon: "4.3517",
    lat: "50.8503",
    model: d.model,
    time_zone: "+01:00",
    active_time: d.activeTime,
    create_time: d.createTime,
    update_time: d.updateTime,
    online: d.online,
    icon: d.icon,
  };
}

/** Smart Home device details (with status[], uid, owner_id, icon, biz_type). */
export function smartHomeRecord(d: DeviceRecord, project: ProjectInfo, status: { code: string; value: unknown }[]): Record<string, unknown> {
  return {
    active_time: d.activeTime,
    biz_type: 18,
    category: d.category,
    create_time: d.createTime,
    icon: d.icon,
    id: d.id,
    ip: d.ip,
    lat: "50.8503",
    local_key: d.localKey,
    lon: "4.3517",
    model: d.model,
    name: d.name,
    online: d.online,
    owner_id: project.ownerId,
    product_id: d.productId,
    product_name: d.productName,
    status,
    sub: false,
    time_zone: "+01:00",
    uid: project.uid,
    update_time: d.updateTime,
    uuid: d.uuid,
  };
}
