/**
 * What a config node owns, as one typed object (the core MQTT broker pattern): the client, made on
 * first use from the config's settings; the closed guard (a late caller after a redeploy must not
 * open a client nothing would close); the warn-once logger the client writes to; the users that
 * get its connection state; resources its users share besides the client (tuya-events' consumer),
 * under the same closed guard; and close, wired to the node's close. Config nodes assign one to
 * `connection` and flow nodes reach everything through it (shared/config.ts attachConfig).
 */
import type { Node, NodeAPI } from "node-red";
import type { ClientLogger, ClientState } from "../../src/core/client";
import { AbortError } from "../../src/core/errors";
import { closeClientOnClose } from "./config";
import type { ConfigUsers } from "./config-users";

/** A client a connection can own: closable, and (Tuya, HOBOlink) emitting its connection states. */
export interface ConnectionClient {
  close(): Promise<void>;
  on?(event: "state", listener: (state: ClientState) => void): unknown;
  removeAllListeners?(): unknown;
}

export interface ConnectionOptions<C> {
  /** "tuya-config" / "hobo-config": named in the closed error. */
  configType: string;
  /** "Tuya" / "HOBOlink": named in pushed error statuses. */
  platform: "Tuya" | "HOBOlink" | "eGauge";
  users: ConfigUsers;
  /** Makes the client from the config's settings; throws InputError on bad settings. */
  create: (logger: ClientLogger) => C;
  /** Called with every state the client emits, after the users got it. */
  onState?: (state: ClientState) => void;
  /** Pass the client's debug lines to the node (see debugLogging; default true). */
  debug?: boolean;
}

/**
 * True when a logger in settings.js writes debug lines. Node-RED makes a log record of every
 * node.debug() call before its loggers drop it, and the client has a line for every request: at
 * the default level they would cost a command flood a tenth of its time for nothing.
 */
export function debugLogging(RED: NodeAPI): boolean {
  const logging = (RED.settings as { logging?: Record<string, { level?: string } | undefined> }).logging;
  return Object.values(logging ?? {}).some((logger) => logger?.level === "debug" || logger?.level === "trace");
}

export class Connection<C extends ConnectionClient> {
  readonly users: ConfigUsers;
  /** Writes debug lines to the node and each distinct warning once (they never carry secrets). */
  readonly logger: ClientLogger;
  private current?: C;
  private closed = false;
  private readonly warned = new Set<string>();
  private readonly owned: { close(): Promise<void> }[] = [];

  constructor(
    private readonly node: Node,
    private readonly o: ConnectionOptions<C>,
  ) {
    this.users = o.users;
    this.logger = { debug: o.debug === false ? () => undefined : (text) => node.debug(text), warn: (text) => this.warnOnce(text, text) };
    closeClientOnClose(node, () => this.release());
    node.on("close", (_removed: boolean, done: () => void) => void Promise.allSettled(this.owned.map((r) => r.close())).then(() => done()));
  }

  /** The shared client, made on first use. */
  get client(): C {
    if (this.closed) throw this.closedError();
    if (!this.current) {
      const client = this.o.create(this.logger);
      client.on?.("state", (state: ClientState) => {
        this.users.update(state, this.o.platform);
        this.o.onState?.(state);
      });
      this.current = client;
    }
    return this.current;
  }

  /** The client if one was made (no side effect). */
  peek(): C | undefined {
    return this.current;
  }

  /** Warns once per key for the node's lifetime. */
  warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.node.warn(text);
  }

  /** What a late user gets after the config node closed. */
  closedError(): Error {
    return new AbortError(`The ${this.o.configType} node was closed (redeploy or stop)`);
  }

  /** A resource the users share besides the client (made with this.closedError as its guard), closed with the config node. */
  protected own<R extends { close(): Promise<void> }>(resource: R): R {
    this.owned.push(resource);
    return resource;
  }

  /** Refuses new clients and hands over the current one for closing (close handler). */
  private release(): C | undefined {
    const client = this.current;
    this.closed = true;
    this.current = undefined;
    return client;
  }
}
