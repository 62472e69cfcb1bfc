/**
 * The hooks every HOBOlink node spec needs: one emulator and the helper's server for the suite,
 * and after each test the secret scan's bookkeeping (the client secret, the API token and every
 * access token the emulator issued), cleared faults and an unloaded flow. A nested describe that
 * needs an emulator of its own (other stations, a row cap) adds one with useExtraHoboEmulator.
 */
import { HoboEmulator, type HoboEmulatorOptions } from "../../src/emulator/hobo";
import { registerSecrets } from "./emissions";
import { useEmulator } from "./emulator-suite";

function cleanup(emu: HoboEmulator): void {
  registerSecrets(emu.legacy.clientSecret, emu.licor.token, ...emu.issuedTokens());
  emu.faults.clear();
}

/** Registers the suite's hooks; the returned function gives the running emulator. */
export function useHoboEmulator(options: HoboEmulatorOptions = {}): () => HoboEmulator {
  return useEmulator("HOBOlink", () => new HoboEmulator(options), cleanup);
}

/** A second emulator for a nested describe (the suite's own hooks unload the flow and record emissions). */
export function useExtraHoboEmulator(options: HoboEmulatorOptions = {}): () => HoboEmulator {
  return useEmulator("HOBOlink", () => new HoboEmulator(options), cleanup, false);
}
