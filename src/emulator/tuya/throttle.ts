// Per-(client, endpoint template) rate limit over a sliding 1-second window, as Tuya counts:
// "the limits apply per cloud project and per API" (reference §5.4). Uses the real clock, not the
// injectable one: a frozen test clock must not make every request look simultaneous.

/**
 * Calls per second per endpoint template when no option says otherwise. Tuya publishes figures
 * only for its v2.0 "cloud/thing" family (query properties 50/s, send properties or actions 4/s,
 * query the thing model 10/s); the iot-03 and Smart Home values are not published [inference]:
 * the same figures by analogy (device status as "query properties", commands as "send
 * properties"), batch and history queries at 20/s and 10/s, everything else DEFAULT_QPS.
 */
export const DEFAULT_QPS_TABLE: Readonly<Record<string, number>> = {
  // Published (v2.0; the emulator does not route these, listed as the source of the analogies).
  "GET /v2.0/cloud/thing/{device_id}/shadow/properties": 50,
  "POST /v2.0/cloud/thing/{device_id}/shadow/properties/issue": 4,
  "POST /v2.0/cloud/thing/{device_id}/shadow/actions": 4,
  "GET /v2.0/cloud/thing/{device_id}/model": 10,
  // By analogy [inference].
  "GET /v1.0/iot-03/devices/{device_id}/status": 50,
  "POST /v1.0/iot-03/devices/{device_id}/commands": 4,
  "POST /v1.0/devices/{device_id}/commands": 4,
  "GET /v1.0/iot-03/devices/{device_id}/specification": 10,
  "GET /v1.0/devices/{device_id}/specifications": 10,
  "GET /v1.0/iot-03/devices/status": 20,
  "GET /v1.0/devices/status": 20,
  "GET /v1.0/iot-03/devices/{device_id}/logs": 10,
  "GET /v1.0/iot-03/devices/{device_id}/report-logs": 10,
  "GET /v1.0/devices/{device_id}/logs": 10,
};

/** Calls per second for templates the table does not name (the emulator's earlier single limit). */
export const DEFAULT_QPS = 20;

export interface ThrottleLimits {
  /** Calls per second for every template not in byTemplate; 0 = unlimited. */
  qps: number;
  /** Per-template overrides, keyed "METHOD /path/{param}" as in the stats. */
  byTemplate: Record<string, number>;
}

/**
 * Limits from the options: `qps` alone applies to every template (0 turns throttling off);
 * `qpsByTemplate` overrides single templates; with neither, DEFAULT_QPS_TABLE and DEFAULT_QPS.
 */
export function throttleLimits(qps: number | undefined, byTemplate: Record<string, number> | undefined): ThrottleLimits {
  const base = qps === undefined ? { ...DEFAULT_QPS_TABLE } : {};
  for (const [template, n] of Object.entries(byTemplate ?? {})) {
    if (!Number.isFinite(n) || n < 0) throw new Error(`qps for "${template}" must be a number from 0 up, got ${String(n)}`);
    base[template] = n;
  }
  return { qps: qps ?? DEFAULT_QPS, byTemplate: base };
}

/**
 * Parses the CLI's --tuya-qps values: "N" sets every template, "METHOD /path=N" one template
 * (e.g. "GET /v1.0/iot-03/devices/{device_id}/logs=40").
 */
export function parseQpsFlags(values: string[]): { qps?: number; qpsByTemplate: Record<string, number> } {
  let qps: number | undefined;
  const qpsByTemplate: Record<string, number> = {};
  for (const value of values) {
    const eq = value.lastIndexOf("=");
    const text = eq < 0 ? value : value.slice(eq + 1);
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < 0) throw new Error(`--tuya-qps wants N or "METHOD /path=N" with N a number from 0 up, got "${value}"`);
    if (eq < 0) qps = n;
    else {
      const template = value.slice(0, eq).trim();
      if (!/^(GET|POST|PUT|DELETE) \/\S*$/.test(template))
        throw new Error(`--tuya-qps: "${template}" is not "METHOD /path" (e.g. "GET /v1.0/iot-03/devices/{device_id}/logs")`);
      qpsByTemplate[template] = n;
    }
  }
  return { qps, qpsByTemplate };
}

export class Throttle {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits) {}

  /** The limit that applies to a template (0 = unlimited). */
  limitOf(template: string): number {
    return this.limits.byTemplate[template] ?? this.limits.qps;
  }

  /** Records the call and returns true when it is within the limit. Rejected calls are not counted. */
  admit(clientId: string, template: string, nowMs = Date.now()): boolean {
    const qps = this.limitOf(template);
    if (qps <= 0) return true;
    const key = `${clientId} ${template}`;
    const list = (this.hits.get(key) ?? []).filter((t) => nowMs - t < 1000);
    if (list.length >= qps) {
      this.hits.set(key, list);
      return false;
    }
    list.push(nowMs);
    this.hits.set(key, list);
    return true;
  }

  clear(): void {
    this.hits.clear();
  }
}

/** Optional trial-edition quota per calendar month (UTC) of the server clock (reference §5.4). */
export class Quota {
  private month = "";
  private used = 0;

  constructor(private readonly limit: number | undefined) {}

  admit(nowMs: number): boolean {
    if (this.limit === undefined) return true;
    const month = new Date(nowMs).toISOString().slice(0, 7);
    if (month !== this.month) {
      this.month = month;
      this.used = 0;
    }
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }
}
