/**
 * A node type's registration as its editor file gives it (nodes/<type>.html), read without a
 * browser: the file's scripts run against a stand-in RED that keeps what registerType gets. The
 * migrate specs compare the runtime's defaults and versions with it, and build "a new node from
 * the palette" from it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

/** Anything: every property and every call gives this again (validators, jQuery, the pack's editor helpers). */
const anything: unknown = new Proxy(function () {}, { get: (_t, key) => (key === Symbol.toPrimitive ? () => "" : anything), apply: () => anything });

interface Registration {
  defaults: Record<string, { value?: unknown }>;
}

/** The definition registerType gets for this type. */
export function editorDefinition(type: string): Registration {
  const html = readFileSync(join(__dirname, "..", "..", "nodes", `${type}.html`), "utf8");
  const registered = new Map<string, Registration>();
  const RED = new Proxy({ nodes: { registerType: (t: string, def: Registration) => registered.set(t, def) } } as Record<string, unknown>, {
    get: (target, key) => (key in target ? target[key as string] : anything),
  });
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) {
    vm.runInNewContext(code, { RED, $: anything, jQuery: anything, window: anything, document: anything, BestlabRules: anything, BestlabTuya: anything });
  }
  const def = registered.get(type);
  if (!def) throw new Error(`nodes/${type}.html registers no ${type}`);
  return def;
}

/** A new node's properties as the editor sets them (each default's value). */
export function newNode(type: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(editorDefinition(type).defaults).map(([key, d]) => [key, structuredClone(d.value)]));
}
