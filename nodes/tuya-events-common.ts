/**
 * The tuya-config's side of realtime events: consumer options from its settings (environment,
 * subscription suffix, message-service URL, CA; the config's connection, tuya-common.ts, owns the
 * one consumer its tuya-events nodes share), and the device names they label events with.
 * Without a message-service URL the region's host is used; a custom OpenAPI endpoint on this
 * machine (the emulator) implies the message service on the same host and port.
 */
import { inputError } from "./shared/i18n";
import { resolveMqEndpoint, TUYA_REGIONS, type MqEnvironment, type TuyaEventConsumerOptions } from "../src/tuya";
import { NotConfiguredError } from "./shared/not-configured";

export interface EventSettings {
  endpointMode?: string;
  region?: string;
  endpoint?: string;
  mqEnv?: string;
  mqSuffix?: string;
  mqUrl?: string;
  mqCa?: string;
}

/** The message service's base URL for a config's settings. */
export function mqEndpointOf(s: EventSettings): string {
  const url = typeof s.mqUrl === "string" ? s.mqUrl.trim() : "";
  if (url) {
    if (!/^wss?:\/\/[^\s/]+/i.test(url)) throw inputError("tuya-events.errors.badMqUrl", { url: url.slice(0, 60) });
    return resolveMqEndpoint(url);
  }
  const custom = typeof s.endpoint === "string" ? s.endpoint.trim().replace(/\/+$/, "") : "";
  if (s.endpointMode !== "custom") return resolveMqEndpoint(s.region || "us");
  const region = Object.entries(TUYA_REGIONS).find(([, r]) => r.url === custom)?.[0];
  if (region) return resolveMqEndpoint(region);
  // The consumer applies the transport rule (wss, or ws only on this machine).
  if (/^http:\/\//i.test(custom)) return resolveMqEndpoint(custom.replace(/^http/i, "ws"));
  throw inputError("tuya-events.errors.noMqUrl");
}

export function eventOptions(s: EventSettings, creds: { accessId?: string; accessSecret?: string }): TuyaEventConsumerOptions {
  if (!creds.accessId || !creds.accessSecret) throw inputError("tuya-events.errors.noCredentials", undefined, NotConfiguredError);
  const env: MqEnvironment = s.mqEnv === "event-test" ? "event-test" : "event";
  const ca = typeof s.mqCa === "string" && s.mqCa.trim() ? s.mqCa.trim() : undefined;
  return { endpoint: mqEndpointOf(s), accessId: creds.accessId, accessKey: creds.accessSecret, env, suffix: s.mqSuffix?.trim() || "sub", ca };
}

const names = new WeakMap<object, Promise<Map<string, string>>>();

/** The config's device names (one device-list call per config, shared by its tuya-events nodes; none if it fails). */
export function deviceNames(config: object, list: () => Promise<Record<string, unknown>[]>): Promise<Map<string, string>> {
  let p = names.get(config);
  if (!p) {
    p = list().then(
      (devices) => new Map(devices.filter((d) => typeof d.name === "string" && d.name).map((d) => [String(d.id), String(d.name)] as const)),
      () => new Map<string, string>(),
    );
    names.set(config, p);
  }
  return p;
}
