// Shared set-up for the Tuya client specs that run against the local emulator.
import type { ClientState } from "../../../src/core";
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../../src/emulator/tuya";
import { TuyaDevices, TuyaOpenApi, type TuyaOpenApiOptions } from "../../../src/tuya";

export interface Captured {
  debug: string[];
  warnings: string[];
  states: ClientState[];
}

export interface Rig {
  emu: TuyaEmulator;
  api: TuyaOpenApi;
  devices: TuyaDevices;
  log: Captured;
  /** Emulator device ids by category. */
  ids: { plug: string; pir: string; climate: string; light: string; offline: string };
  close(): Promise<void>;
}

/** An emulator (unthrottled unless asked) and a client with quick retries and no client-side rate limit. */
export async function rig(emuOptions: TuyaEmulatorOptions = {}, apiOptions: Partial<TuyaOpenApiOptions> = {}): Promise<Rig> {
  const emu = new TuyaEmulator({ qps: 0, ...emuOptions });
  const url = await emu.start();
  const log: Captured = { debug: [], warnings: [], states: [] };
  const api = new TuyaOpenApi({
    endpoint: url,
    accessId: emu.accessId,
    accessSecret: emu.accessSecret,
    requestsPerSecond: 0,
    maxConcurrent: 8,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    logger: { debug: (m) => log.debug.push(m), warn: (m) => log.warnings.push(m) },
    ...apiOptions,
  });
  api.on("state", (s: ClientState) => log.states.push(s));
  const [plug, pir, climate, light, offline] = emu.devices.map((d) => d.id);
  return {
    emu,
    api,
    devices: new TuyaDevices(api),
    log,
    ids: { plug, pir, climate, light, offline },
    close: async () => {
      await api.close();
      await emu.stop();
    },
  };
}

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}
