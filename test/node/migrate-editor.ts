/**
 * A new node as the editor makes it (the defaults of nodes/<type>.html, read by the dialog
 * loader of the editor's unit specs): what the migrate specs compare the runtime's defaults and
 * version with, and what "today's dialog" writes before a user changes anything.
 */
import { loadDialog } from "../unit/editor/load-dialog";

/** A new node's properties as the editor sets them (each default's value). */
export function newNode(type: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(loadDialog(type).defaults).map(([key, d]) => [key, structuredClone(d.value)]));
}
