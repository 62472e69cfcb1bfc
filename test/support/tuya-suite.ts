/**
 * The hooks every Tuya node spec needs (one emulator on a frozen clock and the helper's server
 * for the suite, and after each test the secret scan's bookkeeping, cleared faults and an
 * unloaded flow), and the flow most of them load.
 *
 * The emulator's clock stands still at the minute the suite started (emu.now()), so status
 * values, histories and token lifetimes are the same however long a spec takes; a spec moves it
 * on explicitly (advance) where two events must not share an instant. The client signs with the
 * real clock, which stays inside the emulator's 15-minute signature window for a suite.
 */
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../src/emulator/tuya";
import { registerDeviceKeys, registerSecrets } from "./emissions";
import { useEmulator } from "./emulator-suite";
import { helper } from "./node-red";
import { probeNodes } from "./probe";

const MIN = 60_000;

/** The running emulator, and its clock's hand. */
export interface TuyaSuite {
  (): TuyaEmulator;
  /** Moves the emulator's frozen clock on by ms. */
  advance(ms: number): void;
}

/** Registers the suite's hooks; the returned function gives the running emulator. `now` in options replaces the frozen clock. */
export function useTuyaEmulator(options: TuyaEmulatorOptions = {}): TuyaSuite {
  let frozen = 0;
  const running = useEmulator(
    "Tuya",
    () => {
      frozen = Math.floor(Date.now() / MIN) * MIN;
      return new TuyaEmulator({ now: () => frozen, ...options });
    },
    (emu) => {
      registerSecrets(emu.accessSecret, ...emu.issuedTokens());
      registerDeviceKeys(...emu.localKeys());
      emu.faults.clear();
    },
  );
  return Object.assign(running, {
    advance: (ms: number) => {
      frozen += ms;
    },
  });
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
 * to helper "h1", the probe's Catch (-> "h2") and Complete (-> "h3") nodes (probe.ts), and a
 * tuya-config "cfg" on the emulator with its credentials.
 */
export async function loadTuyaFlow(
  emu: TuyaEmulator,
  modules: NodeModule,
  n1: Record<string, unknown> & { type: string },
  options: TuyaFlowOptions = {},
): Promise<void> {
  const flow = [
    { id: "t1", type: "tab" },
    { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, ...options.configProps },
    { id: "n1", z: "t1", tuya: options.withConfig === false ? "" : "cfg", ...n1, wires: [["h1"]] },
    ...probeNodes("n1"),
  ];
  await helper.load(modules, flow as Parameters<typeof helper.load>[1], { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
}
