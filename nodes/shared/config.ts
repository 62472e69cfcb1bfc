/**
 * Finding a flow node's config node. A missing or disabled config node is not a crash: the node
 * shows a red ring and every message it gets ends in a clear done(err).
 */
import type { Node, NodeAPI } from "node-red";
import { Status } from "./status";

export function getConfigNode<T extends Node>(RED: NodeAPI, id: string | undefined, status: Status): T | undefined {
  const config = id ? (RED.nodes.getNode(id) as T | null) : null;
  if (!config) status.noConfig();
  return config ?? undefined;
}

/** The error for a message that reached a node without a usable config node. */
export function missingConfigError(configType: string): Error {
  return new Error(`No ${configType} node is selected (or it is disabled): open this node and choose or create a ${configType}`);
}

interface ClosableClient {
  close(): Promise<void>;
  removeAllListeners(): unknown;
}

/**
 * A config node's close (redeploy or stop): release() hands over the client, if one was opened,
 * and makes the node refuse to open another; the client is closed (requests in flight aborted,
 * timers cleared) before Node-RED is told the node is done. Never throws.
 */
export function closeClientOnClose(node: Node, release: () => ClosableClient | undefined): void {
  node.on("close", (_removed: boolean, done: () => void) => {
    const client = release();
    if (!client) return done();
    client.close().then(
      () => {
        client.removeAllListeners();
        done();
      },
      () => done(),
    );
  });
}
