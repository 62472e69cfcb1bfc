/**
 * The hooks every Tuya node spec needs: one emulator and the helper's server for the suite, and
 * after each test the secret scan's bookkeeping (every secret and token the emulator issued),
 * cleared faults and an unloaded flow.
 */
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../src/emulator/tuya";
import { recordEmissions, registerSecrets } from "./emissions";
import { helper } from "./node-red";

/** Registers the suite's hooks; the returned function gives the running emulator. */
export function useTuyaEmulator(options: TuyaEmulatorOptions = {}): () => TuyaEmulator {
  let emu: TuyaEmulator | undefined;
  const running = (): TuyaEmulator => {
    if (!emu) throw new Error("the Tuya emulator is started in the suite's before hook");
    return emu;
  };
  before(async () => {
    emu = new TuyaEmulator(options);
    await emu.start();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await emu?.stop();
  });
  afterEach(async () => {
    registerSecrets(running().accessSecret, ...running().issuedTokens());
    recordEmissions(helper);
    running().faults.clear();
    await helper.unload();
  });
  return running;
}
