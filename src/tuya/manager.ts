/**
 * TuyaDeviceManager: bestlab's batch helper over a device map (name → id) and/or a list of ids.
 * Results are keyed by the device's name when it has one, else by its id. Unlike bestlab, a
 * manager built from a map works (bestlab stored its ids in a misspelled `device_idsL`).
 */
import { InputError } from "../core/errors";
import type { TuyaCommand } from "./commands";
import { TuyaDevices } from "./devices";
import type { TuyaLogQuery } from "./logs";
import type { TuyaDataPoint, TuyaLogEntry } from "./model";
import type { TuyaApiFamily, TuyaOpenApi } from "./openapi";
import { mapLimit } from "../core/util";

export interface TuyaDeviceSet {
  deviceMap?: Record<string, string>;
  deviceList?: string[];
}

export interface TuyaCommandOutcome {
  success: boolean;
  error?: Error;
}

export class TuyaDeviceManager {
  readonly devices: TuyaDevices;
  /** Device ids in map order, then list order, without repeats. */
  readonly deviceIds: string[];
  private readonly nameOf = new Map<string, string>();

  constructor(api: TuyaOpenApi, devices: TuyaDeviceSet, options: { family?: TuyaApiFamily; concurrency?: number } = {}) {
    this.devices = new TuyaDevices(api, options);
    const ids: string[] = [];
    for (const [name, id] of Object.entries(devices?.deviceMap ?? {})) {
      if (typeof id !== "string" || id === "") throw new InputError(`The device map entry "${name}" has no device id`);
      if (!this.nameOf.has(id)) this.nameOf.set(id, name);
      ids.push(id);
    }
    ids.push(...(devices?.deviceList ?? []));
    this.deviceIds = [...new Set(ids)];
    if (this.deviceIds.length === 0) throw new InputError("The device manager needs a device map (name → id) or a device list");
  }

  /** Name from the map, else the id. */
  keyOf(id: string): string {
    return this.nameOf.get(id) ?? id;
  }

  async statusInBatch(opts: { signal?: AbortSignal } = {}): Promise<Record<string, TuyaDataPoint[]>> {
    const rows = await this.devices.statusMany(this.deviceIds, opts);
    return this.keyed(rows.map((r) => [r.id, r.status]));
  }

  /** Device details; with includeStatus (default, as bestlab) each carries its status[]. */
  async infoInBatch(includeStatus = true, opts: { signal?: AbortSignal } = {}): Promise<Record<string, Record<string, unknown>>> {
    const infos = await this.devices.infoMany(this.deviceIds, opts);
    let statusById = new Map<string, TuyaDataPoint[]>();
    // iot-03 details have no status[]; Smart Home ones do.
    if (includeStatus && infos.some((i) => !Array.isArray(i.status))) {
      statusById = new Map((await this.devices.statusMany(this.deviceIds, opts)).map((r) => [r.id, r.status]));
    }
    return this.keyed(
      infos.map((info) => {
        const id = String(info.id);
        const { status, ...rest } = info;
        return [id, includeStatus ? { ...rest, status: Array.isArray(status) ? status : (statusById.get(id) ?? []) } : rest];
      }),
    );
  }

  async factoryInfoInBatch(opts: { signal?: AbortSignal } = {}): Promise<Record<string, Record<string, unknown>>> {
    const rows = await this.devices.factoryInfos(this.deviceIds, opts);
    return this.keyed(rows.map((r) => [String(r.id), r]));
  }

  /** The same commands to every device, one device at a time; every device gets its own outcome. */
  async sendCommandInBatch(
    commands: TuyaCommand[] | Record<string, unknown>,
    opts: { signal?: AbortSignal; validate?: boolean } = {},
  ): Promise<Record<string, TuyaCommandOutcome>> {
    const outcomes = await mapLimit(this.deviceIds, 1, async (id): Promise<[string, TuyaCommandOutcome]> => {
      try {
        return [id, { success: await this.devices.sendCommands(id, commands, opts) }];
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        return [id, { success: false, error: err instanceof Error ? err : new Error(String(err)) }];
      }
    });
    return this.keyed(outcomes);
  }

  /** Every device's logs for the window, all pages. */
  async logsInBatch(query: Omit<TuyaLogQuery, "cursor">): Promise<Record<string, TuyaLogEntry[]>> {
    const rows = await mapLimit(this.deviceIds, 2, async (id): Promise<[string, TuyaLogEntry[]]> => [id, (await this.devices.collectLogs(id, query)).logs]);
    return this.keyed(rows);
  }

  private keyed<T>(rows: [string, T][]): Record<string, T> {
    return Object.fromEntries(rows.map(([id, v]) => [this.keyOf(id), v]));
  }
}
