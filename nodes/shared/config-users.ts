/**
 * The users of a config node (the core MQTT pattern): flow nodes register on start and
 * deregister on close, and the connection state is pushed to them. A connection error goes to
 * every user (it is everyone's problem) and is shown to a node that registers while it lasts;
 * the other states (connecting, connected, token refreshed, closed) only replace a status the
 * config itself pushed (or none yet), never a node's own error, warning or result. A config
 * without credentials shows its users a grey "not configured" ring as they register.
 */
import type { Node, NodeStatus } from "node-red";
import type { ClientState } from "../../src/core/client";
import { englishText, type Translate } from "./i18n";
import { notConfiguredStatus, showStatus, shownStatus, statusForState } from "./status";

type User = Pick<Node, "id" | "status">;

export class ConfigUsers {
  private readonly users = new Map<string, User>();
  /** The statuses this config pushed, to tell them from the nodes' own. */
  private readonly pushed = new WeakSet<NodeStatus>();
  /** The connection error while it lasts (replayed on register). */
  private lastError?: NodeStatus;

  /**
   * @param configured false while the config node's credentials are empty
   * @param t the config node's translator for the pushed texts (English without one)
   */
  constructor(
    private readonly configured = true,
    private readonly t: Translate = englishText,
  ) {}

  register(node: User): void {
    this.users.set(node.id, node);
    if (this.lastError) showStatus(node, this.lastError);
    else if (!this.configured) showStatus(node, notConfiguredStatus(this.t));
  }

  deregister(node: Pick<Node, "id">): void {
    this.users.delete(node.id);
  }

  get size(): number {
    return this.users.size;
  }

  /** Pushes a client's state to the users (see the rules above). */
  update(state: ClientState, platform: "Tuya" | "HOBOlink" | "eGauge"): void {
    const status = statusForState(state, platform, this.t);
    this.pushed.add(status);
    const isError = state.state === "error";
    this.lastError = isError ? status : undefined;
    for (const user of this.users.values()) {
      const current = shownStatus(user);
      if (isError || current === undefined || this.pushed.has(current)) showStatus(user, status);
    }
  }
}
