/**
 * tuya-config: one Tuya Cloud project (region or custom endpoint, access id and secret, API
 * family). It owns the one client its users share (token, limiter, call counter), pushes the
 * client's connection state to them, and closes it on redeploy. Admin routes let the editor test
 * the typed values and list the project's devices before anything is deployed.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Request } from "express";
import type { ClientState } from "../src/core/client";
import { AbortError } from "../src/core/errors";
import { specValues, TuyaDevices, TuyaOpenApi, type TuyaApiFamily, type TuyaFunctionSet, type TuyaOpenApiOptions } from "../src/tuya";
import { adminRoute, CREDENTIAL_TARGET, dialogCredentials, dialogSecrets } from "./shared/admin";
import { closeClientOnClose, positiveSetting } from "./shared/config";
import { requireSecureTransport } from "../src/core/transport-rule";
import { ConfigUsers } from "./shared/config-users";
import { hasCredentials, NotConfiguredError } from "./shared/not-configured";
import { inputError, keyedError, translator } from "./shared/i18n";
import type { TuyaConfigNode } from "./tuya-common";
import { sharedEvents } from "./tuya-events-common";

interface TuyaConfigDef extends NodeDef {
  endpointMode?: string;
  region?: string;
  endpoint?: string;
  family?: string;
  lang?: string;
  timeout?: string | number;
  rps?: string | number;
  concurrency?: string | number;
  budget?: string | number;
  mqEnv?: string;
  mqSuffix?: string;
  mqUrl?: string;
  mqCa?: string;
}

interface TuyaCredentials {
  accessId?: string;
  accessSecret?: string;
}

type Logger = NonNullable<TuyaOpenApiOptions["logger"]>;

const CREDENTIAL_FIELDS = ["accessId", "accessSecret"] as const;
const SECRET_FIELDS = ["accessSecret"] as const;

/** The endpoint the settings name: the custom URL in custom mode, else the region code. */
function endpointOf(settings: { endpointMode?: unknown; region?: unknown; endpoint?: unknown }): string {
  const custom = typeof settings.endpoint === "string" ? settings.endpoint.trim() : "";
  const mode = settings.endpointMode ?? (custom ? "custom" : "region");
  if (mode === "custom") {
    if (!/^https?:\/\/[^\s/]+/i.test(custom)) throw inputError("tuya-config.errors.badEndpoint", { endpoint: custom });
    requireSecureTransport(custom, "The tuya-config's endpoint");
    return custom;
  }
  return typeof settings.region === "string" && settings.region ? settings.region : "us";
}

/** Where the settings send credentials (region, or custom endpoint), compared before stored secrets are used for a dialog's request. */
function tuyaTarget(settings: { endpointMode?: unknown; region?: unknown; endpoint?: unknown }): string {
  const custom = typeof settings.endpoint === "string" ? settings.endpoint.trim().replace(/\/+$/, "") : "";
  const mode = settings.endpointMode ?? (custom ? "custom" : "region");
  return mode === "custom" ? `custom ${custom}` : `region ${typeof settings.region === "string" && settings.region ? settings.region : "us"}`;
}

/** Client options from the config's (or the dialog's) settings and credentials. */
function clientOptions(settings: TuyaConfigDef, creds: TuyaCredentials, logger?: Logger): TuyaOpenApiOptions {
  if (!creds.accessId || !creds.accessSecret) {
    throw inputError("tuya-config.errors.noCredentials", undefined, NotConfiguredError);
  }
  return {
    endpoint: endpointOf(settings),
    accessId: creds.accessId,
    accessSecret: creds.accessSecret,
    family: settings.family === "smart-home" ? "smart-home" : ("iot-03" satisfies TuyaApiFamily),
    lang: settings.lang || "en",
    timeoutMs: (positiveSetting(settings.timeout) ?? 10) * 1000,
    requestsPerSecond: positiveSetting(settings.rps),
    maxConcurrent: positiveSetting(settings.concurrency),
    monthlyBudget: positiveSetting(settings.budget),
    logger,
  };
}

/** Runs fn with a short-lived client built from the dialog's values; the client is always closed. */
async function withDialogClient<T>(RED: NodeAPI, req: Request, fn: (devices: TuyaDevices) => Promise<T>): Promise<T> {
  const body = (req.body ?? {}) as Record<string, unknown>;
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
function editorFunctions(set: TuyaFunctionSet): { category: string; functions: { code: string; type: string; name: string; values: Record<string, unknown> }[] } {
  return { category: set.category, functions: set.functions.map((f) => ({ code: f.code, type: f.type, name: f.name || f.code, values: specValues(f) })) };
}

function requestedDevice(req: Request): string {
  const device = ((req.body ?? {}) as Record<string, unknown>).device;
  if (typeof device !== "string" || device.trim() === "") throw inputError("tuya-config.errors.noDevice");
  return device.trim();
}


function registerAdminRoutes(RED: NodeAPI): void {
  const permission = "tuya-config.write";
  const secrets = (req: Request) => dialogSecrets(RED, (req.body ?? {}) as Record<string, unknown>, SECRET_FIELDS);
  adminRoute(RED, "post", "/tuya-config/test", permission, (req) => withDialogClient(RED, req, async (d) => ({ ok: true, devices: (await d.list()).length })), secrets);
  adminRoute(RED, "post", "/tuya-config/devices", permission, (req) => withDialogClient(RED, req, async (d) => ({ devices: pickerEntries(await d.list()) })), secrets);
  adminRoute(RED, "post", "/tuya-config/functions", permission, async (req) => {
    const device = requestedDevice(req);
    return withDialogClient(RED, req, async (d) => editorFunctions(await d.functions(device)));
  }, secrets);
  adminRoute(RED, "get", "/tuya-config/:id/devices", permission, async (req) => {
    const config = RED.nodes.getNode(String(req.params.id)) as TuyaConfigNode | null;
    if (!config) throw keyedError("tuya-config.errors.notDeployed");
    return { devices: pickerEntries(await config.devices.list()) };
  });
}

export = function (RED: NodeAPI): void {
  function TuyaConfig(this: Node<TuyaCredentials>, def: TuyaConfigDef): void {
    RED.nodes.createNode(this, def);
    const t = translator(RED);
    const users = new ConfigUsers(hasCredentials(() => clientOptions(def, this.credentials ?? {})), t);
    let client: TuyaOpenApi | undefined;
    let devices: TuyaDevices | undefined;
    const warned = new Set<string>();
    const warnOnce = (key: string, text: string) => {
      if (warned.has(key)) return;
      warned.add(key);
      this.warn(text);
    };
    const logger: Logger = { debug: (text: string) => this.debug(text), warn: (text: string) => warnOnce(text, text) };

    const onState = (state: ClientState) => {
      users.update(state, "Tuya");
      checkBudget();
    };
    // Warns once when the monthly budget is near and once when it is spent (counts only, no secrets).
    const checkBudget = () => {
      const s = client?.counter.snapshot();
      if (!s?.budget) return;
      const counts = { used: s.thisMonth, budget: s.budget, month: s.month };
      if (s.overBudget) warnOnce("over", t("tuya-config.warnings.overBudget", counts));
      else if (s.nearBudget) warnOnce("near", t("tuya-config.warnings.nearBudget", counts));
    };

    let closed = false;
    const ensure = (): { client: TuyaOpenApi; devices: TuyaDevices } => {
      // A late caller after close must not open a new client that nothing would close.
      if (closed) throw new AbortError("The tuya-config node was closed (redeploy or stop)");
      if (!client || !devices) {
        client = new TuyaOpenApi(clientOptions(def, this.credentials ?? {}, logger));
        client.on("state", onState);
        const api = client;
        client.on("call", checkBudget);
        devices = new TuyaDevices(api, { family: api.family, concurrency: positiveSetting(def.concurrency) });
      }
      return { client, devices };
    };

    const self = this as unknown as Record<string, unknown>;
    Object.defineProperty(self, "client", { get: () => ensure().client });
    Object.defineProperty(self, "devices", { get: () => ensure().devices });
    self.users = users;
    // The dialog's routes use the stored secret only for this same region or endpoint.
    self[CREDENTIAL_TARGET] = tuyaTarget(def);
    self.counterSnapshot = () => ensure().client.counter.snapshot();

    // Realtime events: one message-service connection for all tuya-events nodes on this config.
    const events = sharedEvents(def, () => this.credentials ?? {});
    self.events = events;
    this.on("close", (_removed: boolean, done: () => void) => void events.close().then(done, done));

    closeClientOnClose(this, () => {
      const closing = client;
      closed = true;
      client = undefined;
      devices = undefined;
      return closing;
    });
  }

  RED.nodes.registerType<Node<TuyaCredentials>, TuyaConfigDef, unknown, TuyaCredentials>("tuya-config", TuyaConfig, {
    credentials: { accessId: { type: "text" }, accessSecret: { type: "password" } },
  });
  registerAdminRoutes(RED);
};
