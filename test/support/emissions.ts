/**
 * Everything nodes emit during the node suites (messages sent, statuses, log/warn/error calls,
 * runtime log events and the admin routes' JSON answers), kept for the whole mocha run so the
 * secret scan (secret-scan.hooks.ts, a root hook) can prove that no secret, token or device key
 * ever left a node. The helper records a flow's emissions itself just before every unload
 * (node-red.ts); suites register the credentials and tokens they used with registerSecrets()
 * and the devices' LAN keys with registerDeviceKeys(). What is recorded while a platform's suite
 * runs is counted for it, so the scan can tell "nothing leaked" from "nothing was recorded".
 */
import type { helper as Helper } from "./node-red";

const METHODS = ["send", "status", "log", "warn", "error", "debug", "trace"] as const;

/** One recorded emission: what kind ("send", "status", ..., "runtime-log", "admin"), by which node type, as JSON text. */
export interface Emission {
  kind: string;
  nodeType?: string;
  text: string;
  /** A message of a flow with a tuya-request node, sent by it or by a core node passing its msg on: its raw answer may hold device keys. */
  rawAnswer?: boolean;
}

const transcript: Emission[] = [];
const secrets = new Set<string>();
const deviceKeys = new Set<string>();
/** The platform whose node suite is running (set by the suite's emulator hooks). */
let source: string | undefined;
const ran = new Set<string>();
const lines = new Map<string, number>();
const secretCounts = new Map<string, number>();

function push(kind: string, text: string, nodeType?: string, rawAnswer = false): void {
  transcript.push({ kind, nodeType, text, rawAnswer });
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

/** The platforms whose node suites ran tests in this mocha run. */
export function suitesRan(): string[] {
  return [...ran];
}

/** Lines recorded and secrets registered while the platform's suite ran. */
export function recordedFor(name: string): { lines: number; secrets: number } {
  return { lines: lines.get(name) ?? 0, secrets: secretCounts.get(name) ?? 0 };
}

/** JSON of anything a node emitted: errors with their fields, BigInt as text, cycles marked. */
export function serialize(value: unknown): string {
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

/** Core nodes that pass a node's msg on (a Complete node sends the msg its node finished). */
const CORE_PASSERS = new Set(["complete", "catch", "join", "split"]);

type SpyLike = { getCalls?(): { thisValue: unknown; args: unknown[] }[] };

/** Appends every call the test helper spied on since the last load() to the run's transcript (node-red.ts calls it before each unload). */
export function recordEmissions(helper: typeof Helper): void {
  const proto = (helper as unknown as { _NodePrototype?: Record<string, SpyLike> })._NodePrototype;
  const typeOf = (call: { thisValue: unknown }) => (call.thisValue as { type?: string } | null)?.type;
  const calls = METHODS.map((method) => [method, proto?.[method]?.getCalls?.() ?? []] as const);
  const rawFlow = calls.some(([, list]) => list.some((c) => typeOf(c) === "tuya-request"));
  for (const [method, list] of calls) {
    for (const call of list) {
      const type = typeOf(call);
      push(method, serialize(call.args), type, method === "send" && (type === "tuya-request" || (rawFlow && CORE_PASSERS.has(type ?? ""))));
    }
  }
  const log = (helper as unknown as { _logSpy?: SpyLike })._logSpy;
  for (const call of log?.getCalls?.() ?? []) push("runtime-log", serialize(call.args));
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
    push("admin", serialize(body));
    return json.call(this, body);
  };
}

/** Adds strings that must never appear in anything a node emitted (secrets, passwords, tokens). */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) {
    if (!v || v.length < 6) continue;
    secrets.add(v);
    if (source) secretCounts.set(source, (secretCounts.get(source) ?? 0) + 1);
  }
}

/** Adds devices' LAN keys (Tuya local_key): never emitted, except in the raw answer tuya-request sends (its help says so). */
export function registerDeviceKeys(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 6) deviceKeys.add(v);
}

/** The transcript as text lines "<kind> <json>" (e.g. "status [...]", "admin {...}"). */
export function emissionTranscript(): readonly string[] {
  return transcript.map((e) => `${e.kind} ${e.text}`);
}

/** One regular expression for all the values (a single pass per line: many includes() over megabytes take too long); undefined for none. */
function anyOf(values: string[]): RegExp | undefined {
  return values.length ? new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : undefined;
}

/** Every registered secret or device key found in the transcript, as "abc… in: <kind> <node type> <line>". */
export function leaks(): string[] {
  const keys = [...secrets, ...deviceKeys];
  const [any, secretOnly] = [anyOf(keys), anyOf([...secrets])];
  const found: string[] = [];
  for (const e of transcript) {
    if (!(e.rawAnswer ? secretOnly : any)?.test(e.text)) continue;
    for (const secret of e.rawAnswer ? secrets : keys) {
      if (e.text.includes(secret)) found.push(`${secret.slice(0, 3)}… in: ${e.kind} ${e.nodeType ?? ""} ${e.text.slice(0, 200)}`);
    }
  }
  return found;
}
