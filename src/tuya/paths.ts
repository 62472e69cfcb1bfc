/**
 * The two path families of reference §4.1: IoT Core "iot-03" (the default) and the Smart Home
 * /v1.0/devices/... paths bestlab_platform calls. Device ids and categories are path-encoded.
 */
import type { TuyaApiFamily } from "./openapi";

export interface FamilyPaths {
  info(id: string): string;
  /** Batch info with ?device_ids= (≤20); result.devices (or list). */
  infoMany: string;
  /** Single status; undefined when the family derives it from info().status. */
  status?(id: string): string;
  /** Batch status with ?device_ids= (≤20); undefined when derived from batch info. */
  statusMany?: string;
  factoryInfos: string;
  functions(id: string): string;
  categoryFunctions(category: string): string;
  specification(id: string): string;
  commands(id: string): string;
  logs(id: string): string;
  /** Log query parameter names. */
  logTypeKey: "event_types" | "type";
  logCursorKey: "last_row_key" | "start_row_key";
  /** Project device list, paged with last_row_key. */
  list: string;
  listSizeKey: "page_size" | "size";
  listMaxSize: number;
}

const seg = encodeURIComponent;

export const FAMILY_PATHS: Readonly<Record<TuyaApiFamily, FamilyPaths>> = {
  "iot-03": {
    info: (id) => `/v1.0/iot-03/devices/${seg(id)}`,
    infoMany: "/v1.0/iot-03/devices",
    status: (id) => `/v1.0/iot-03/devices/${seg(id)}/status`,
    statusMany: "/v1.0/iot-03/devices/status",
    factoryInfos: "/v1.0/iot-03/devices/factory-infos",
    functions: (id) => `/v1.0/iot-03/devices/${seg(id)}/functions`,
    categoryFunctions: (c) => `/v1.0/iot-03/categories/${seg(c)}/functions`,
    specification: (id) => `/v1.0/iot-03/devices/${seg(id)}/specification`,
    commands: (id) => `/v1.0/iot-03/devices/${seg(id)}/commands`,
    logs: (id) => `/v1.0/iot-03/devices/${seg(id)}/logs`,
    logTypeKey: "event_types",
    logCursorKey: "last_row_key",
    list: "/v1.3/iot-03/devices",
    listSizeKey: "page_size",
    listMaxSize: 200,
  },
  "smart-home": {
    info: (id) => `/v1.0/devices/${seg(id)}`,
    // bestlab's path, trailing slash included (it is signed verbatim).
    infoMany: "/v1.0/devices/",
    factoryInfos: "/v1.0/devices/factory-infos",
    functions: (id) => `/v1.0/devices/${seg(id)}/functions`,
    categoryFunctions: (c) => `/v1.0/functions/${seg(c)}`,
    specification: (id) => `/v1.0/devices/${seg(id)}/specifications`,
    commands: (id) => `/v1.0/devices/${seg(id)}/commands`,
    logs: (id) => `/v1.0/devices/${seg(id)}/logs`,
    logTypeKey: "type",
    logCursorKey: "start_row_key",
    list: "/v1.0/iot-01/associated-users/devices",
    listSizeKey: "size",
    listMaxSize: 100,
  },
};
