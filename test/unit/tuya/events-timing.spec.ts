// The consumer's timing with fake timers (real sockets, a frozen clock): the reconnect delays
// double up to the cap and never stop, a refused upgrade waits the slow delays, and a socket that
// stops answering is found by the ping after 30 s of silence plus the 10 s pong deadline.
import assert from "node:assert/strict";
import sinon from "sinon";
import WebSocket from "ws";
import type { TuyaEmulator } from "../../../src/emulator/tuya";
import type { ConsumerState } from "../../../src/tuya/events";
import { io, startEmulator, watch, type Watched } from "./events-helpers";

describe("tuya events consumer timing (fake timers)", () => {
  let emu: TuyaEmulator;
  let clock: sinon.SinonFakeTimers;
  let x: Watched | undefined;

  beforeEach(async () => {
    emu = await startEmulator({ mq: { idleTimeoutMs: 0 } });
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  });
  afterEach(async () => {
    clock.restore();
    await x?.consumer.close();
    x = undefined;
    await emu.stop();
  });

  const last = (w: Watched): ConsumerState => w.states[w.states.length - 1];

  it("reconnect delays double from 1 s to the 8 s cap (jitter at its top) and continue until the server takes it", async () => {
    emu.mq.faults.failHandshakes(6, 503);
    x = watch(emu, { backoff: { initialMs: 1000, maxMs: 8000 }, random: () => 1 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await io(() => last(x!).state === "reconnecting", `failure ${i + 1}`);
      const s = last(x!);
      assert.ok(s.state === "reconnecting");
      delays.push(s.delayMs);
      await clock.tickAsync(s.delayMs - 1);
      assert.equal(last(x!).state, "reconnecting", "not before its time");
      await clock.tickAsync(1);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000]);
    await io(() => last(x!).state === "connected", "the connection");
  });

  it("jitter keeps each delay within half to all of its step", async () => {
    emu.mq.faults.failHandshakes(1, 503);
    x = watch(emu, { backoff: { initialMs: 1000, maxMs: 8000 }, random: () => 0 });
    await io(() => last(x!).state === "reconnecting", "the failure");
    assert.equal((last(x!) as { delayMs: number }).delayMs, 500);
  });

  it("a refused upgrade waits the slow delays (1 min, then 2 min), reported once", async () => {
    emu.mq.faults.failHandshakes(2, 401);
    x = watch(emu, { refusedBackoff: { initialMs: 60_000, maxMs: 600_000 }, random: () => 1 });
    await io(() => last(x!).state === "refused", "the refusal");
    assert.equal((last(x!) as { delayMs: number }).delayMs, 60_000);
    await clock.tickAsync(60_000);
    await io(() => x!.states.filter((s) => s.state === "refused").length === 2, "the second refusal");
    assert.equal((last(x!) as { delayMs: number }).delayMs, 120_000);
    assert.equal(x.problems.length, 1);
    await clock.tickAsync(120_000);
    await io(() => last(x!).state === "connected", "the connection");
  });

  it("a half-open socket: ping after 30 s of silence, given up 10 s later, then reconnected", async () => {
    x = watch(emu, { backoff: { initialMs: 1000, maxMs: 1000 }, random: () => 1 });
    await io(() => last(x!).state === "connected", "the connection");
    emu.mq.faults.halfOpen();
    await clock.tickAsync(39_999);
    assert.equal(last(x!).state, "connected", "still trusted until the pong deadline");
    await clock.tickAsync(1);
    await io(() => last(x!).state === "reconnecting", "the verdict");
    assert.match((last(x!) as { reason: string }).reason, /half-open/);
    await clock.tickAsync(1000);
    await io(() => x!.consumer.stats.connects === 2, "the new connection");
  });

  it("a live socket answers the pings and stays", async () => {
    x = watch(emu);
    await io(() => last(x!).state === "connected", "the connection");
    // The pongs the consumer's socket received: each ping's round trip is waited for, not timed.
    const emit = sinon.spy(WebSocket.prototype, "emit");
    const pongs = () => emit.getCalls().filter((c) => c.args[0] === "pong").length;
    try {
      for (let i = 0; i < 5; i++) {
        const answered = pongs();
        await clock.tickAsync(30_000);
        await io(() => pongs() > answered, "the pong");
        await clock.tickAsync(5_000);
      }
    } finally {
      emit.restore();
    }
    assert.equal(x.consumer.stats.connects, 1);
    assert.equal(last(x).state, "connected");
  });
});
