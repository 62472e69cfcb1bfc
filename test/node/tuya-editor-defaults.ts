/**
 * The defaults a Tuya node's editor gives a new node (the `defaults` of RED.nodes.registerType in
 * nodes/<type>.html), for specs that prove the runtime falls back to the same values when a flow
 * (imported, hand-written, older) leaves a property out.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Literal = string | number | boolean | unknown[];

function literal(text: string): Literal {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/\\(.)/g, "$1");
  if (text === "true" || text === "false") return text === "true";
  if (text === "[]") return [];
  return Number(text);
}

/** Each property's default `value` (string, number, boolean or []) as the editor sets it. */
export function editorDefaults(type: string): Record<string, Literal> {
  const html = readFileSync(join(__dirname, "..", "..", "nodes", `${type}.html`), "utf8");
  const start = html.indexOf("defaults: {");
  const end = html.indexOf("inputs:", start);
  if (start < 0 || end < 0) throw new Error(`no defaults block in nodes/${type}.html`);
  const out: Record<string, Literal> = {};
  for (const m of html.slice(start, end).matchAll(/(\w+): \{\s*value: ('(?:[^'\\]|\\.)*'|true|false|-?\d+(?:\.\d+)?|\[\])/g)) out[m[1]] = literal(m[2]);
  return out;
}
