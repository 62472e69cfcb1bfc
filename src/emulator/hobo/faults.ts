// Injected faults: the next N requests (optionally only those whose path contains a substring)
// fail in a chosen way, and an optional latency delays every answer.

export interface HoboFault {
  /** HTTP status; default 500 (502 for html). */
  status?: number;
  /** Error code for the JSON body, e.g. "DBM-026"; default chosen from the status. */
  error?: string;
  message?: string;
  /** Answer with a non-JSON HTML page, as a failing reverse proxy does. */
  html?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Never answer (until the client gives up or the emulator stops). */
  hang?: boolean;
  /** Only requests whose path contains this substring. */
  path?: string;
  /**
   * Put access tokens into the JSON error's message, as a debugging server or proxy might:
   * "request" the bearer token of the request, "issued" every token handed out so far
   * (superseded ones too). Clients must mask them all [inference: no documented case].
   */
  echoTokens?: "request" | "issued";
}

interface Pending {
  remaining: number;
  fault: HoboFault;
}

export class FaultPlan {
  private queue: Pending[] = [];
  latencyMs = 0;

  failNext(count: number, fault: HoboFault): void {
    if (!Number.isInteger(count) || count < 0) throw new Error("failNext: count must be a non-negative integer");
    if (count > 0) this.queue.push({ remaining: count, fault: { ...fault } });
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error("setLatency: ms must be a non-negative number");
    this.latencyMs = ms;
  }

  /** Consume the first queued fault that applies to `path`. */
  take(path: string): HoboFault | undefined {
    const i = this.queue.findIndex((p) => p.fault.path === undefined || path.includes(p.fault.path));
    if (i < 0) return undefined;
    const p = this.queue[i];
    p.remaining -= 1;
    if (p.remaining <= 0) this.queue.splice(i, 1);
    return p.fault;
  }

  get pending(): number {
    return this.queue.reduce((n, p) => n + p.remaining, 0);
  }

  clear(): void {
    this.queue = [];
    this.latencyMs = 0;
  }
}

/** Default error code for a fault status (reference §3.2). */
export function defaultFaultCode(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return "ATH-001";
    case 429:
      return "SYS-002";
    case 509:
      return "SYS-001";
    default:
      return status >= 500 ? "DBM-026" : "VAL-034";
  }
}

export function proxyErrorPage(status: number): string {
  return `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
