/**
 * Everything nodes emit during the node suites (messages sent, statuses, log/warn/error calls,
 * runtime log events and the admin routes' JSON answers), kept for the whole mocha run so a last
 * spec can prove that no secret or token ever left a node. Node specs call recordEmissions()
 * before helper.unload() and registerSecrets() with the credentials and tokens they used. What
 * is recorded while a platform's suite runs is counted for it, so the scan can tell "nothing
 * leaked" from "nothing was recorded".
 */
import type { helper as Helper } from "./node-red";

const METHODS = ["send", "status", "log", "warn", "error", "debug", "trace"] as const;
const transcript: string[] = [];
const secrets = new Set<string>();
/** The platform whose node suite is running (set by the suite's emulator hooks). */
let source: string | undefined;
const ran = new Set<string>();
const lines = new Map<string, number>();
const secretCounts = new Map<string, number>();

function push(line: string): void {
  transcript.push(line);
  if (source) lines.set(source, (lines.get(source) ?? 0) + 1);
}

/** From now on, what is recorded counts for this platform's suite (undefined: for none). */
export function recordFor(name: string | undefined): void {
  source = name;
}

/** Notes that a test of this platform's suite ran. */
export function noteTestRan(name: string): void {
  ran.add(name);
}

export function suiteRan(name: string): boolean {
  return ran.has(name);
}

/** Lines recorded and secrets registered while the platform's suite ran. */
export function recordedFor(name: string): { lines: number; secrets: number } {
  return { lines: lines.get(name) ?? 0, secrets: secretCounts.get(name) ?? 0 };
}

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
    for (const args of proto?.[method]?.args ?? []) push(`${method} ${serialize(args)}`);
  }
  const log = (helper as unknown as { _logSpy?: SpyLike })._logSpy;
  for (const args of log?.args ?? []) push(`runtime-log ${serialize(args)}`);
}

type JsonResponse = { json(body: unknown): unknown };
const patched = new WeakSet<object>();

/** Records every JSON answer of an admin app (the config nodes' test and device routes) as it is sent. */
export function recordAdminAnswers(app: { response: JsonResponse }): void {
  const response = app.response;
  if (patched.has(response)) return;
  patched.add(response);
  const json = response.json;
  response.json = function (this: unknown, body: unknown) {
    push(`admin ${serialize(body)}`);
    return json.call(this, body);
  };
}

/** Adds strings that must never appear in anything a node emitted. */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) {
    if (!v || v.length < 6) continue;
    secrets.add(v);
    if (source) secretCounts.set(source, (secretCounts.get(source) ?? 0) + 1);
  }
}

export function emissionTranscript(): readonly string[] {
  return transcript;
}

export function registeredSecrets(): readonly string[] {
  return [...secrets];
}
