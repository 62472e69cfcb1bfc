/**
 * One probe per node under test: what that node showed and said (statuses, warnings, errors:
 * only its own calls, never another node's), and runs that end on a Complete node or fail.
 *
 * Usage in a node spec (the node under test is "n1" on tab "t1"):
 *
 *   const flow = [{ id: "t1", type: "tab" }, { id: "n1", z: "t1", ..., wires: [["h1"]] }, ...probeNodes()];
 *   await helper.load(modules, flow, credentials);
 *   const n1 = probe("n1");
 *   const { out, caught } = await n1.run({ payload: 1 });   // out: what reached h1; caught: its Catch message
 *   n1.lastStatus(); n1.warnings(); n1.errors();
 *
 * A run ends when the Complete node scoped to the node fires (done() called) or its Catch
 * message arrives (done(err)). A run that stops on a red or yellow ring status without either
 * (a node that never calls done, or one stuck in a warning) fails after `quietMs` of silence
 * with the status text, instead of waiting for mocha's timeout.
 */
import type { EventEmitter } from "node:events";
import type { NodeMessage, NodeStatus } from "node-red";
import { helper } from "./node-red";

/** A message as specs read it: any property. */
export type Msg = NodeMessage & Record<string, unknown>;

/** msg.errorDetails as the pack's nodes set it (src/core/errors.ts toJSON, or name and message). */
export interface ErrorDetails {
  name: string;
  message: string;
  code?: string | number;
  kind?: string;
  platform?: string;
  status?: number;
  [key: string]: unknown;
}

/** What a Catch node sends for the node's done(err). */
export type CaughtMsg = Msg & { error: { message: string; source: { id: string; type: string } }; errorDetails: ErrorDetails };

export interface NodeRun<M = Msg> {
  /** Messages that reached the output helper, in order. */
  out: M[];
  /** The Catch node's message when the run ended in done(err). */
  caught?: CaughtMsg;
}

export interface ProbeWiring {
  /** Helper on the node's (first) output. Default "h1". */
  out?: string;
  /** Helper after a Catch node. Default "h2". */
  caught?: string;
  /** Helper after a Complete node scoped to the node. Default "h3". */
  complete?: string;
  /** How long a red or yellow ring may stand without the run ending before the run fails. Default 5000 ms. */
  quietMs?: number;
}

/**
 * The nodes that see how runs of the nodes `ids` end: output helper h1 (wire the node's output to
 * it), a Catch node feeding h2, a Complete node scoped to the nodes feeding h3. One of each per
 * flow (the test helper loads a core node type once per node of that type, and twice fails):
 * several nodes under test share them, and each probe picks its own runs by msg._msgid.
 */
export function probeNodes(ids: string | string[] = "n1", tab = "t1"): { id: string; type: string; [key: string]: unknown }[] {
  return [
    { id: "h1", type: "helper", z: tab },
    { id: "c1", type: "catch", z: tab, scope: null, uncaught: false, wires: [["h2"]] },
    { id: "h2", type: "helper", z: tab },
    { id: "d1", type: "complete", z: tab, scope: typeof ids === "string" ? [ids] : ids, uncaught: false, wires: [["h3"]] },
    { id: "h3", type: "helper", z: tab },
  ];
}

let runs = 0;

type Listener = (...args: unknown[]) => void;
/** A deployed node as the helper gives it: an EventEmitter whose Node methods are sinon spies on the prototype. */
type SpiedNode = EventEmitter & Record<"status" | "warn" | "error", { getCalls(): { thisValue: unknown; args: unknown[] }[] }> & { receive(msg: never): void };

// Captured at load: a spec that fakes timers must not stop the quiet check.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

function textOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function nodeById(id: string): SpiedNode {
  const node = helper.getNode(id) as unknown as SpiedNode | null;
  if (!node) throw new Error(`no node "${id}" is deployed (load the flow before probing it)`);
  return node;
}

type Calls = { getCalls(): { thisValue: unknown; args: unknown[] }[] };
/** The node and the helper's spies of the flow last seen, so a probe still reads what a node did after unload (which restores the spies). */
const lastSeen = new Map<string, { node: SpiedNode; spies: Record<"status" | "warn" | "error", Calls> }>();

function spiesOf(id: string): { node: SpiedNode; spies: Record<"status" | "warn" | "error", Calls> } {
  const node = helper.getNode(id) as unknown as SpiedNode | null;
  const seen = lastSeen.get(id);
  if (!node) {
    if (seen) return seen;
    throw new Error(`no node "${id}" is deployed (load the flow before probing it)`);
  }
  if (seen?.node === node) return seen;
  const fresh = { node, spies: { status: node.status, warn: node.warn, error: node.error } };
  lastSeen.set(id, fresh);
  return fresh;
}

function isStop(s: NodeStatus): boolean {
  return s.fill === "red" || (s.fill === "yellow" && s.shape === "ring");
}

/** The first value (among those seen, else the next calls of `method` on the node) that matches. */
function firstCall<T>(id: string, method: "status" | "warn", seen: T[], read: (args: unknown[]) => T, matches: (value: T) => boolean): Promise<T> {
  const found = seen.find(matches);
  if (found !== undefined) return Promise.resolve(found);
  const node = nodeById(id);
  return new Promise((resolve) => {
    const fn = (call: { args: unknown[] }) => {
      const value = read(call.args);
      if (!matches(value)) return;
      node.off(`call:${method}`, fn);
      resolve(value);
    };
    node.on(`call:${method}`, fn);
  });
}

export interface Probe {
  readonly id: string;
  /** Every status the node showed since the flow was loaded (after unload: in the flow last probed). */
  statuses(): NodeStatus[];
  lastStatus(): NodeStatus | undefined;
  statusTexts(): string[];
  /** Every node.warn of this node, as text. */
  warnings(): string[];
  /** Every node.error of this node (done(err) included), as text. */
  errors(): string[];
  /** Sends msg to the node and collects its output until the run ends (see the file comment). */
  run<M = Msg>(msg?: Record<string, unknown>): Promise<NodeRun<M>>;
  /** run() for nodes that send one message per run: that message (undefined if none); fails if the run sent more. */
  one<M = Msg>(msg?: Record<string, unknown>): Promise<{ out?: M; caught?: CaughtMsg }>;
  /** Sends every message at once and collects until as many runs ended; caught: the first Catch message. */
  runAll<M = Msg>(msgs: Record<string, unknown>[]): Promise<NodeRun<M> & { ended: number }>;
  /** Resolves with the first status (already shown or coming) that matches. */
  status(matches: (s: NodeStatus) => boolean): Promise<NodeStatus>;
  /** Resolves with the first warning (already given or coming) that matches. */
  warning(matches: (text: string) => boolean): Promise<string>;
}

/** The probe of node `id` in the loaded flow (resolved at each call, so one probe serves every load of a spec). */
export function probe(id = "n1", wiring: ProbeWiring = {}): Probe {
  const names = { out: wiring.out ?? "h1", caught: wiring.caught ?? "h2", complete: wiring.complete ?? "h3" };
  const quietMs = wiring.quietMs ?? 5000;
  const callsOf = (method: "status" | "warn" | "error") => {
    const { node, spies } = spiesOf(id);
    return spies[method].getCalls().filter((c) => c.thisValue === node);
  };
  const statuses = () => callsOf("status").map((c) => c.args[0] as NodeStatus);

  async function runAll<M>(msgs: Record<string, unknown>[]): Promise<NodeRun<M> & { ended: number }> {
    const node = nodeById(id);
    const [out, caughtBy, complete] = [nodeById(names.out), nodeById(names.caught), helper.getNode(names.complete) as unknown as EventEmitter | null];
    if (!complete) throw new Error(`the flow has no Complete node for "${id}" feeding "${names.complete}" (add probeNodes())`);
    // Each message gets its own _msgid (kept by Complete and Catch messages): this run's ends are told from other nodes' and other runs'.
    const tagged = msgs.map((m) => ({ _msgid: `probe-${id}-${++runs}`, ...m }));
    const sent = new Set(tagged.map((m) => String(m._msgid)));
    const received: M[] = [];
    let caught: CaughtMsg | undefined;
    let ended = 0;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const listeners: [EventEmitter, string, Listener][] = [];
    const finished = new Promise<void>((resolve, reject) => {
      const end = () => {
        ended += 1;
        if (ended >= msgs.length) resolve();
      };
      const activity = (status?: NodeStatus) => {
        if (quiet) realClearTimeout(quiet);
        quiet = undefined;
        if (!status || !isStop(status)) return;
        quiet = realSetTimeout(() => {
          reject(
            new Error(`${id} stopped on a ${status.fill} ${status.shape} status "${status.text ?? ""}" and did not complete (no Complete or Catch message)`),
          );
        }, quietMs);
      };
      const on = (emitter: EventEmitter, event: string, fn: Listener) => {
        emitter.on(event, fn);
        listeners.push([emitter, event, fn]);
      };
      on(out, "input", ((m: M) => {
        received.push(m);
        activity(statuses().at(-1));
      }) as Listener);
      on(caughtBy, "input", ((m: CaughtMsg) => {
        if (m.error?.source?.id !== id || !sent.has(String(m._msgid))) return;
        caught ??= m;
        end();
      }) as Listener);
      on(complete, "input", ((m: Msg) => sent.has(String(m._msgid)) && end()) as Listener);
      on(node, "call:status", ((call: { args: [NodeStatus] }) => activity(call.args[0])) as Listener);
    });
    try {
      for (const msg of tagged) node.receive(msg as never);
      await finished;
      // Messages sent in the same tick as the end still arrive.
      await new Promise((resolve) => setImmediate(resolve));
      return { out: received, caught, ended };
    } finally {
      if (quiet) realClearTimeout(quiet);
      // removeListener (Node-RED's override for "input"): listeners left behind pile up across runs.
      for (const [emitter, event, fn] of listeners) emitter.removeListener(event, fn);
    }
  }

  return {
    id,
    statuses,
    lastStatus: () => statuses().at(-1),
    statusTexts: () => statuses().map((s) => String(s.text ?? "")),
    warnings: () => callsOf("warn").map((c) => textOf(c.args[0])),
    errors: () => callsOf("error").map((c) => textOf(c.args[0])),
    run: async <M>(msg: Record<string, unknown> = { payload: "go" }) => {
      const { out, caught } = await runAll<M>([msg]);
      return { out, caught };
    },
    runAll,
    one: async <M>(msg: Record<string, unknown> = { payload: "go" }) => {
      const { out, caught } = await runAll<M>([msg]);
      if (out.length > 1) throw new Error(`${id} sent ${out.length} messages in one run, expected at most one`);
      return { out: out[0], caught };
    },
    status: (matches) => firstCall(id, "status", statuses(), (args) => args[0] as NodeStatus, matches),
    warning: (matches) =>
      firstCall(
        id,
        "warn",
        callsOf("warn").map((c) => textOf(c.args[0])),
        (args) => textOf(args[0]),
        matches,
      ),
  };
}

/** Messages reaching a helper node, kept from the call on (for source nodes such as tuya-events, which have no runs). */
export interface OutputWatch<M> {
  readonly messages: M[];
  /** Resolves once the messages so far satisfy `done` (checked now and at each new message). */
  until(done: (messages: M[]) => boolean): Promise<void>;
}

/** Starts keeping what reaches helper `helperId` of the loaded flow (until it is unloaded). */
export function watchOutput<M = Msg>(helperId: string): OutputWatch<M> {
  const messages: M[] = [];
  const waiters: { done: (messages: M[]) => boolean; resolve(): void }[] = [];
  nodeById(helperId).on("input", (m: M) => {
    messages.push(m);
    for (const w of waiters.filter((x) => x.done(messages))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    messages,
    until: (done) => (done(messages) ? Promise.resolve() : new Promise((resolve) => waiters.push({ done, resolve }))),
  };
}
