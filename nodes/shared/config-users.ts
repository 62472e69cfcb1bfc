/**
 * The users of a config node (the core MQTT pattern): flow nodes register on start and
 * deregister on close, and every connection state change is pushed to all of them.
 */
import type { Node, NodeStatus } from "node-red";

export class ConfigUsers {
  private readonly users = new Map<string, Pick<Node, "id" | "status">>();
  private last?: NodeStatus;

  register(node: Pick<Node, "id" | "status">): void {
    this.users.set(node.id, node);
    if (this.last) node.status(this.last);
  }

  deregister(node: Pick<Node, "id">): void {
    this.users.delete(node.id);
  }

  get size(): number {
    return this.users.size;
  }

  broadcast(status: NodeStatus): void {
    this.last = status;
    for (const user of this.users.values()) user.status(status);
  }
}
