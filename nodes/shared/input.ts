/**
 * Input handling shared by every flow node: typed-input evaluation (msg, flow, global, env, str,
 * num, json, jsonata), and a wrapper that turns an async handler into the (msg, send, done)
 * listener Node-RED expects, so every failure ends in exactly one done(err) with details on the
 * msg for Catch nodes and nothing is sent.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import { withoutDeviceSecrets } from "../../src/core/device-secrets";
import { errorDetails } from "../../src/core/error-details";
import { isAbortError, serialisationInputError } from "../../src/core/errors";
import { asOwner } from "../../src/core/fair";
import { sharedController } from "../../src/core/signals";
import { localized } from "./i18n";
import { Status } from "./status";

/** Evaluates a typed-input property against msg, flow, global, env, ... (async: works with persistent context). */
export function evaluate(RED: NodeAPI, node: Node, msg: NodeMessage, type: string | undefined, value: string | undefined): Promise<unknown> {
  if (!type || value === undefined || value === "") return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type, node, msg, (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result)));
  });
}

/** Error details put on the msg (msg.errorDetails) so Catch nodes can branch on kind, code and platform. */
export { errorDetails };

/**
 * Reports an error that no input message carries (a pushed event, a setting read at deploy) so a
 * Catch node still gets it, with msg.errorDetails like every other error; msg adds context, text
 * replaces the logged message.
 */
export function reportError(node: Pick<Node, "error">, err: unknown, msg: Record<string, unknown> = {}, text?: string): void {
  node.error(text ?? err, { ...msg, errorDetails: errorDetails(err) });
}

export type SendFn = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[]) => void;

export interface InputContext {
  msg: NodeMessageInFlow;
  send: SendFn;
  /** Fires when the node closes (redeploy, stop): pass it to every client call. */
  signal: AbortSignal;
}

/** Each message of a send() argument (one message, or per output a message, a list or null) without device secrets. */
function cleanOutput(out: unknown, skip: ReadonlySet<string>): unknown {
  if (Array.isArray(out)) return out.map((m) => cleanOutput(m, skip));
  return out === null || out === undefined ? out : withoutDeviceSecrets(out, skip);
}

/**
 * Removes device secrets from the input msg itself: Complete and Catch nodes get that object, and
 * a handler may have put a device's details on it before sending a clean copy.
 */
function scrub(msg: Record<string, unknown>, skip: ReadonlySet<string>): void {
  const clean = withoutDeviceSecrets(msg, skip);
  if (clean === msg) return;
  for (const key of Object.keys(msg)) if (!(key in clean)) delete msg[key];
  Object.assign(msg, clean);
}

export interface InputOptions {
  /** msg.payload is the service's raw answer and keeps device secrets (tuya-request; its help says so). */
  rawPayload?: boolean;
}

/**
 * Registers an input listener with exactly three parameters (Node-RED waits for done only then).
 * Closing the node aborts handlers still running; a handler cut short by close ends quietly.
 */
export function handleInput(node: Node, status: Status, handler: (ctx: InputContext) => Promise<void>, options: InputOptions = {}): void {
  // One signal per message, closed together: with one shared by every message, each request of a
  // flood of a thousand would add its listener to, and remove it from, a list a thousand long.
  const inFlight = new Set<AbortController>();
  const skip = new Set(options.rawPayload ? ["payload"] : []);
  node.on("close", () => {
    for (const controller of inFlight) controller.abort();
  });
  node.on("input", (msg: NodeMessageInFlow, send: SendFn, nodeDone: (err?: Error) => void) => {
    // A message's requests all listen to it (a walk may run 75 at once): no leak warning past ten.
    const closing = sharedController();
    inFlight.add(closing);
    const done = (err?: Error) => {
      inFlight.delete(closing);
      scrub(msg as Record<string, unknown>, skip);
      nodeDone(err);
    };
    // Device secrets (local_key) never leave a node, whatever the handler put on the message.
    const safeSend: SendFn = (out) => send(cleanOutput(out, skip) as Parameters<SendFn>[0]);
    // Every request the handler causes is this node's: the config's client serves its nodes in turn (src/core/fair.ts).
    asOwner(node.id, () => handler({ msg, send: safeSend, signal: closing.signal })).then(
      () => done(),
      (failure: unknown) => {
        if (closing.signal.aborted && isAbortError(failure)) return done();
        // A keyed error (shared/i18n.ts, or the library's InputError key) in the runtime's language.
        // A circular or BigInt input that JSON.stringify refused is the caller's input, not a crash.
        const err = localized(serialisationInputError(failure), status.t);
        (msg as Record<string, unknown>).errorDetails = errorDetails(err);
        status.error(err);
        done(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
