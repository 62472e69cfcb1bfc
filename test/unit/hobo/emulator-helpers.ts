// Shared set-up for the HOBOlink client specs that run against the local emulator.
import type { ClientState } from "../../../src/core";
import { HoboEmulator, type HoboEmulatorOptions, type HoboEmulatorStation } from "../../../src/emulator/hobo";
import { createHoboClient, type HoboClient, type HoboClientOptions } from "../../../src/hobo";

/** The emulator's data clock: fixed, so rows are deterministic. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
export const WEATHER = "21092695";
export const WATER = "21150777";
export const MX = "21309641";

export interface Captured {
  lines: string[];
  warnings: string[];
  states: ClientState[];
}

export async function startEmulator(options: HoboEmulatorOptions = {}): Promise<{ emu: HoboEmulator; url: string }> {
  const emu = new HoboEmulator({
    now: () => NOW,
    legacyRateLimit: { requests: 100_000, windowMs: 60_000 },
    licorRateLimit: { requests: 100_000, windowMs: 60_000 },
    ...options,
  });
  const url = await emu.start();
  return { emu, url };
}

/** A client for the emulator with quick retries and limits that do not slow the test, plus captured logs and states. */
export function clientFor(emu: HoboEmulator, flavour: "legacy" | "licor", options: Partial<HoboClientOptions> = {}): { client: HoboClient; log: Captured } {
  const log: Captured = { lines: [], warnings: [], states: [] };
  const credentials =
    flavour === "licor" ? { token: emu.licor.token } : { clientId: emu.legacy.clientId, clientSecret: emu.legacy.clientSecret, userId: emu.legacy.userId };
  const client = createHoboClient({
    flavour,
    baseUrl: emu.url,
    ...credentials,
    requestsPerMinute: 100_000,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    logger: { debug: (m) => log.lines.push(m), warn: (m) => log.warnings.push(m) },
    ...options,
  });
  client.on("state", (s: ClientState) => log.states.push(s));
  return { client, log };
}

/** Weather-like stations with one channel each at 5 min, so long ranges stay quick. */
export function oneChannelStations(count: number, since: string): HoboEmulatorStation[] {
  return Array.from({ length: count }, (_, i) => {
    const serial = String(23100000 + i * 101);
    return {
      serial,
      name: `Test station ${i + 1}`,
      kind: "weather",
      intervalSec: 300,
      unitSystem: "SI" as const,
      since,
      channels: [{ sensorSn: `${serial}-1`, sensorKey: 3000000 + i, type: "Temperature", siUnit: "°C", usUnit: "°F" }],
    };
  });
}

/** Every log line and state text, to prove no secret leaks. */
export function everything(log: Captured): string {
  return JSON.stringify([log.lines, log.warnings, log.states]);
}
