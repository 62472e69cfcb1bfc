/**
 * The device API over either path family (reference §4): status, info, factory infos,
 * functions, specification, project device list, commands and logs. Batch calls go 20 ids at a
 * time with bounded parallelism and come back in input order.
 */
import { ApiError, InputError } from "../core/errors";
import { normalizeCommands, validateCommands, type TuyaCommand } from "./commands";
import { collectLogPages, logPages, type TuyaLogPage, type TuyaLogQuery, type TuyaLogResult } from "./logs";
import type { TuyaDataPoint, TuyaFunction } from "./model";
import type { RequestOptions, TuyaApiFamily, TuyaOpenApi } from "./openapi";
import { FAMILY_PATHS, type FamilyPaths } from "./paths";
import { SpecificationCache, type SpecLookup } from "./spec-cache";
import { chunk, isRecord, mapLimit } from "../core/util";

/** Tuya's documented maximum of device ids per batch call. */
export const MAX_BATCH_IDS = 20;

export interface TuyaDevicesOptions {
  family?: TuyaApiFamily;
  /** Batch chunks in flight at once (default 8); the client's per-endpoint pace and concurrency still apply. */
  concurrency?: number;
  /** How long specifications() keeps a device's spec (default an hour). */
  specTtlMs?: number;
}

export interface TuyaFunctionSet {
  category: string;
  functions: TuyaFunction[];
}

export interface TuyaSpecification extends TuyaFunctionSet {
  status: TuyaFunction[];
}

export interface SendCommandOptions extends RequestOptions {
  /** Check the commands against the device's functions (fetched once per device) first (default true). */
  validate?: boolean;
}

function checkId(id: unknown): string {
  if (typeof id !== "string" || id.trim() === "") throw new InputError(`A Tuya device id must be non-empty text, got ${JSON.stringify(id)}`);
  return id.trim();
}

function checkIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw new InputError("Device ids must be a list");
  return [...new Set(ids.map(checkId))];
}

function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** result.devices or result.list (both shapes are in the wild), or a bare array. */
function deviceList(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return asArray(result);
  if (!isRecord(result)) return [];
  return asArray(result.devices ?? result.list);
}

function functionSet(result: unknown): TuyaFunctionSet {
  const r = isRecord(result) ? result : {};
  return { category: String(r.category ?? ""), functions: asArray(r.functions) as unknown as TuyaFunction[] };
}

function dataPoints(v: unknown): TuyaDataPoint[] {
  return asArray(v) as unknown as TuyaDataPoint[];
}

/** Puts per-id results back in the order the ids were asked for (ids the server left out are skipped). */
function inOrder<T extends Record<string, unknown>>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export class TuyaDevices {
  readonly family: TuyaApiFamily;
  private readonly paths: FamilyPaths;
  private readonly concurrency: number;
  private readonly functionCache = new Map<string, Promise<TuyaFunction[]>>();
  private readonly specCache: SpecificationCache<TuyaSpecification>;

  constructor(
    private readonly api: TuyaOpenApi,
    options: TuyaDevicesOptions = {},
  ) {
    this.family = options.family ?? api.family;
    this.paths = FAMILY_PATHS[this.family];
    if (!this.paths) throw new InputError(`Unknown Tuya API family "${String(this.family)}": use iot-03 or smart-home`);
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    // Fetched without the asker's signal: other askers may share the fetch (close() still aborts it).
    this.specCache = new SpecificationCache((id) => this.specification(id), options.specTtlMs);
  }

  async status(id: string, opts: RequestOptions = {}): Promise<TuyaDataPoint[]> {
    const deviceId = checkId(id);
    if (this.paths.status) return dataPoints((await this.api.get(this.paths.status(deviceId), undefined, opts)).result);
    return dataPoints((await this.info(deviceId, opts)).status);
  }

  async statusMany(ids: string[], opts: RequestOptions = {}): Promise<{ id: string; status: TuyaDataPoint[] }[]> {
    const list = checkIds(ids);
    const statusMany = this.paths.statusMany;
    // Smart Home has no batch status in bestlab: it is read from the batch device details.
    const rows = statusMany ? await this.batch(statusMany, list, opts, (r) => asArray(r)) : await this.batch(this.paths.infoMany, list, opts, deviceList);
    return inOrder(list, rows).map((r) => ({ id: String(r.id), status: dataPoints(r.status) }));
  }

  /**
   * Status and device details of many devices. Smart Home reads status from the batch details
   * anyway, so there one call per 20 devices gives both; iot-03 needs both batch calls.
   */
  async statusWithInfoMany(
    ids: string[],
    opts: RequestOptions = {},
  ): Promise<{ status: { id: string; status: TuyaDataPoint[] }[]; info: Record<string, unknown>[] }> {
    if (this.paths.statusMany) return { status: await this.statusMany(ids, opts), info: await this.infoMany(ids, opts) };
    const info = await this.infoMany(ids, opts);
    return { status: info.map((r) => ({ id: String(r.id), status: dataPoints(r.status) })), info };
  }

  async info(id: string, opts: RequestOptions = {}): Promise<Record<string, unknown>> {
    const res = await this.api.get(this.paths.info(checkId(id)), undefined, opts);
    return isRecord(res.result) ? res.result : {};
  }

  async infoMany(ids: string[], opts: RequestOptions = {}): Promise<Record<string, unknown>[]> {
    const list = checkIds(ids);
    return inOrder(list, await this.batch(this.paths.infoMany, list, opts, deviceList));
  }

  async factoryInfos(ids: string[], opts: RequestOptions = {}): Promise<Record<string, unknown>[]> {
    const list = checkIds(ids);
    return inOrder(list, await this.batch(this.paths.factoryInfos, list, opts, (r) => asArray(r)));
  }

  async functions(id: string, opts: RequestOptions = {}): Promise<TuyaFunctionSet> {
    return functionSet((await this.api.get(this.paths.functions(checkId(id)), undefined, opts)).result);
  }

  async categoryFunctions(category: string, opts: RequestOptions = {}): Promise<TuyaFunctionSet> {
    if (typeof category !== "string" || category.trim() === "") throw new InputError("A product category such as kg, dj or wsdcg is required");
    return functionSet((await this.api.get(this.paths.categoryFunctions(category.trim()), undefined, opts)).result);
  }

  async specification(id: string, opts: RequestOptions = {}): Promise<TuyaSpecification> {
    const res = await this.api.get(this.paths.specification(checkId(id)), undefined, opts);
    const r = isRecord(res.result) ? res.result : {};
    return { ...functionSet(r), status: asArray(r.status) as unknown as TuyaFunction[] };
  }

  /**
   * Specifications of many devices from the cache this client keeps (see spec-cache.ts): one
   * fetch per device however many nodes ask; devices without a spec (2009) listed in `failed`.
   */
  specifications(ids: string[], opts: RequestOptions = {}): Promise<SpecLookup<TuyaSpecification>> {
    return this.specCache.lookup(checkIds(ids), opts.signal);
  }

  /** Every device of the project, following last_row_key page by page. */
  async list(opts: { pageSize?: number; signal?: AbortSignal } = {}): Promise<Record<string, unknown>[]> {
    const max = this.paths.listMaxSize;
    const size = Math.min(max, Math.max(1, Math.floor(opts.pageSize ?? max)));
    const out: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const res = await this.api.get(this.paths.list, { [this.paths.listSizeKey]: size, last_row_key: cursor }, { signal: opts.signal });
      const r = isRecord(res.result) ? res.result : {};
      out.push(...deviceList(r));
      const next = typeof r.last_row_key === "string" && r.last_row_key !== "" ? r.last_row_key : undefined;
      if ((r.has_more ?? r.has_next) !== true || !next) return out;
      if (seen.has(next)) {
        throw new ApiError({
          platform: "tuya",
          code: "CURSOR_REPEATED",
          serviceMessage: "the device list returned a cursor that was already used",
          hint: "stopped to avoid an endless loop",
          method: "GET",
          path: this.paths.list,
        });
      }
      seen.add(next);
      cursor = next;
    }
  }

  /** Sends commands (validated against the device's functions unless validate is false); true when Tuya accepted them. */
  async sendCommands(id: string, commands: TuyaCommand[] | Record<string, unknown>, opts: SendCommandOptions = {}): Promise<boolean> {
    const deviceId = checkId(id);
    const list = opts.validate === false ? normalizeCommands(commands) : validateCommands(commands, await this.cachedFunctions(deviceId, opts));
    const res = await this.api.post(this.paths.commands(deviceId), { commands: list }, { signal: opts.signal });
    return res.result === true;
  }

  logs(id: string, query: TuyaLogQuery): AsyncIterable<TuyaLogPage> {
    return logPages(this.api, this.paths, id, query);
  }

  collectLogs(id: string, query: TuyaLogQuery): Promise<TuyaLogResult> {
    return collectLogPages(this.logs(id, query), id);
  }

  /** Functions per device, fetched once (a failed fetch is not kept). */
  private cachedFunctions(id: string, opts: RequestOptions): Promise<TuyaFunction[]> {
    let cached = this.functionCache.get(id);
    if (!cached) {
      cached = this.functions(id, opts).then((set) => set.functions);
      this.functionCache.set(id, cached);
      cached.catch(() => this.functionCache.delete(id));
    }
    return cached;
  }

  /** GET path?device_ids=... in chunks of 20, chunks in parallel up to the concurrency. */
  private async batch(
    path: string,
    ids: string[],
    opts: RequestOptions,
    pick: (result: unknown) => Record<string, unknown>[],
  ): Promise<Record<string, unknown>[]> {
    if (ids.length === 0) return [];
    const parts = await mapLimit(chunk(ids, MAX_BATCH_IDS), this.concurrency, async (part) =>
      pick((await this.api.get(path, { device_ids: part.join(",") }, opts)).result),
    );
    return parts.flat();
  }
}
