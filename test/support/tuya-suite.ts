/**
 * The hooks every Tuya node spec needs (one emulator and the helper's server for the suite, and
 * after each test the secret scan's bookkeeping, cleared faults and an unloaded flow), and the
 * flow most of them load.
 */
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../src/emulator/tuya";
import { registerSecrets } from "./emissions";
import { useEmulator } from "./emulator-suite";
import { helper } from "./node-red";

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

/** Node-RED module functions the helper loads (node files export one each). */
type NodeModule = Parameters<typeof helper.load>[0];

export interface TuyaFlowOptions {
  /** false: the node under test has no tuya-config (default true). */
  withConfig?: boolean;
  /** Extra properties of the tuya-config "cfg". */
  configProps?: Record<string, unknown>;
}

/**
 * Loads the flow most Tuya specs use: the node under test "n1" (type and properties given) wired
 * to helper "h1", a Catch node wired to helper "h2", and a tuya-config "cfg" on the emulator with
 * its credentials.
 */
export async function loadTuyaFlow(emu: TuyaEmulator, modules: NodeModule, n1: Record<string, unknown> & { type: string }, options: TuyaFlowOptions = {}): Promise<void> {
  const flow = [
    { id: "t1", type: "tab" },
    { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, ...options.configProps },
    { id: "n1", z: "t1", tuya: options.withConfig === false ? "" : "cfg", ...n1, wires: [["h1"]] },
    { id: "h1", type: "helper", z: "t1" },
    { id: "c1", type: "catch", z: "t1", scope: null, uncaught: false, wires: [["h2"]] },
    { id: "h2", type: "helper", z: "t1" },
  ];
  await helper.load(modules, flow, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
}
