/**
 * The life of an emulator in a node spec: started in the suite's before hook (with the test
 * helper's server when it is the suite's main emulator), stopped after it, and after each test
 * its own clean-up (secrets registered for the scan, faults cleared) followed, for the main
 * emulator, by unloading the flow (which records what the nodes emitted, see node-red.ts). tuya-suite.ts and
 * hobo-suite.ts build on it.
 */
import { noteTestRan, recordFor } from "./emissions";
import { helper } from "./node-red";

interface Emulator {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Registers the hooks; the returned function gives the running emulator. */
export function useEmulator<E extends Emulator>(name: string, create: () => E, cleanup: (emu: E) => void, main = true): () => E {
  let emu: E | undefined;
  const running = (): E => {
    if (!emu) throw new Error(`the ${name} emulator is started in the suite's before hook`);
    return emu;
  };
  before(async () => {
    emu = create();
    await emu.start();
    if (!main) return;
    recordFor(name);
    await helper.startServer();
  });
  after(async () => {
    if (main) {
      await helper.stopServer();
      recordFor(undefined);
    }
    await emu?.stop();
  });
  afterEach(async () => {
    cleanup(running());
    if (!main) return;
    noteTestRan(name);
    await helper.unload();
  });
  return running;
}
