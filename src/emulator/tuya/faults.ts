// Fault injection: the next N requests (optionally only those whose URL contains `path`) fail
// in a chosen way, so clients can be tested against errors the real cloud and its proxies produce.

export interface TuyaFault {
  /** Answer with this Tuya error code (HTTP 200, success:false). */
  code?: number;
  msg?: string;
  /** Answer with this HTTP status and a JSON body. */
  httpStatus?: number;
  /** Answer with an HTML error page (HTTP 502 unless httpStatus says otherwise), like a proxy. */
  html?: boolean;
  /** Destroy the socket without answering, before the request is handled. */
  drop?: boolean;
  /** Never answer, without handling the request (a command is NOT executed), until the client gives up or the emulator stops: a timeout. */
  hang?: boolean;
  /** Expire (the refresh token still works) or revoke (both dead) every token handed out, then handle the request as usual: a token that dies at this request, mid-walk. */
  tokens?: "expire" | "revoke";
  /** Handle the request normally (a command IS executed), then destroy the socket unanswered. */
  dropAfterExecute?: boolean;
  /** Handle the request normally but without its page cursor (start_row_key / last_row_key), as a server that lost it: the first page comes back, with the cursor already seen. */
  ignoreCursor?: boolean;
  /** Only requests whose URL contains this substring. */
  path?: string;
  /** Sent as a Retry-After header with httpStatus/html faults. */
  retryAfterSec?: number;
  /** Append every access and refresh token handed out so far (superseded ones too) to the error's msg, as a debugging gateway might; clients must mask them all [inference]. */
  echoTokens?: boolean;
}

interface Pending {
  remaining: number;
  fault: TuyaFault;
}

export class FaultQueue {
  private pending: Pending[] = [];
  latencyMs = 0;
  /** Server clock minus the emulator's clock, settable while running (a server whose clock jumps: 1013 for clients that do not correct). */
  skewMs = 0;

  add(count: number, fault: TuyaFault): void {
    if (count > 0) this.pending.push({ remaining: Math.floor(count), fault: { ...fault } });
  }

  /** Takes the first pending fault that applies to this request URL. */
  take(url: string): TuyaFault | undefined {
    const i = this.pending.findIndex((p) => !p.fault.path || url.includes(p.fault.path));
    if (i < 0) return undefined;
    const p = this.pending[i];
    if (--p.remaining <= 0) this.pending.splice(i, 1);
    return p.fault;
  }

  /** Faults queued and not yet taken (a test proves its fault was met). */
  get waiting(): number {
    return this.pending.reduce((n, p) => n + p.remaining, 0);
  }

  /** The next `size` requests wait for each other (see barrier()). */
  private gate?: { size: number; waiting: (() => void)[] };

  /**
   * The next `size` requests wait until all `size` have arrived, then go on together: a test
   * proves they were in flight at once whatever the machine's speed (a client that sends fewer at
   * once never gets its answers).
   */
  barrier(size: number): void {
    this.openGate();
    if (size > 1) this.gate = { size, waiting: [] };
  }

  /** Waits at the barrier, if one is set. */
  pass(): Promise<void> {
    const gate = this.gate;
    if (!gate) return Promise.resolve();
    return new Promise((resolve) => {
      gate.waiting.push(resolve);
      if (gate.waiting.length >= gate.size) this.openGate();
    });
  }

  private openGate(): void {
    const gate = this.gate;
    this.gate = undefined;
    for (const go of gate?.waiting ?? []) go();
  }

  clear(): void {
    this.pending = [];
    this.latencyMs = 0;
    this.skewMs = 0;
    this.openGate();
  }
}
