// How the emulated services answer: JSON and text bodies counted by status, the v1 host's CORS
// preflight and RateLimit-* headers, and Retry-After only when the option asks for it.
import type { ServerResponse } from "node:http";
import type { RateDecision } from "./ratelimit";
import { countStatus, type HoboEmulatorStats } from "./stats";
import { HoboErrorReply } from "./validate";

export class Replier {
  constructor(
    private readonly stats: HoboEmulatorStats,
    private readonly sendRetryAfter: boolean,
  ) {}

  count(status: number | string): void {
    countStatus(this.stats, status);
  }

  text(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
    this.count(status);
    res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
  }

  json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.text(res, status, typeof body === "string" ? body : JSON.stringify(body), "application/json;charset=UTF-8", headers);
  }

  error(res: ServerResponse, err: HoboErrorReply, headers: Record<string, string> = {}): void {
    this.json(res, err.status, err.body(), headers);
  }

  /** The services' answer to a path they do not serve. */
  notFound(res: ServerResponse, path: string): void {
    this.json(res, 404, { error: "NOT_FOUND", message: `No endpoint at ${path}.`, error_description: "Not found." });
  }

  preflight(res: ServerResponse): void {
    this.count(204);
    res.writeHead(204, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, Accept, Content-Type",
      "Access-Control-Max-Age": "600",
    });
    res.end();
  }

  rateHeaders(res: ServerResponse, d: RateDecision, windowMs: number): void {
    res.setHeader("RateLimit-Policy", `${d.limit};w=${Math.round(windowMs / 1000)}`);
    res.setHeader("RateLimit-Limit", String(d.limit));
    res.setHeader("RateLimit-Remaining", String(d.remaining));
    res.setHeader("RateLimit-Reset", String(d.resetSec));
  }

  tooMany(res: ServerResponse, d: RateDecision): void {
    this.error(res, new HoboErrorReply(429, "SYS-002", "Too many requests."), this.retryAfter(d.resetSec));
  }

  retryAfter(seconds: number): Record<string, string> {
    return this.sendRetryAfter ? { "Retry-After": String(seconds) } : {};
  }
}
