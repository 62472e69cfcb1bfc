/**
 * A tuya-config's settings as client options: the endpoint (region or custom URL), credentials,
 * family and limits; also where stored secrets may go (the dialog's routes compare it before
 * using them). Used by the deployed config node and by the editor's routes for values not yet
 * deployed.
 */
import type { NodeDef } from "node-red";
import { requireSecureTransport } from "../src/core/transport-rule";
import type { TuyaApiFamily, TuyaOpenApiOptions } from "../src/tuya";
import { positiveSetting, totalTimeMs } from "./shared/config";
import { inputError } from "./shared/i18n";
import { NotConfiguredError } from "./shared/not-configured";

export interface TuyaConfigDef extends NodeDef {
  endpointMode?: string;
  region?: string;
  endpoint?: string;
  family?: string;
  lang?: string;
  timeout?: string | number;
  /** Total time per call in seconds, retries included (default 60). */
  totalTime?: string | number;
  rps?: string | number;
  concurrency?: string | number;
  budget?: string | number;
  mqEnv?: string;
  mqSuffix?: string;
  mqUrl?: string;
  mqCa?: string;
}

export interface TuyaCredentials {
  accessId?: string;
  accessSecret?: string;
}

export type Logger = NonNullable<TuyaOpenApiOptions["logger"]>;

export const CREDENTIAL_FIELDS = ["accessId", "accessSecret"] as const;
export const SECRET_FIELDS = ["accessSecret"] as const;

/** The endpoint the settings name: the custom URL in custom mode, else the region code. */
function endpointOf(settings: { endpointMode?: unknown; region?: unknown; endpoint?: unknown }): string {
  const custom = typeof settings.endpoint === "string" ? settings.endpoint.trim() : "";
  if (settings.endpointMode === "custom") {
    if (!/^https?:\/\/[^\s/]+/i.test(custom)) throw inputError("tuya-config.errors.badEndpoint", { endpoint: custom });
    requireSecureTransport(custom, "The tuya-config's endpoint");
    return custom;
  }
  return typeof settings.region === "string" && settings.region ? settings.region : "us";
}

/** Where the settings send credentials (region, or custom endpoint), compared before stored secrets are used for a dialog's request. */
export function tuyaTarget(settings: { endpointMode?: unknown; region?: unknown; endpoint?: unknown }): string {
  const custom = typeof settings.endpoint === "string" ? settings.endpoint.trim().replace(/\/+$/, "") : "";
  return settings.endpointMode === "custom" ? `custom ${custom}` : `region ${typeof settings.region === "string" && settings.region ? settings.region : "us"}`;
}

/** Client options from the config's (or the dialog's) settings and credentials. */
export function clientOptions(settings: TuyaConfigDef, creds: TuyaCredentials, logger?: Logger): TuyaOpenApiOptions {
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
    retry: { maxTotalMs: totalTimeMs(settings.totalTime) },
    requestsPerSecond: positiveSetting(settings.rps),
    maxConcurrent: positiveSetting(settings.concurrency),
    monthlyBudget: positiveSetting(settings.budget),
    logger,
  };
}
