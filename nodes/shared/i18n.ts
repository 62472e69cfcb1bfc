/**
 * Runtime texts (statuses, warnings, errors) in the runtime's language, through Node-RED's RED._
 * (settings.js `lang`, else the LC_ALL/LC_MESSAGES/LANG of the process). Every key starts with
 * the node set whose catalog holds it ("tuya-status.status.noChange"); shared texts live under
 * "common." in the tuya-config catalog. A node's RED._ only prefixes its own set's namespace, so
 * keys are qualified here and one node can use another set's texts.
 *
 * Where RED._ gives the key back (a runtime without the catalog, such as the test helper, whose
 * RED._ is the identity), the English catalog shipped next to this file answers instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NodeAPI } from "node-red";
import { ApiError, InputError, type TextKey } from "../../src/core/errors";
import { hoboErrorHint } from "../../src/hobo/errors";
import { tuyaErrorHint } from "../../src/tuya/errors";

/** The package name: the catalogs' namespaces are "<module>/<set>". */
export const MODULE = "@bestlab/node-red-platform";
/** The set whose catalog holds the shared ("common.") texts. */
const COMMON_SET = "tuya-config";

export type TextParams = Record<string, string | number>;
export type Translate = (key: string, params?: TextParams) => string;

let english: Record<string, unknown> | undefined;

/** All en-US catalogs merged (their top-level keys are the set names and "common"). */
function englishCatalog(): Record<string, unknown> {
  if (!english) {
    const dir = join(__dirname, "..", "locales", "en-US");
    english = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) Object.assign(english, JSON.parse(readFileSync(join(dir, file), "utf8")));
  }
  return english;
}

function lookup(catalog: Record<string, unknown>, key: string): string | undefined {
  let at: unknown = catalog;
  for (const part of key.split(".")) at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined;
  return typeof at === "string" ? at : undefined;
}

/** i18next's plural forms ("key_one", "key_other") for a count, as the English fallback picks them. */
function pluralKey(key: string, params?: TextParams): string[] {
  return params && typeof params.count === "number" ? [`${key}_${params.count === 1 ? "one" : "other"}`, key] : [key];
}

/** The English text for key with its __params__ filled in, or the key itself when there is none. */
export function englishText(key: string, params?: TextParams): string {
  const text = pluralKey(key, params)
    .map((k) => lookup(englishCatalog(), k))
    .find((t) => t !== undefined);
  if (text === undefined) return key;
  return text.replace(/__([A-Za-z0-9]+)__/g, (whole, name: string) => (params && params[name] !== undefined ? String(params[name]) : whole));
}

/** The namespace-qualified key RED._ resolves in any node set. */
export function qualified(key: string): string {
  const set = key.startsWith("common.") ? COMMON_SET : key.slice(0, key.indexOf("."));
  return `${MODULE}/${set}:${key}`;
}

/** A translator for runtime texts in the runtime's language, English where no catalog answers. */
export function translator(RED: Pick<NodeAPI, "_">): Translate {
  return (key, params) => {
    const full = qualified(key);
    let text: unknown;
    try {
      text = RED._(full, params);
    } catch {
      text = undefined;
    }
    return typeof text === "string" && text !== full && text !== key ? text : englishText(key, params);
  };
}

/** A catalog key ("<set>.…" or "common.…"); other keys are the library's own (src/), found under "common.lib.". */
function catalogKey(key: string): string {
  return key.startsWith("common.") || /^[a-z]+-[a-z-]+\./.test(key) ? key : `common.lib.${key}`;
}

/** An InputError (or a subclass, such as NotConfiguredError) whose English message comes from the catalog, keyed so handleInput shows it in the runtime's language. */
export function inputError(key: string, params?: TextParams, Kind: new (message: string, text?: TextKey) => InputError = InputError): InputError {
  return new Kind(englishText(key, params), { key, params });
}

/** A plain Error, keyed like inputError. */
export function keyedError(key: string, params?: TextParams): Error {
  return Object.assign(new Error(englishText(key, params)), { key, params });
}

/** The library's hint for a service code, which the catalogs hold under common.hints.<platform>.<code>. */
function libraryHint(err: ApiError): string | undefined {
  if (err.code === undefined) return undefined;
  return err.platform === "tuya" ? tuyaErrorHint(err.code) : hoboErrorHint(String(err.code));
}

/** A service error with its hint (what to do about the code) in the runtime's language; the code and the service's own text stay. */
function localizedHint(err: ApiError, t: Translate): ApiError {
  const hint = libraryHint(err);
  if (hint === undefined || err.hint !== hint || !err.message.endsWith(`: ${hint}`)) return err;
  const key = `common.hints.${err.platform}.${String(err.code)}`;
  const text = t(key);
  if (text !== key && text !== englishText(key)) err.message = `${err.message.slice(0, -hint.length)}${text}`;
  return err;
}

/** The error with its message in the runtime's language when it carries a text key (node or library) or a service code with a hint; others as they are. */
export function localized<E>(err: E, t: Translate): E {
  if (err instanceof ApiError) return localizedHint(err, t) as E;
  if (!(err instanceof Error)) return err;
  const { key, params } = err as Error & { key?: unknown; params?: TextParams };
  if (typeof key !== "string") return err;
  const full = catalogKey(key);
  const text = t(full, params);
  // English stays the thrower's own message (a library text may say more than its catalog entry).
  if (text !== full && text !== englishText(full, params)) err.message = text;
  return err;
}
