/**
 * The hooks every eGauge node spec needs: one meter emulator and the helper's server for the
 * suite, and after each test the secret scan's bookkeeping (the passwords and every token the
 * emulator issued), cleared faults and an unloaded flow.
 */
import { EgaugeEmulator, type EgaugeEmulatorOptions } from "../../src/emulator/egauge";
import { registerSecrets } from "./emissions";
import { useEmulator } from "./emulator-suite";

export function useEgaugeEmulator(options: EgaugeEmulatorOptions = {}): () => EgaugeEmulator {
  return useEmulator(
    "eGauge",
    () => new EgaugeEmulator(options),
    (emu) => {
      registerSecrets(...emu.users.map((u) => u.pwd), ...emu.issuedTokens());
      emu.clearFaults();
    },
  );
}
