// Counters that tests, the demo and benchmarks read (also served at GET /_emulator/stats).

export class EmulatorStats {
  requests = 0;
  /** Keyed by endpoint template, e.g. "GET /v1.0/iot-03/devices/{device_id}/status". */
  byPath: Record<string, number> = {};
  tokenGrants = 0;
  tokenRefreshes = 0;
  errorsByCode: Record<string, number> = {};
  commandsExecuted = 0;
  /** Business and token requests being handled right now, and the most at once since reset. */
  inFlight = 0;
  peakInFlight = 0;

  reset(): void {
    this.requests = 0;
    this.byPath = {};
    this.tokenGrants = 0;
    this.tokenRefreshes = 0;
    this.errorsByCode = {};
    this.commandsExecuted = 0;
    this.peakInFlight = this.inFlight;
  }

  toJSON(): Omit<EmulatorStats, "reset" | "toJSON"> {
    const { requests, byPath, tokenGrants, tokenRefreshes, errorsByCode, commandsExecuted, inFlight, peakInFlight } = this;
    return { requests, byPath, tokenGrants, tokenRefreshes, errorsByCode, commandsExecuted, inFlight, peakInFlight };
  }
}
