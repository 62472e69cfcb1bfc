/**
 * Config nodes and their users: finding a flow node's config node (a missing or disabled one is
 * not a crash: the node shows a red ring and every message it gets ends in a clear done(err)),
 * reading a config's number settings, and closing its client on redeploy.
 */
import type { Node, NodeAPI } from "node-red";
import type { ConfigUsers } from "./config-users";
import { ConfigMissingError } from "../../src/core/errors";
import { englishText } from "./i18n";
import type { Status } from "./status";

/** A config node as flow nodes see it: the connection it assigned (shared/connection.ts). */
export interface ConfigNodeWith<K> extends Node {
  connection: K;
}

/** The connection of the config node with this id, or undefined (and a red ring) when there is none. */
export function getConnection<K>(RED: NodeAPI, id: string | undefined, status: Pick<Status, "noConfig">): K | undefined {
  const config = id ? (RED.nodes.getNode(id) as ConfigNodeWith<K> | null) : null;
  if (!config?.connection) status.noConfig();
  return config?.connection ?? undefined;
}

/** The error for a message that reached a node without a usable config node. */
export function missingConfigError(configType: string): ConfigMissingError {
  const params = { type: configType };
  return new ConfigMissingError(configType, englishText("common.errors.noConfig", params), { key: "common.errors.noConfig", params });
}

/**
 * Finds the flow node's config node and registers the node as a user of its connection (so
 * connection state is pushed to it); deregisters on close. Without one the node shows a red ring
 * and `require()` throws the missing-config error for each message.
 */
export function attachConfig<K extends { readonly users: ConfigUsers }>(
  RED: NodeAPI,
  node: Node,
  configId: string | undefined,
  status: Status,
  configType: string,
): { config?: K; require(): K } {
  const config = getConnection<K>(RED, configId, status);
  if (config) {
    config.users.register(node);
    node.on("close", () => config.users.deregister(node));
  }
  return {
    config,
    require() {
      if (!config) throw missingConfigError(configType);
      return config;
    },
  };
}

/** A number setting from the dialog (number or text); undefined unless it is a positive number. */
export function positiveSetting(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The default of a config's "total time per call" setting, in seconds. */
export const DEFAULT_TOTAL_TIME_S = 60;

/** A config's "total time per call" (seconds in the dialog) as the clients' maxTotalMs. */
export function totalTimeMs(value: unknown): number {
  return (positiveSetting(value) ?? DEFAULT_TOTAL_TIME_S) * 1000;
}

interface ClosableClient {
  close(): Promise<void>;
  removeAllListeners?(): unknown;
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
        client.removeAllListeners?.();
        done();
      },
      () => done(),
    );
  });
}
