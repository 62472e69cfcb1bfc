/**
 * The Node-RED runtime under test: the dev dependency (4.1.x) by default, Node-RED 5.0 when
 * NODE_RED_RUNTIME=node-red-5 (installed under that npm alias). Node suites import the helper
 * from here so every node is proven on both.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import helper from "node-red-node-test-helper";
import { recordAdminAnswers } from "./emissions";

export const runtimeName = process.env.NODE_RED_RUNTIME || "node-red";
helper.init(require.resolve(runtimeName));

// The admin routes' answers (test connection, device lists) join the transcript the secret scans read.
const request = helper.request.bind(helper);
helper.request = () => {
  const app = (helper as unknown as { _httpAdmin?: { response: { json(body: unknown): unknown } } })._httpAdmin;
  if (app) recordAdminAnswers(app);
  return request();
};

export { helper };

/** A module of the runtime under test, e.g. a core node ("@node-red/nodes/core/...") or a context store. */
export function runtimeModule(path: string): unknown {
  const resolved = require.resolve(path, { paths: [dirname(require.resolve(`${runtimeName}/package.json`))] });
  return createRequire(resolved)(resolved) as unknown;
}

type StatusCall = { args: [import("node-red").NodeStatus] };

/** Calls fn with every status a node shows (the helper emits "call:status"); returns the unsubscribe. */
export function watchStatus(node: unknown, fn: (status: import("node-red").NodeStatus) => void): () => void {
  const emitter = node as import("node:events").EventEmitter;
  const listener = (call: StatusCall) => fn(call.args[0]);
  emitter.on("call:status", listener);
  return () => emitter.off("call:status", listener);
}

type InputNode = { on(event: "input", fn: (msg: never) => void): unknown; removeListener(event: "input", fn: (msg: never) => void): unknown };

/**
 * Runs trigger, then resolves with the first message that reaches `out` or `caught`. Both
 * listeners are removed afterwards with removeListener (Node-RED's override): `once` listeners
 * left behind pile up across runs and break the node's list of input callbacks.
 */
export async function firstMessage<M>(out: unknown, caught: unknown, trigger: () => void): Promise<{ out?: M; caught?: M }> {
  const [o, c] = [out as InputNode, caught as InputNode];
  let onOut: (m: M) => void = () => undefined;
  let onCaught: (m: M) => void = () => undefined;
  const first = new Promise<{ out?: M; caught?: M }>((resolve) => {
    onOut = (m) => resolve({ out: m });
    onCaught = (m) => resolve({ caught: m });
  });
  o.on("input", onOut as (msg: never) => void);
  c.on("input", onCaught as (msg: never) => void);
  try {
    trigger();
    return await first;
  } finally {
    o.removeListener("input", onOut as (msg: never) => void);
    c.removeListener("input", onCaught as (msg: never) => void);
  }
}

/**
 * Sends msg to node and collects what reaches `out` until the node is done or a message reaches
 * `caught`; listeners are removed afterwards (see firstMessage). Done is the node's own green
 * dot, or, when a `complete` node is given (a Complete node's helper, for nodes that may end on
 * a yellow status), the message reaching it.
 */
export async function collectUntilDone<M>(node: { receive(msg: never): void }, out: unknown, caught: unknown, msg: Record<string, unknown>, complete?: unknown): Promise<{ out: M[]; caught?: M }> {
  const [o, c, d] = [out as InputNode, caught as InputNode, complete as InputNode | undefined];
  const received: M[] = [];
  const onOut = (m: M) => received.push(m);
  let onCaught: (m: M) => void = () => undefined;
  let onComplete: () => void = () => undefined;
  let stop: () => void = () => undefined;
  const finished = new Promise<M | undefined>((resolve) => {
    onCaught = resolve;
    onComplete = () => resolve(undefined);
    if (!d) {
      stop = watchStatus(node, (status) => {
        if (status.fill === "green" && status.shape === "dot") resolve(undefined);
      });
    }
  });
  o.on("input", onOut as (msg: never) => void);
  c.on("input", onCaught as (msg: never) => void);
  d?.on("input", onComplete as (msg: never) => void);
  try {
    node.receive(msg as never);
    const caughtMsg = await finished;
    // Messages sent in the same tick as the end still arrive.
    await new Promise((resolve) => setImmediate(resolve));
    return { out: received, caught: caughtMsg };
  } finally {
    stop();
    o.removeListener("input", onOut as (msg: never) => void);
    c.removeListener("input", onCaught as (msg: never) => void);
    d?.removeListener("input", onComplete as (msg: never) => void);
  }
}

type StatusSpy = { getCalls(): { thisValue: unknown; args: unknown[] }[] };

/** Every status this node showed since the flow was loaded (the helper's spy is shared by all nodes: filtered by this). */
export function statusesOf(node: unknown): import("node-red").NodeStatus[] {
  const spy = (node as { status: StatusSpy }).status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => c.args[0] as import("node-red").NodeStatus);
}
