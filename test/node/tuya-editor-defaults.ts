/**
 * The defaults a Tuya node's editor gives a new node (the `defaults` of RED.nodes.registerType in
 * nodes/<type>.html, run with the shared editor resources as the browser runs them), for specs
 * that prove the runtime falls back to the same values when a flow (imported, hand-written,
 * older) leaves a property out.
 */
import { loadDialog } from "../unit/editor/load-dialog";

type Literal = string | number | boolean | unknown[];

/** Each property's default `value` as the editor sets it. */
export function editorDefaults(type: string): Record<string, Literal> {
  const { defaults } = loadDialog(type);
  return Object.fromEntries(Object.entries(defaults).map(([key, d]) => [key, d.value as Literal]));
}
