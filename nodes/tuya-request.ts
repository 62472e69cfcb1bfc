/**
 * tuya-request: any signed Tuya OpenAPI call (the escape hatch bestlab's TuyaOpenAPI.get/post/
 * put/delete offered). Method, path, query and body come from the dialog or the message; writes
 * are never repeated unless the server provably did not execute them (the client decides).
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { isTokenPath } from "../src/tuya";
import { handleInput } from "./shared/input";
import { inputError, translator } from "./shared/i18n";
import { Status } from "./shared/status";
import { attachConfig } from "./tuya-common";
import { migrate } from "./shared/migrate";

const METHODS = ["GET", "POST", "PUT", "DELETE"] as const;
type Method = (typeof METHODS)[number];

interface TuyaRequestDef extends NodeDef {
  tuya?: string;
  method?: string;
  path?: string;
  query?: string;
  body?: string;
}

interface RequestMsg {
  method?: unknown;
  path?: unknown;
  query?: unknown;
  payload?: unknown;
}

function readMethod(value: unknown): Method {
  const method = typeof value === "string" ? value.toUpperCase() : value;
  if (!(METHODS as readonly unknown[]).includes(method))
    throw inputError("tuya-request.errors.badMethod", { method: JSON.stringify(value) ?? "undefined", choices: METHODS.join(", ") });
  return method as Method;
}

/** The OpenAPI path, with any "?a=1" part moved into the query. Only paths: the host is the config's. */
function readPath(value: unknown): { path: string; query: Record<string, unknown> } {
  if (typeof value !== "string" || !/^\/(?!\/)\S*$/.test(value.trim())) {
    throw inputError("tuya-request.errors.badPath", { path: JSON.stringify(value) ?? "undefined" });
  }
  const [path, search] = value.trim().split("?", 2);
  // Token calls would put the project's tokens into msg.payload, and a refresh spends the shared client's pair.
  if (isTokenPath(path)) throw inputError("tuya-request.errors.tokenPath");
  return { path, query: search ? Object.fromEntries(new URLSearchParams(search)) : {} };
}

function readObject(value: unknown, label: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let v: unknown = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw inputError("tuya-request.errors.badJson", { label });
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw inputError("tuya-request.errors.notObject", { label });
  return v as Record<string, unknown>;
}

function readBody(text: string | undefined): unknown {
  if (!text || !text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw inputError("tuya-request.errors.badBody");
  }
}

export = function (RED: NodeAPI): void {
  function TuyaRequest(this: Node, def: TuyaRequestDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-request", def);
    const t = translator(RED);
    const status = new Status(this, t);
    const attached = attachConfig(RED, this, def.tuya, status);

    handleInput(
      this,
      status,
      async ({ msg, send, signal }) => {
        const client = attached.require().client;
        const m = msg as RequestMsg;
        const method = readMethod(m.method ?? def.method);
        const { path, query: pathQuery } = readPath(m.path ?? def.path);
        const query = { ...(readObject(def.query, "query") ?? {}), ...pathQuery, ...(readObject(m.query, "msg.query") ?? {}) };
        // A POST/PUT body: an object or array payload, else (an inject timestamp) the dialog's body.
        const body = method === "GET" || method === "DELETE" ? undefined : m.payload !== null && typeof m.payload === "object" ? m.payload : readBody(def.body);
        status.requesting(`${method} ${path}`);
        const res = await client.request({ method, path, query: Object.keys(query).length ? query : undefined, body, signal, idempotent: method === "GET" });
        msg.payload = res.result;
        (msg as Record<string, unknown>).tuya = { t: res.t, tid: res.tid };
        status.success(method);
        send(msg);
        // The raw answer as Tuya gave it, device secrets (local_key) included: the help says so.
      },
      { rawPayload: true },
    );
  }

  RED.nodes.registerType("tuya-request", TuyaRequest);
};
