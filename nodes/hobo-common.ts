/**
 * Runtime bits of the HOBOlink nodes: what a hobo-config node offers its users, attaching a flow
 * node to it, the settings -> client options translation (used by the deployed config node and
 * by the editor's "test connection" route for values not yet deployed).
 */
import type { Node, NodeAPI } from "node-red";
import { inputError } from "./shared/i18n";
import { NotConfiguredError } from "./shared/not-configured";
import type { HoboClient, HoboClientOptions, HoboFlavour } from "../src/hobo";
import { attachConfig as attachShared, positiveSetting, totalTimeMs } from "./shared/config";
import { requireSecureTransport } from "../src/core/transport-rule";
import { Connection, type ConnectionOptions } from "./shared/connection";
import type { Status } from "./shared/status";

/**
 * What a hobo-config node owns and offers its flow nodes: the one shared client (token, limiter)
 * made on first use (throwing InputError on bad settings), its users, and the flavour setting.
 */
export class HoboConnection extends Connection<HoboClient> {
  constructor(
    node: Node,
    options: ConnectionOptions<HoboClient>,
    /** The service flavour, or undefined when the setting is not a known one. */
    readonly flavour: HoboFlavour | undefined,
  ) {
    super(node, options);
  }
}

/** The config node's settings (also what the editor posts to the test route). */
export interface HoboSettings {
  flavour?: unknown;
  endpoint?: unknown;
  timeout?: unknown;
  /** Total time per call in seconds, retries included (default 60). */
  totalTime?: unknown;
  rpm?: unknown;
  concurrency?: unknown;
}

export interface HoboCredentials {
  token?: string;
  clientId?: string;
  clientSecret?: string;
  userId?: string;
}

export const CREDENTIAL_FIELDS = ["token", "clientId", "clientSecret", "userId"] as const;
export const SECRET_FIELDS = ["token", "clientSecret"] as const;

export function flavourOf(value: unknown): HoboFlavour | undefined {
  return value === "licor" || value === "legacy" ? value : undefined;
}

/** Where the settings send credentials (flavour and endpoint), compared before stored secrets are used for a dialog's test. */
export function hoboTarget(settings: HoboSettings): string {
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint.trim().replace(/\/+$/, "") : "";
  return `${String(settings.flavour)} ${endpoint}`;
}

/** Client options from settings and credentials; InputError (before any request) when unusable. */
export function clientOptions(settings: HoboSettings, creds: HoboCredentials, logger?: HoboClientOptions["logger"]): HoboClientOptions {
  const flavour = flavourOf(settings.flavour);
  if (!flavour) {
    throw inputError("hobo-config.errors.unknownFlavour", { flavour: String(settings.flavour) });
  }
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint.trim() : "";
  if (endpoint && !/^https?:\/\/[^\s/]+/i.test(endpoint)) {
    throw inputError("hobo-config.errors.badEndpoint", { endpoint: endpoint.slice(0, 60) });
  }
  if (endpoint) requireSecureTransport(endpoint, "The hobo-config's endpoint");
  const common = {
    flavour,
    baseUrl: endpoint || undefined,
    timeoutMs: (positiveSetting(settings.timeout) ?? 30) * 1000,
    retry: { maxTotalMs: totalTimeMs(settings.totalTime) },
    requestsPerMinute: positiveSetting(settings.rpm),
    maxConcurrent: positiveSetting(settings.concurrency),
    logger,
  };
  if (flavour === "licor") {
    if (!creds.token) throw inputError("hobo-config.errors.noToken", undefined, NotConfiguredError);
    return { ...common, token: creds.token };
  }
  if (!creds.clientId || !creds.clientSecret || !creds.userId) {
    throw inputError("hobo-config.errors.noLegacyCredentials", undefined, NotConfiguredError);
  }
  return { ...common, clientId: creds.clientId, clientSecret: creds.clientSecret, userId: creds.userId };
}

/** Attaches a flow node to its hobo-config (see shared/config.ts attachConfig). */
export function attachConfig(RED: NodeAPI, node: Node, configId: string | undefined, status: Status): { require(): HoboConnection } {
  return attachShared<HoboConnection>(RED, node, configId, status, "hobo-config");
}
