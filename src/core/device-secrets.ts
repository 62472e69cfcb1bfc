/**
 * Device secrets a cloud hands out with device details (Tuya's local_key is the LAN control key
 * of a device: whoever reads it can switch the device on the local network, bypassing the
 * cloud). They have no place in a flow's messages, where every editor user sees them in the
 * Debug sidebar, so the nodes strip them from everything they send; only tuya-request's raw
 * answer keeps them, and its help says so.
 */

/** Field names the clients know to hold a device secret (compared case-insensitively, "_" optional). */
export const DEVICE_SECRET_FIELDS: readonly string[] = ["local_key", "localKey"];

const NORMALISED = new Set(DEVICE_SECRET_FIELDS.map(normalise));

function normalise(name: string): string {
  return name.toLowerCase().replace(/_/g, "");
}

/** Verdicts by field name: a 100,000-row window asks about the same dozen names a million times. */
const verdicts = new Map<string, boolean>();
/** Names remembered at most (a payload keyed by ids could otherwise grow the map without end). */
const MAX_VERDICTS = 10_000;

export function isDeviceSecretField(name: string): boolean {
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = NORMALISED.has(normalise(name));
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(name, verdict);
  }
  return verdict;
}

/**
 * The value without device-secret fields at any depth. Objects and arrays are copied only where
 * something was removed (an untouched payload is returned as is, so a large one costs one walk);
 * an object met twice (the same device under two fields) gets the same clean copy both times;
 * cycles, buffers and class instances other than plain objects and arrays are left alone.
 */
const NO_FIELDS: ReadonlySet<string> = new Set();

export function withoutDeviceSecrets<T>(value: T, skip: ReadonlySet<string> = NO_FIELDS): T {
  // What each object walked became (itself while it is still being walked: a cycle is left alone).
  // A Map, not a WeakSet: it lives for one call, and weak collections cost the collector more.
  const results = new Map<object, unknown>();
  const walk = (v: unknown, top: boolean): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (results.has(v)) return results.get(v);
    results.set(v, v);
    const out = clean(v, top);
    results.set(v, out);
    return out;
  };
  const clean = (v: object, top: boolean): unknown => {
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const next = walk(v[i], false);
        if (next !== v[i]) (out ??= v.slice())[i] = next;
      }
      return out ?? v;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    let out: Record<string, unknown> | undefined;
    const record = v as Record<string, unknown>;
    // for...in, not Object.entries: no pair arrays per row (a streamed backfill walks millions of rows).
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const child = record[key];
      if (top && skip.has(key)) continue;
      if (isDeviceSecretField(key)) {
        out ??= { ...(v as Record<string, unknown>) };
        delete out[key];
        continue;
      }
      const next = walk(child, false);
      if (next !== child) (out ??= { ...(v as Record<string, unknown>) })[key] = next;
    }
    return out ?? v;
  };
  return walk(value, true) as T;
}
