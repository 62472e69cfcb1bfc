/**
 * What egauge-config and egauge-data share: the config's settings and credentials, how they
 * become client options (InputError before any request when unusable), the meter URL from a
 * device name on the eGauge proxy, and the config node's face as the flow nodes see it.
 */
import type { Node, NodeAPI } from "node-red";
import type { EgaugeClient, EgaugeClientOptions } from "../src/egauge";
import { attachConfig as attachShared, positiveSetting, totalTimeMs } from "./shared/config";
import { inputError } from "./shared/i18n";
import { Connection, type ConnectionOptions } from "./shared/connection";
import { NotConfiguredError } from "./shared/not-configured";
import type { Status } from "./shared/status";

/** What an egauge-config node owns and offers its flow nodes: the one shared client (login, pacing), made on first use, and its users. */
export class EgaugeConnection extends Connection<EgaugeClient> {
  constructor(
    node: Node,
    options: ConnectionOptions<EgaugeClient>,
    /** The meter's name for records (config name, or the URL's host). */
    readonly meterName: string,
  ) {
    super(node, options);
  }
}

/** The config node's settings (also what the editor posts to its admin routes). */
export interface EgaugeSettings {
  name?: unknown;
  /** Meter URL (http(s)://…) or a device name on the eGauge proxy ("DEV1234"). */
  meter?: unknown;
  /** "verify" (default), "self-signed" (accept the meter's own certificate) or "ca". */
  tls?: unknown;
  ca?: unknown;
  /** Allow plain http to a meter on the LAN (the password never leaves; the token does). */
  allowHttp?: unknown;
  timeout?: unknown;
  /** Total time per call in seconds, retries included (default 60). */
  totalTime?: unknown;
}

export interface EgaugeCredentials {
  user?: string;
  password?: string;
}

export const CREDENTIAL_FIELDS = ["user", "password"] as const;
export const SECRET_FIELDS = ["password"] as const;

/** A meter URL: as given when it has a scheme, https://<name>.egaug.es for a bare device name, https:// before a host. */
export function meterUrl(value: unknown): string {
  const text = typeof value === "string" ? value.trim().replace(/\/+$/, "") : "";
  if (text === "") throw inputError("egauge-config.errors.noMeter", undefined, NotConfiguredError);
  if (/^https?:\/\//i.test(text)) return text;
  if (/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(text)) return `https://${text}.egaug.es`;
  if (/^[A-Za-z0-9.-]+(:\d+)?(\/.*)?$/.test(text)) return `https://${text}`;
  throw inputError("egauge-config.errors.badMeter", { meter: text.slice(0, 60) });
}

/** Where the stored password may go (the URL), compared before a dialog test uses it. */
export function egaugeTarget(settings: EgaugeSettings): string {
  try {
    return meterUrl(settings.meter);
  } catch {
    return "";
  }
}

export function clientOptions(settings: EgaugeSettings, creds: EgaugeCredentials): EgaugeClientOptions {
  const url = meterUrl(settings.meter);
  if (!creds.user) throw inputError("egauge-config.errors.noUser", undefined, NotConfiguredError);
  const tls = settings.tls === "self-signed" || settings.tls === "ca" ? settings.tls : "verify";
  const ca = typeof settings.ca === "string" ? settings.ca.trim() : "";
  if (tls === "ca" && !ca.includes("BEGIN CERTIFICATE")) throw inputError("egauge-config.errors.noCa");
  return {
    url,
    user: creds.user,
    password: creds.password ?? "",
    allowSelfSigned: tls === "self-signed",
    ca: tls === "ca" ? ca : undefined,
    allowHttp: settings.allowHttp === true || settings.allowHttp === "true",
    timeoutMs: (positiveSetting(settings.timeout) ?? 30) * 1000,
    maxTotalMs: totalTimeMs(settings.totalTime),
  };
}

export function attachConfig(RED: NodeAPI, node: Node, configId: string | undefined, status: Status): { require(): EgaugeConnection } {
  return attachShared<EgaugeConnection>(RED, node, configId, status, "egauge-config");
}
