/**
 * Fuzz of hobo-data (issue 12 item 8): 1,000 generated messages through a flow against the
 * HOBOlink emulator, loggers and window from the message. Each ends in exactly one completion or
 * one caught error; serials or windows the library refuses are refused before any request;
 * nothing emitted holds the client secret, the API token or an access token.
 */
import fc from "fast-check";
import { HoboEmulator } from "../../src/emulator/hobo";
import { normalizeLoggers } from "../../src/hobo";
import { helper } from "../support/node-red";
import { probeNodes } from "../support/probe";
import { extras, hoboLoggers, windowParts } from "./arbitraries";
import { assertFuzzKept, refuses, sample, windowRefused, useFuzzEmulator } from "./fuzz-run";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";

const STATIONS = ["21092695", "21150777", "21309641"];

describe("fuzz: hobo-data, 1,000 generated messages", function () {
  this.timeout(240_000);
  const rate = { requests: 1_000_000, windowMs: 60_000 };
  const emulator = useFuzzEmulator(() => new HoboEmulator({ legacyRateLimit: rate, licorRateLimit: rate }));
  let emu: HoboEmulator;
  before(() => {
    emu = emulator();
  });

  for (const flavour of ["licor", "legacy"] as const) {
    it(`hobo-data (${flavour})`, async () => {
      const creds =
        flavour === "licor" ? { token: emu.licor.token } : { clientId: emu.legacy.clientId, clientSecret: emu.legacy.clientSecret, userId: emu.legacy.userId };
      const flow = [
        { id: "t1", type: "tab" },
        { id: "cfg", type: "hobo-config", flavour, endpoint: emu.url, rpm: 1_000_000, timeout: 5 },
        {
          id: "n1",
          type: "hobo-data",
          z: "t1",
          hobo: "cfg",
          loggersFromType: "msg",
          loggersFrom: "loggers",
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
      await helper.load([hoboConfig, hoboData], flow as never, { cfg: creds });
      // Half the runs per flavour keeps the suite's time; the seed differs, so the samples do too.
      const cases = sample(fc.record({ x: extras, loggers: hoboLoggers(STATIONS), w: windowParts(Date.now, 3 * 3600_000) }))
        .filter((_, i) => i % 2 === (flavour === "licor" ? 0 : 1))
        .map(({ x, loggers, w }) => ({
          msg: { ...x, loggers, ...w },
          invalid:
            refuses(() => normalizeLoggers(loggers === "" || (Array.isArray(loggers) && loggers.length === 0) ? undefined : loggers)) || windowRefused(w),
        }));
      const secrets = () => [emu.legacy.clientSecret, emu.licor.token, ...emu.issuedTokens()];
      await assertFuzzKept(cases, { requests: () => emu.stats.requests, secrets });
    });
  }
});
