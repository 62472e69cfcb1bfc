/**
 * The hooks every Tuya node spec needs: one emulator and the helper's server for the suite, and
 * after each test the secret scan's bookkeeping (every secret and token the emulator issued),
 * cleared faults and an unloaded flow.
 */
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../src/emulator/tuya";
import { registerSecrets } from "./emissions";
import { useEmulator } from "./emulator-suite";

/** Registers the suite's hooks; the returned function gives the running emulator. */
export function useTuyaEmulator(options: TuyaEmulatorOptions = {}): () => TuyaEmulator {
  return useEmulator(
    "Tuya",
    () => new TuyaEmulator(options),
    (emu) => {
      registerSecrets(emu.accessSecret, ...emu.issuedTokens());
      emu.faults.clear();
    },
  );
}
