/**
 * tuya-request: any signed Tuya OpenAPI call (the escape hatch bestlab's TuyaOpenAPI.get/post/
 * put/delete offered). Method, path, query and body come from the dialog or the message; writes
 * are never repeated unless the server provably did not execute them (the client decides).
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { InputError } from "../src/core/errors";
import { isTokenPath } from "../src/tuya";
import { handleInput } from "./shared/input";
import { Status } from "./shared/status";
import { attachConfig } from "./tuya-common";

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
  if (!(METHODS as readonly unknown[]).includes(method)) throw new InputError(`method: ${JSON.stringify(value)} is not one of ${METHODS.join(", ")}`);
  return method as Method;
}

/** The OpenAPI path, with any "?a=1" part moved into the query. Only paths: the host is the config's. */
function readPath(value: unknown): { path: string; query: Record<string, unknown> } {
  if (typeof value !== "string" || !/^\/(?!\/)\S*$/.test(value.trim())) {
    throw new InputError(`path: ${JSON.stringify(value)} is not an OpenAPI path such as "/v1.0/iot-03/devices/<id>" (a path only, starting with one "/"; the host comes from the tuya-config)`);
  }
  const [path, search] = value.trim().split("?", 2);
  // Token calls would put the project's tokens into msg.payload, and a refresh spends the shared client's pair.
  if (isTokenPath(path)) throw new InputError("path: the token paths (/v1.0/token...) cannot be called; the tuya-config node gets and refreshes tokens itself");
  return { path, query: search ? Object.fromEntries(new URLSearchParams(search)) : {} };
}

function readObject(value: unknown, label: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let v: unknown = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw new InputError(`${label}: not valid JSON`);
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError(`${label}: must be an object of parameter names and values`);
  return v as Record<string, unknown>;
}

function readBody(text: string | undefined): unknown {
  if (!text || !text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError("body: the body in the dialog is not valid JSON");
  }
}

export = function (RED: NodeAPI): void {
  function TuyaRequest(this: Node, def: TuyaRequestDef): void {
    RED.nodes.createNode(this, def);
    const status = new Status(this);
    const attached = attachConfig(RED, this, def.tuya, status);

    handleInput(this, status, async ({ msg, send, signal }) => {
      const client = attached.require().client;
      const m = msg as RequestMsg;
      const method = readMethod(m.method ?? def.method ?? "GET");
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
    });
  }

  RED.nodes.registerType("tuya-request", TuyaRequest);
};
