/**
 * Node context access through the callback API, so persistent context stores (localfilesystem)
 * work: incremental polls keep their high-water marks here and survive a restart.
 */
import type { Node } from "node-red";

type ContextStore = ReturnType<Node["context"]>;

export function contextGet<T>(ctx: ContextStore, key: string, store?: string): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null | undefined, value: unknown) => (err ? reject(err) : resolve(value as T | undefined));
    if (store) ctx.get(key, store, cb);
    else ctx.get(key, cb);
  });
}

export function contextSet(ctx: ContextStore, key: string, value: unknown, store?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (store) ctx.set(key, value, store, cb);
    else ctx.set(key, value, cb);
  });
}

/**
 * Saves a failed run's marks (what was sent, and where a first run started) without letting a
 * store that fails hide the run's own error: that one only warns.
 */
export async function saveMarksAfterFailure(node: Node, save: () => Promise<unknown>, warning: (error: string) => string): Promise<void> {
  try {
    await save();
  } catch (e) {
    node.warn(warning(e instanceof Error ? e.message : String(e)));
  }
}
