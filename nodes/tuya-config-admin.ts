/**
 * The tuya-config's admin routes, for the editor: the data centers (the runtime's own table, so
 * the dialog never lists one the runtime refuses), test the dialog's values, list the project's
 * devices (for the device pickers, before or after deploy) and a device's functions (for
 * tuya-command's rows). Each dialog request uses a short-lived client that is always closed.
 */
import type { NodeAPI } from "node-red";
import type { Request } from "express";
import { specValues, TuyaDevices, TuyaOpenApi, tuyaRegionList, type TuyaFunctionSet } from "../src/tuya";
import { adminRoute, dialogCredentials, dialogSecrets } from "./shared/admin";
import { getConnection } from "./shared/config";
import { migrate } from "./shared/migrate";
import { inputError, keyedError } from "./shared/i18n";
import type { TuyaConnection } from "./tuya-common";
import { clientOptions, CREDENTIAL_FIELDS, SECRET_FIELDS, tuyaTarget, type TuyaConfigDef } from "./tuya-settings";

/** Runs fn with a short-lived client built from the dialog's values; the client is always closed. */
async function withDialogClient<T>(RED: NodeAPI, req: Request, fn: (devices: TuyaDevices) => Promise<T>): Promise<T> {
  // The dialog posts a config node's values, an old one's (no endpoint mode) included.
  const body = migrate("tuya-config", (req.body ?? {}) as Record<string, unknown>);
  const creds = dialogCredentials(RED, body, CREDENTIAL_FIELDS, SECRET_FIELDS, tuyaTarget(body));
  const api = new TuyaOpenApi(clientOptions(body as unknown as TuyaConfigDef, creds));
  try {
    return await fn(new TuyaDevices(api, { family: api.family }));
  } finally {
    await api.close();
  }
}

/** The fields the editor's device pickers show. */
function pickerEntries(list: Record<string, unknown>[]): { id: string; name: string; category: string; online: boolean }[] {
  return list.map((d) => ({ id: String(d.id ?? ""), name: String(d.name ?? ""), category: String(d.category ?? ""), online: d.online === true }));
}

/** A device's commandable functions for the tuya-command dialog's rows, with values parsed (range, min, max, unit). */
function editorFunctions(set: TuyaFunctionSet): {
  category: string;
  functions: { code: string; type: string; name: string; values: Record<string, unknown> }[];
} {
  return { category: set.category, functions: set.functions.map((f) => ({ code: f.code, type: f.type, name: f.name || f.code, values: specValues(f) })) };
}

function requestedDevice(req: Request): string {
  const device = ((req.body ?? {}) as Record<string, unknown>).device;
  if (typeof device !== "string" || device.trim() === "") throw inputError("tuya-config.errors.noDevice");
  return device.trim();
}

export function registerAdminRoutes(RED: NodeAPI): void {
  const permission = "tuya-config.write";
  const secrets = (req: Request) => dialogSecrets(RED, (req.body ?? {}) as Record<string, unknown>, SECRET_FIELDS);
  adminRoute(RED, "get", "/tuya-config/regions", permission, async () => tuyaRegionList());
  adminRoute(
    RED,
    "post",
    "/tuya-config/test",
    permission,
    (req) => withDialogClient(RED, req, async (d) => ({ ok: true, devices: (await d.list()).length })),
    secrets,
  );
  adminRoute(
    RED,
    "post",
    "/tuya-config/devices",
    permission,
    (req) => withDialogClient(RED, req, async (d) => ({ devices: pickerEntries(await d.list()) })),
    secrets,
  );
  adminRoute(
    RED,
    "post",
    "/tuya-config/functions",
    permission,
    async (req) => {
      const device = requestedDevice(req);
      return withDialogClient(RED, req, async (d) => editorFunctions(await d.functions(device)));
    },
    secrets,
  );
  adminRoute(RED, "get", "/tuya-config/:id/devices", permission, async (req) => {
    const connection = getConnection<TuyaConnection>(RED, String(req.params.id), { noConfig: () => undefined });
    if (!connection) throw keyedError("tuya-config.errors.notDeployed");
    return { devices: pickerEntries(await connection.devices.list()) };
  });
}
