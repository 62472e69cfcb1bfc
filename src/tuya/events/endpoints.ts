/**
 * Message-service endpoints (reference §1): the WebSocket host of each data center, the consumer
 * URL, and the upgrade headers. A custom ws(s):// URL is taken as given.
 */
import { InputError } from "../../core/errors";

const MQ_HOSTS: Readonly<Record<string, string>> = Object.freeze({
  cn: "wss://mqe.tuyacn.com:8285/",
  us: "wss://mqe.tuyaus.com:8285/",
  az: "wss://mqe.tuyaus.com:8285/",
  // Eastern America and Western Europe: no WebSocket host is documented; tuya-connector maps them to these [reference §1].
  "us-e": "wss://mqe.tuyaus.com:8285/",
  ue: "wss://mqe.tuyaus.com:8285/",
  eu: "wss://mqe.tuyaeu.com:8285/",
  "eu-w": "wss://mqe.tuyaeu.com:8285/",
  we: "wss://mqe.tuyaeu.com:8285/",
  in: "wss://mqe.tuyain.com:8285/",
  sg: "wss://mqe-sg.iotbing.com:8285/",
});

export const MQ_ENVIRONMENTS = ["event", "event-test"] as const;
export type MqEnvironment = (typeof MQ_ENVIRONMENTS)[number];

/** The base URL (ending in "/") for a region code or a custom ws(s):// URL. */
export function resolveMqEndpoint(regionOrUrl: string): string {
  const text = typeof regionOrUrl === "string" ? regionOrUrl.trim() : "";
  if (/^wss?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      throw new InputError(`The message service URL "${text}" is not a valid URL`);
    }
    return text.endsWith("/") ? text : `${text}/`;
  }
  const host = MQ_HOSTS[text.toLowerCase()];
  if (!host) throw new InputError(`No message service is known for the Tuya region "${text}": give its wss:// URL (e.g. wss://mqe.tuyaus.com:8285/)`);
  return host;
}

export interface ConsumerUrlOptions {
  endpoint: string;
  accessId: string;
  env: MqEnvironment;
  /** Subscription suffix (default "sub"): the subscription is "{accessId}-{suffix}". */
  suffix?: string;
  ackTimeoutMs?: number;
}

/** `{endpoint}ws/v2/consumer/persistent/{accessId}/out/{env}/{accessId}-{suffix}?…` (reference §1). */
export function consumerUrl(o: ConsumerUrlOptions): string {
  const suffix = o.suffix?.trim() || "sub";
  const ack = Math.max(1000, Math.round(o.ackTimeoutMs ?? 30_000));
  const id = encodeURIComponent(o.accessId);
  return `${o.endpoint}ws/v2/consumer/persistent/${id}/out/${o.env}/${id}-${encodeURIComponent(suffix)}?ackTimeoutMillis=${ack}&subscriptionType=Failover`;
}
