/**
 * The Node-RED runtime under test: the dev dependency (4.1.x) by default, Node-RED 5.0 when
 * NODE_RED_RUNTIME=node-red-5 (installed under that npm alias). Node suites import the helper
 * from here so every node is proven on both.
 */
import helper from "node-red-node-test-helper";

export const runtimeName = process.env.NODE_RED_RUNTIME || "node-red";
helper.init(require.resolve(runtimeName));

export { helper };

type StatusCall = { args: [import("node-red").NodeStatus] };

/** Calls fn with every status a node shows (the helper emits "call:status"); returns the unsubscribe. */
export function watchStatus(node: unknown, fn: (status: import("node-red").NodeStatus) => void): () => void {
  const emitter = node as import("node:events").EventEmitter;
  const listener = (call: StatusCall) => fn(call.args[0]);
  emitter.on("call:status", listener);
  return () => emitter.off("call:status", listener);
}
