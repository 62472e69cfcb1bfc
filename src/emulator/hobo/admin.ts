// The unauthenticated /_emulator/ control paths: faults, latency, token expiry, stats.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HoboFault } from "./faults";
import type { HoboEmulatorDescription } from "./options";
import type { HoboEmulatorStats } from "./stats";
import { readTextBody } from "../http-body";

export interface HoboEmulatorFaults {
  failNext(count: number, fault: HoboFault): void;
  setLatency(ms: number): void;
  expireTokens(): void;
  revokeTokens(): void;
  /** Rows only up to now − sec from here on (a station's backlog not uploaded yet); clear() restores the option's lag. */
  setUploadLag(sec: number): void;
  /** Drop queued faults and latency, and restore the upload lag. */
  clear(): void;
}

export interface AdminDeps {
  stats: HoboEmulatorStats;
  faults: HoboEmulatorFaults;
  inFlight(): number;
  pendingFaults(): number;
  latencyMs(): number;
  describe(): HoboEmulatorDescription;
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, d: AdminDeps): Promise<void> {
  const cors = { "Access-Control-Allow-Origin": "*" };
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type" });
    return void res.end();
  }
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...cors, "Content-Type": "application/json;charset=UTF-8", "Content-Length": String(Buffer.byteLength(text)) });
    res.end(text);
  };
  if (req.method === "GET" && path === "/_emulator/stats") {
    const { requests, tokenRequests, dataRequests, byStatus, maxInFlight } = d.stats;
    return reply(200, { requests, tokenRequests, dataRequests, byStatus, maxInFlight, inFlight: d.inFlight() });
  }
  if (req.method === "GET" && path === "/_emulator/describe") return reply(200, d.describe());
  if (req.method !== "POST") return reply(404, { error: "not found" });
  let body: Record<string, unknown> = {};
  try {
    const text = await readTextBody(req);
    if (text.trim() !== "") body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body !== "object" || body === null) throw new Error("body must be a JSON object");
    switch (path) {
      case "/_emulator/faults": {
        const { count, ...fault } = body;
        d.faults.failNext(count === undefined ? 1 : Number(count), fault as HoboFault);
        return reply(200, { ok: true, pending: d.pendingFaults() });
      }
      case "/_emulator/latency":
        d.faults.setLatency(Number(body.ms ?? 0));
        return reply(200, { ok: true, latencyMs: d.latencyMs() });
      case "/_emulator/tokens/expire":
        d.faults.expireTokens();
        return reply(200, { ok: true });
      case "/_emulator/tokens/revoke":
        d.faults.revokeTokens();
        return reply(200, { ok: true });
      case "/_emulator/clear":
        d.faults.clear();
        return reply(200, { ok: true });
      case "/_emulator/stats/reset":
        d.stats.reset();
        return reply(200, { ok: true });
      default:
        return reply(404, { error: "not found" });
    }
  } catch (err) {
    return reply(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
