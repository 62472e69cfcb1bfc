/**
 * One status style for every node: blue ring while connecting, yellow dot while requesting or
 * walking pages, green dot with the time of the last success, yellow ring for warnings, red ring
 * for errors (with the service code), red ring when the config node is missing, grey ring while
 * the config node's credentials are empty ("not configured": nothing is wrong yet).
 */
import type { Node, NodeStatus } from "node-red";
import type { ClientState } from "../../src/core/client";
import { ApiError, PLATFORM_LABEL } from "../../src/core/errors";
import { NotConfiguredError } from "./not-configured";
import { englishText, type Translate } from "./i18n";

const MAX_TEXT = 32;

/** The last second shown and its text: a flood of messages formats the time once a second, not once each. */
let clockSecond = NaN;
let clockText = "";

function clock(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== clockSecond) {
    clockSecond = second;
    clockText = new Date(second * 1000).toTimeString().slice(0, 8);
  }
  return clockText;
}

function short(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Short status text for an error: "Tuya 1106: permission deny", "HOBOlink VAL-006: …", or the first words (at most 32 characters). */
export function errorLabel(err: unknown): string {
  if (err instanceof ApiError) {
    const platform = PLATFORM_LABEL[err.platform];
    const code = err.code ?? (err.status !== undefined ? `HTTP ${err.status}` : "error");
    // The code and the start of the service's own cause; the whole text goes to the Debug sidebar (node.error).
    return short(err.serviceMessage ? `${platform} ${code}: ${err.serviceMessage}` : `${platform} ${code}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return short(message);
}

/** The status each node shows now (set through Status or showStatus), so a config node can tell its own pushes from the node's. */
const shown = new WeakMap<object, NodeStatus>();

/** Shows status on node and remembers it as the node's current one. */
export function showStatus(node: Pick<Node, "status">, status: NodeStatus): void {
  shown.set(node, status);
  node.status(status);
}

/** The status object node shows now (undefined before any). */
export function shownStatus(node: Pick<Node, "status">): NodeStatus | undefined {
  return shown.get(node);
}

/** The neutral status of a node whose config node has no credentials yet. */
export function notConfiguredStatus(t: Translate = englishText): NodeStatus {
  return { fill: "grey", shape: "ring", text: t("common.status.notConfigured") };
}

export class Status {
  /** t: the node's translator (shared/i18n.ts); English without one. */
  constructor(
    private readonly node: Pick<Node, "status">,
    readonly t: Translate = englishText,
  ) {}

  set(status: NodeStatus): void {
    showStatus(this.node, status);
  }
  connecting(text = this.t("common.status.connecting")): void {
    this.set({ fill: "blue", shape: "ring", text });
  }
  requesting(text = this.t("common.status.requesting")): void {
    this.set({ fill: "yellow", shape: "dot", text: short(text) });
  }
  progress(text: string): void {
    this.set({ fill: "yellow", shape: "dot", text: short(text) });
  }
  success(text?: string): void {
    this.set({ fill: "green", shape: "dot", text: short(`${text || this.t("common.status.ok")} · ${clock()}`) });
  }
  warning(text: string): void {
    this.set({ fill: "yellow", shape: "ring", text: short(text) });
  }
  error(err: unknown): void {
    if (err instanceof NotConfiguredError) return this.notConfigured();
    this.set({ fill: "red", shape: "ring", text: errorLabel(err) });
  }
  notConfigured(): void {
    this.set(notConfiguredStatus(this.t));
  }
  noConfig(): void {
    this.set({ fill: "red", shape: "ring", text: this.t("common.status.noConfig") });
  }
  clear(): void {
    this.set({});
  }
}

/** A client state (both clouds emit the same ones) as a status. */
export function statusForState(s: ClientState, platform: "Tuya" | "HOBOlink" | "eGauge", t: Translate = englishText): NodeStatus {
  switch (s.state) {
    case "connecting":
      return { fill: "blue", shape: "ring", text: t("common.status.connecting") };
    case "connected":
      return { fill: "green", shape: "ring", text: t("common.status.connected") };
    case "token-refreshed":
      return { fill: "green", shape: "ring", text: `${t("common.status.tokenRefreshed")} · ${clock()}` };
    case "error":
      return { fill: "red", shape: "ring", text: short(s.code !== undefined ? `${platform} ${s.code}` : s.message) };
    case "closed":
      return {};
  }
}
