/**
 * The soak (issue 12 item 8): 24 simulated hours of polling every node once a minute on fake
 * timers (sinon: Date and the timer functions; the emulators read the same clock, so tokens
 * expire and are renewed, specification caches age and incremental marks move as in a day of
 * real polling). Every node completes every poll; between the end of hour 1 and the end of hour 24
 * the heap after a full garbage collection and the process's handles and timers stay flat; no
 * secret is emitted. The test helper's spies, which keep every call's arguments, are scanned and
 * emptied each hour, so the heap measured is the pack's and the runtime's, not the test's record.
 */
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import sinon from "sinon";
import { EgaugeEmulator } from "../../src/emulator/egauge";
import { HoboEmulator } from "../../src/emulator/hobo";
import { TuyaEmulator } from "../../src/emulator/tuya";
import { helper } from "../support/node-red";
import { leaks } from "../fuzz/fuzz-run";
import { credentials, everyNodeFlow, MODULES, pollEveryNode, pollMessages, resources, type Emulators } from "./every-node";

const HOURS = Number(process.env.SOAK_HOURS ?? 24);
const MIN = 60_000;
/** Heap growth allowed between hour 1 and the last hour (after a full collection): noise, not a leak of a day's polls. */
const HEAP_SLACK_MB = 8;

/** A full collection: global.gc when node runs with --expose-gc, else the same function obtained at run time. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

type Spy = { resetHistory(): void };

/** Empties the helper's spies (every node's send, status, log... and the runtime log), which would otherwise keep a day of arguments. */
function resetSpies(): void {
  const proto = (helper as unknown as { _NodePrototype: Record<string, Spy | undefined> })._NodePrototype;
  for (const m of ["send", "status", "log", "warn", "error", "debug", "trace", "receive"]) proto[m]?.resetHistory?.();
  (helper as unknown as { _logSpy?: Spy })._logSpy?.resetHistory();
}

describe("soak: every node polled once a minute for 24 simulated hours", function () {
  this.timeout(600_000);
  let clock: sinon.SinonFakeTimers | undefined;
  let emu: Emulators;
  before(async () => {
    // The clock is faked before the emulators start, so their tokens, data and meters live on it.
    const start = Math.floor(Date.now() / 3600_000) * 3600_000;
    clock = sinon.useFakeTimers({
      now: start,
      toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"],
      shouldAdvanceTime: true,
      advanceTimeDelta: 5,
    });
    const rate = { requests: 1_000_000, windowMs: 60_000 };
    emu = { tuya: new TuyaEmulator({ qps: 0 }), hobo: new HoboEmulator({ legacyRateLimit: rate }), egauge: new EgaugeEmulator() };
    for (const e of Object.values(emu)) await e.start();
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    for (const e of Object.values(emu ?? {})) await e.stop();
    clock?.restore();
  });

  it(`${HOURS} h of polls, once a minute: every poll completes, heap and handles flat`, async () => {
    const gc = collector();
    await helper.load(MODULES, everyNodeFlow({ tuya: emu.tuya.url, hobo: emu.hobo.url, egauge: emu.egauge.url }, { incremental: true }), credentials(emu));
    const messages = pollMessages(emu);
    const secrets = () => [
      emu.tuya.accessSecret,
      ...emu.tuya.issuedTokens(),
      emu.hobo.legacy.clientSecret,
      ...emu.hobo.issuedTokens(),
      ...emu.egauge.issuedTokens(),
      "owner-pass",
    ];
    const hourly: { hour: number; heapMb: number; handles: Record<string, number> }[] = [];
    const found: string[] = [];
    const failures: string[] = [];
    const tokensAtStart = emu.tuya.issuedTokens().length;
    for (let hour = 1; hour <= HOURS; hour++) {
      for (let minute = 0; minute < 60; minute++) {
        await clock!.tickAsync(MIN);
        const errors = await pollEveryNode(messages);
        for (const e of errors) failures.push(`h${hour} m${minute} ${e}`);
      }
      found.push(...leaks(secrets()));
      resetSpies();
      gc();
      hourly.push({ hour, heapMb: process.memoryUsage().heapUsed / 2 ** 20, handles: resources() });
    }
    const [first, last] = [hourly[0], hourly[hourly.length - 1]];
    const trace = hourly.map((h) => `${h.hour}h ${h.heapMb.toFixed(1)} MB ${JSON.stringify(h.handles)}`).join("\n");
    if (process.env.SOAK_TRACE) console.log(trace);
    console.log(
      `      heap after GC: ${first.heapMb.toFixed(1)} MB at hour 1, ${last.heapMb.toFixed(1)} MB at hour ${last.hour}; handles ${JSON.stringify(last.handles)}`,
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} poll(s) failed`);
    assert.deepEqual(found.slice(0, 10), [], "no secret emitted");
    assert.ok(last.heapMb - first.heapMb < HEAP_SLACK_MB, `heap after GC flat from hour 1 to hour ${HOURS}:\n${trace}`);
    const kinds = new Set([...Object.keys(first.handles), ...Object.keys(last.handles)]);
    for (const kind of kinds)
      assert.ok((last.handles[kind] ?? 0) <= (first.handles[kind] ?? 0), `${kind} handles flat from hour 1 to hour ${HOURS}:\n${trace}`);
    // The day really passed on the emulators' clock: the Tuya tokens (2 h) were renewed along the way.
    if (HOURS >= 4) assert.ok(emu.tuya.issuedTokens().length > tokensAtStart, "tokens were renewed during the day");
  });
});
