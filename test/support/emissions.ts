/**
 * Everything nodes emit during the node suites (messages sent, statuses, log/warn/error calls and
 * runtime log events), kept for the whole mocha run so a last spec can prove that no secret or
 * token ever left a node. Node specs call recordEmissions() before helper.unload() and
 * registerSecrets() with the credentials and tokens they used.
 */
import type { helper as Helper } from "./node-red";

const METHODS = ["send", "status", "log", "warn", "error", "debug", "trace"] as const;
const transcript: string[] = [];
const secrets = new Set<string>();

function serialize(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Error) return { ...v, name: v.name, message: v.message, stack: v.stack };
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object") {
      if (seen.has(v)) return "[circular]";
      seen.add(v);
    }
    return v;
  });
}

type SpyLike = { args?: unknown[][] };

/** Appends every call recorded by the test helper since the last load() to the run's transcript. */
export function recordEmissions(helper: typeof Helper): void {
  const proto = (helper as unknown as { _NodePrototype?: Record<string, SpyLike> })._NodePrototype;
  for (const method of METHODS) {
    for (const args of proto?.[method]?.args ?? []) transcript.push(`${method} ${serialize(args)}`);
  }
  const log = (helper as unknown as { _logSpy?: SpyLike })._logSpy;
  for (const args of log?.args ?? []) transcript.push(`runtime-log ${serialize(args)}`);
}

/** Adds strings that must never appear in anything a node emitted. */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 6) secrets.add(v);
}

export function emissionTranscript(): readonly string[] {
  return transcript;
}

export function registeredSecrets(): readonly string[] {
  return [...secrets];
}
