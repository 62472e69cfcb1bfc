/**
 * A node's editor definition as the browser gets it, run in Node: the shared resources
 * (resources/rules.js, then resources/bestlab-editor.js, as plain scripts the way the editor
 * loads them) and the node's registerType script from nodes/<type>.html, with a tiny RED shim
 * (registerType, _, validators.typedInput, i18n.lang). Used to call a dialog's validators.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { englishText } from "../../../nodes/shared/i18n";

const ROOT = join(__dirname, "..", "..", "..");

export interface Validated {
  value?: unknown;
  validate?: (this: Record<string, unknown>, v: unknown, opt?: Record<string, unknown>) => unknown;
}
export interface EditorDefinition {
  defaults: Record<string, Validated>;
}

export interface DialogOptions {
  /** The editor's language (RED.i18n.lang()), default "en-US". */
  lang?: string;
  /** RED._ of the shim; default: the en-US catalogs, as an English editor reads them. */
  translate?: (key: string, params?: Record<string, unknown>) => string;
}

/** A fresh browser-like global with the shared resources loaded. */
export function editorContext(options: DialogOptions = {}): vm.Context {
  const RED = {
    _: options.translate ?? ((key: string, params?: Record<string, string | number>) => englishText(key.slice(key.indexOf(":") + 1), params)),
    i18n: { lang: () => options.lang ?? "en-US" },
    validators: { typedInput: () => () => true, number: () => () => true },
    nodes: { registerType: () => undefined },
  };
  const context = vm.createContext({ RED, $: () => ({}) });
  // The page's clock is this process's (so a fake clock in a spec holds for the dialog too).
  Object.defineProperty(context, "Date", { get: () => globalThis.Date, configurable: true });
  for (const file of ["rules.js", "bestlab-editor.js"]) vm.runInContext(readFileSync(join(ROOT, "resources", file), "utf8"), context, { filename: file });
  return context;
}

/** The definition nodes/<type>.html registers for <type>, run in a context from editorContext. */
export function loadDialog(type: string, options: DialogOptions = {}): EditorDefinition {
  const context = editorContext(options);
  const html = readFileSync(join(ROOT, "nodes", `${type}.html`), "utf8");
  const blocks = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)]
    .map((m) => m[1])
    .filter((code) => code.includes(`registerType('${type}'`));
  assert.equal(blocks.length, 1, `nodes/${type}.html has one registerType script for ${type}`);
  let def: EditorDefinition | undefined;
  (context.RED as { nodes: { registerType: unknown } }).nodes.registerType = (t: string, d: EditorDefinition) => {
    if (t === type) def = d;
  };
  vm.runInContext(blocks[0]!, context, { filename: `${type}.html` });
  assert.ok(def, `nodes/${type}.html registered no definition for ${type}`);
  return def;
}

/** A 3.x validator's verdict as Node-RED reads it: true, or the refusal's text (false when it gives none). */
export function verdict(def: EditorDefinition, property: string, node: Record<string, unknown>, value: unknown): true | string | false {
  const validate = def.defaults[property]?.validate;
  assert.ok(validate, `no validator for ${property}`);
  const out = validate.call(node, value, {});
  return out === true ? true : typeof out === "string" ? out : false;
}
