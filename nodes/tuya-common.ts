/**
 * Runtime bits shared by the Tuya flow nodes (status, info, log, command): reading the device
 * input in every shape bestlab's TuyaDeviceManager took (one id, a comma list, an array, a
 * name -> id map), and attaching a flow node to its tuya-config node.
 */
import { rules } from "../src/core/rules";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { inputError } from "./shared/i18n";
import { evaluate } from "./shared/input";
import { attachConfig as attachShared } from "./shared/config";
import { Connection, type ConnectionOptions } from "./shared/connection";
import type { Status } from "./shared/status";
import { SharedConsumer, TuyaDevices, type TuyaEventConsumer, type TuyaOpenApi } from "../src/tuya";

/**
 * What a tuya-config node owns and offers its flow nodes: the shared client (token, limiter, call
 * counter) made on first use, the device API over it (with the specification cache every node
 * shares), the message-service consumer of its tuya-events nodes, its users, and the call
 * counter's snapshot.
 */
export class TuyaConnection extends Connection<TuyaOpenApi> {
  private devicesOf?: { client: TuyaOpenApi; devices: TuyaDevices };
  /** The message-service consumer the tuya-events nodes share: started by the first, closed by the last or with the config. */
  readonly events: SharedConsumer;

  constructor(
    node: Node,
    options: ConnectionOptions<TuyaOpenApi>,
    /** A new consumer from the config's realtime-event settings. */
    makeConsumer: () => TuyaEventConsumer,
    private readonly concurrency?: number,
  ) {
    super(node, options);
    this.events = this.own(new SharedConsumer(makeConsumer, () => this.closedError()));
  }

  /** Device calls over the shared client. */
  get devices(): TuyaDevices {
    const client = this.client;
    if (this.devicesOf?.client !== client)
      this.devicesOf = { client, devices: new TuyaDevices(client, { family: client.family, concurrency: this.concurrency }) };
    return this.devicesOf.devices;
  }

  /** The client's call counter (totals, this month, budget state). */
  counterSnapshot(): ReturnType<TuyaOpenApi["counter"]["snapshot"]> {
    return this.client.counter.snapshot();
  }
}

/** One device to ask about: its id and, when known, the name the flow gave it. */
export interface DeviceRef {
  id: string;
  name?: string;
}

// Tuya device ids are 20-25 alphanumerics; virtual and sub-device ids may be shorter or carry "_".
const DEFAULT_MAX_DEVICES = 1000;

export interface ResolveDevicesOptions {
  /** What the input is called in error messages (default "devices"). */
  label?: string;
  /** Most devices accepted (default 1000). */
  max?: number;
  /** Throw when nothing is given (default true). */
  required?: boolean;
}

function checkId(value: unknown, label: string): string {
  const id = typeof value === "number" ? String(value) : value;
  if (typeof id !== "string" || !rules.isTuyaDeviceId(id)) {
    const shown = typeof value === "string" ? `"${value.slice(0, 40)}"` : JSON.stringify(value)?.slice(0, 40);
    throw inputError("common.devices.badId", { label, value: shown ?? "" });
  }
  return id.trim();
}

function fromEntry(entry: unknown, label: string): DeviceRef {
  if (entry && typeof entry === "object" && !Array.isArray(entry)) {
    const o = entry as Record<string, unknown>;
    const id = checkId(o.id ?? o.device_id ?? o.deviceId, label);
    return typeof o.name === "string" && o.name ? { id, name: o.name } : { id };
  }
  return { id: checkId(entry, label) };
}

function parseText(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      throw inputError("common.devices.badJson", { text: t.slice(0, 40) });
    }
  }
  return t === ""
    ? []
    : t
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

/**
 * Reads a device input into a list of {id, name?}, deduplicated by id in input order.
 * Accepts: "id", "id1, id2", a JSON text of the shapes below, ["id", ...], [{id, name}, ...]
 * (a device list result works as is), or {name: id, ...} (bestlab's device_map).
 * Throws InputError, before any request, for anything else.
 */
export function resolveDevices(input: unknown, options: ResolveDevicesOptions = {}): DeviceRef[] {
  const label = options.label ?? "devices";
  const max = options.max ?? DEFAULT_MAX_DEVICES;
  const value = typeof input === "string" ? parseText(input) : input;
  let refs: DeviceRef[];
  if (value === undefined || value === null) refs = [];
  // Array.from, not map: a sparse array's holes are entries too (undefined, refused), not skipped.
  else if (Array.isArray(value)) refs = Array.from(value as unknown[], (e) => fromEntry(e, label));
  else if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    // A single device object ({id, name}) or a name -> id map.
    if (typeof o.id === "string") refs = [fromEntry(o, label)];
    else refs = Object.entries(o).map(([name, id]) => ({ id: checkId(id, `${label} ("${name}")`), name }));
  } else if (typeof value === "number") refs = [fromEntry(value, label)];
  else throw inputError("common.devices.badType", { label, type: typeof value });

  const seen = new Map<string, DeviceRef>();
  for (const ref of refs) if (!seen.has(ref.id)) seen.set(ref.id, ref);
  const out = [...seen.values()];
  if (out.length === 0 && options.required !== false) {
    throw inputError("common.devices.noDevices", { label });
  }
  if (out.length > max) throw inputError("common.devices.tooMany", { label, n: out.length, max });
  return out;
}

/** Evaluates the node's typed-input device property against msg/flow/global/env and resolves it. */
export async function readDevices(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  type: string | undefined,
  value: string | undefined,
  options?: ResolveDevicesOptions,
): Promise<DeviceRef[]> {
  return resolveDevices(await evaluate(RED, node, msg, type, value), options);
}

/** msg.topic for one device: its name when the flow gave one, else its id. */
export function deviceLabel(ref: DeviceRef): string {
  return ref.name || ref.id;
}

/** Attaches a flow node to its tuya-config (see shared/config.ts attachConfig). */
export function attachConfig(RED: NodeAPI, node: Node, configId: string | undefined, status: Status): { config?: TuyaConnection; require(): TuyaConnection } {
  return attachShared<TuyaConnection>(RED, node, configId, status, "tuya-config");
}
