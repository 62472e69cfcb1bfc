/**
 * Fuzz of egauge-data (issue 12 item 8): 1,000 generated messages through a flow against the
 * meter emulator (history mode: registers, resolution and window from the message). Each ends in
 * exactly one completion or one caught error; input the library refuses is refused before any
 * request; nothing emitted holds a password or a token.
 */
import fc from "fast-check";
import { EgaugeEmulator } from "../../src/emulator/egauge";
import { RESOLUTIONS } from "../../src/egauge";
import { helper } from "../support/node-red";
import { probeNodes } from "../support/probe";
import { extras, garbage, windowParts } from "./arbitraries";
import { assertFuzzKept, refuses, sample, windowRefused, useFuzzEmulator } from "./fuzz-run";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";

const T0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 86_400_000;

describe("fuzz: egauge-data, 1,000 generated messages", function () {
  this.timeout(240_000);
  const emulator = useFuzzEmulator(() => new EgaugeEmulator({ now: () => T0 }));
  let emu: EgaugeEmulator;
  before(() => {
    emu = emulator();
  });

  it("egauge-data (history)", async () => {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "egauge-config", name: "Lab meter", meter: emu.url, tls: "verify", timeout: 5 },
      {
        id: "n1",
        type: "egauge-data",
        z: "t1",
        egauge: "cfg",
        registersFromType: "msg",
        registersFrom: "registers",
        mode: "history",
        window: "absolute",
        start: "start",
        startType: "msg",
        end: "end",
        endType: "msg",
        format: "records",
        output: "all",
        wires: [["h1"]],
      },
      ...probeNodes(),
    ];
    await helper.load([egaugeConfig, egaugeData], flow as never, { cfg: { user: "owner", password: "owner-pass" } });
    const name = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("Grid", "Solar", "L1", "Temp", "use", "Nope") },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    );
    const registers = fc.oneof(
      { weight: 6, arbitrary: fc.array(name, { minLength: 1, maxLength: 3 }) },
      { weight: 2, arbitrary: fc.array(name, { minLength: 1, maxLength: 3 }).map((n) => n.join(",")) },
      { weight: 2, arbitrary: garbage },
    );
    const resolution = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(undefined, 60, "60", 900, "auto", 1) },
      { weight: 2, arbitrary: fc.oneof(fc.constantFrom(7, "60s", -60), garbage) },
    );
    const cases = sample(fc.record({ x: extras, registers, resolution, w: windowParts(() => T0, 10 * 60_000) })).map(
      ({ x, registers: r, resolution: res, w }) => ({
        msg: { ...x, registers: r, resolution: res, ...w },
        invalid:
          refuses(() => {
            if (r === undefined || r === null || r === "") return;
            const list = Array.isArray(r) ? r : typeof r === "string" ? r.split(",") : undefined;
            if (!list || Array.from(list as unknown[]).some((n) => typeof n !== "string")) throw new Error("registers");
          }) ||
          refuses(() => {
            if (!(RESOLUTIONS as readonly unknown[]).includes(res === undefined || res === "" || res === "auto" ? "auto" : Number(res)))
              throw new Error("resolution");
          }) ||
          windowRefused(w),
      }),
    );
    const secrets = () => [...emu.users.map((u) => u.pwd), ...emu.issuedTokens()];
    await assertFuzzKept(cases, { requests: () => emu.stats.requests, secrets });
  });
});
