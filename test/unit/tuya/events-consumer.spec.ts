// The consumer against the emulated message service, through its public face (reference §7
// "Tests should prove"): auth, ECB/GCM per message, acks, redelivery, duplicates, reconnects,
// refused upgrades, Failover, and close.
import assert from "node:assert/strict";
import { TuyaDevices, TuyaEventConsumer, TuyaOpenApi } from "../../../src/tuya";
import type { TuyaEmulator } from "../../../src/emulator/tuya";
import sinon from "sinon";
import WebSocket from "ws";
import { connected, io, startEmulator, until, watch, type Watched } from "./events-helpers";

describe("tuya events consumer against the emulated message service", function () {
  let emu: TuyaEmulator;
  const open: Watched[] = [];
  const w = (o: Parameters<typeof watch>[1] = {}) => {
    const x = watch(emu, o);
    open.push(x);
    return x;
  };
  let pir: string;
  let plug: string;

  beforeEach(async () => {
    emu = await startEmulator();
    [plug, pir] = emu.devices.map((d) => d.id);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.consumer.close()));
    await emu.stop();
  });

  const report = (deviceId: string, code: string, value: unknown, t: number, encryption?: "ecb" | "gcm") =>
    emu.mq.publish({ deviceId, protocol: 4, data: { devId: deviceId, productKey: "p", status: [{ code, value, t }] }, encryption });

  it("connects with the right password; the consumer URL carries no secret", async () => {
    const x = w();
    await until(() => connected(x), "connected");
    assert.equal(emu.mq.consumerCount(), 1);
    assert.doesNotMatch(x.consumer.consumerUrl, new RegExp(emu.accessSecret));
    assert.match(x.consumer.consumerUrl, /\/ws\/v2\/consumer\/persistent\/[^/]+\/out\/event\/[^/]+-sub\?ackTimeoutMillis=1000&subscriptionType=Failover$/);
  });

  it("a wrong secret is refused (401), reported once with a hint, and retried slowly, never connecting", async () => {
    const x = w({ accessKey: "wrongwrongwrongwrongwrongwrong00" });
    // The emulator counts a refusal before the consumer has read it: wait for both sides.
    await until(() => (emu.mq.stats.refused["401"] ?? 0) >= 3 && x.states.filter((s) => s.state === "refused").length >= 3, "three refusals");
    assert.equal(x.problems.length, 1);
    assert.equal(x.problems[0].kind, "credentials");
    assert.match(x.problems[0].message, /HTTP 401.*access id\/secret/);
    const refused = x.states.filter((s) => s.state === "refused");
    assert.ok(refused.length >= 3 && refused.every((s) => s.state === "refused" && s.delayMs >= 25));
    assert.ok(!x.states.some((s) => s.state === "connected"));
    assert.doesNotMatch(JSON.stringify(x.states) + JSON.stringify(x.problems), new RegExp(emu.accessSecret));
  });

  it("a disabled environment answers 500: reported as such; connects once it is enabled", async () => {
    emu.mq.environments["event-test"] = false;
    const x = w({ env: "event-test" });
    await until(() => x.problems.length === 1, "the problem");
    assert.equal(x.problems[0].kind, "environment");
    assert.match(x.problems[0].message, /"event-test" environment is not enabled/);
    emu.mq.environments["event-test"] = true;
    await until(() => connected(x), "connected after enabling");
  });

  it("ECB and GCM are chosen per message by em", async () => {
    const x = w();
    await until(() => connected(x), "connected");
    report(pir, "pir", "pir", 1_700_000_000_000, "ecb");
    report(pir, "pir", "none", 1_700_000_001_000, "gcm");
    await until(() => x.events.length === 2, "two events");
    assert.deepEqual(
      x.events.map((e) => e.status[0].value),
      ["pir", "none"],
    );
    assert.equal(x.undecodable.length, 0);
  });

  it("every frame is acked exactly once, undecodable ones included, and none comes back", async () => {
    const x = w();
    await until(() => connected(x), "connected");
    emu.mq.faults.corruptNext(1);
    emu.mq.faults.unknownProtocolNext(1);
    emu.mq.faults.noPropertiesNext(1);
    for (let i = 0; i < 6; i++) report(plug, "cur_power", i, 1_700_000_000_000 + i, i % 2 ? "gcm" : "ecb");
    await until(() => emu.mq.stats.acked === 6, "six acks");
    // noProperties on an ECB message still decodes (ECB is the default); on a GCM one it cannot.
    assert.equal(x.events.length + x.undecodable.length, 6);
    assert.ok(x.undecodable.some((u) => /unknown protocol 99/.test(u.reason)));
    assert.ok(x.undecodable.some((u) => /cannot decode/.test(u.reason)));
    assert.equal(emu.mq.stats.unknownAcks, 0);
    assert.equal(x.consumer.stats.acked, x.consumer.stats.frames);
    assert.equal(emu.mq.backlog("event"), 0);
    assert.equal(emu.mq.stats.redelivered, 0);
  });

  it("a late ack gives one redelivery, delivered once", async () => {
    const x = w({ ackTimeoutMs: 1000 });
    await until(() => connected(x), "connected");
    emu.mq.faults.dropAcks(1);
    report(pir, "pir", "pir", 1_700_000_000_000);
    await until(() => emu.mq.stats.redelivered === 1 && emu.mq.stats.acked === 1, "the redelivery acked");
    assert.equal(x.consumer.stats.frames, 2);
    assert.equal(x.consumer.stats.duplicates, 1);
    assert.equal(x.events.length, 1);
  });

  it("duplicate delivery and legacy + IoT Core copies of one report arrive once", async () => {
    emu.mq.families = "both";
    const x = w();
    await until(() => connected(x), "connected");
    emu.mq.faults.duplicateNext(1);
    const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret, requestsPerSecond: 0 });
    try {
      await new TuyaDevices(api).sendCommands(plug, [{ code: "switch_1", value: false }]);
    } finally {
      await api.close();
    }
    await until(() => x.consumer.stats.frames === 3, "three frames");
    assert.equal(x.events.length, 1);
    assert.deepEqual([x.events[0].type, x.events[0].deviceId, x.events[0].status[0].code, x.events[0].status[0].value], ["status", plug, "switch_1", false]);
  });

  it("reconnects after a server close, and the backlog published meanwhile arrives", async () => {
    const x = w();
    await until(() => connected(x), "connected");
    emu.mq.faults.failHandshakes(2, 503);
    emu.mq.faults.closeAll(1011);
    await until(() => x.states.some((s) => s.state === "reconnecting"), "reconnecting");
    report(pir, "pir", "pir", 1_700_000_000_000);
    report(pir, "pir", "none", 1_700_000_002_000);
    await until(() => x.events.length === 2, "the backlog");
    assert.equal(x.consumer.stats.connects, 2);
    const delays = x.states.flatMap((s) => (s.state === "reconnecting" ? [s.delayMs] : []));
    assert.ok(delays.length >= 3 && delays.every((d) => d <= 100), "capped backoff");
    assert.equal(x.problems.length, 0, "503 is a transient failure, not a refusal");
  });

  it("reconnects after the server's idle timeout", async () => {
    await emu.stop();
    emu = await startEmulator({ mq: { idleTimeoutMs: 300 } });
    const x = w({ pingIntervalMs: 60_000 });
    await until(() => x.consumer.stats.connects >= 2, "a second connection");
    assert.ok(x.states.some((s) => s.state === "reconnecting" && /closed by the server/.test(s.reason)));
  });

  it("stays connected through the idle timeout when its pings keep the session alive", async () => {
    await emu.stop();
    // Fake timers on both sides (the service's idle timeout, the consumer's pings), real sockets:
    // each ping's round trip is waited for, so a slow machine cannot idle the session out.
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const emit = sinon.spy(WebSocket.prototype, "emit");
    const pongs = () => emit.getCalls().filter((c) => c.args[0] === "pong").length;
    try {
      emu = await startEmulator({ mq: { idleTimeoutMs: 400 } });
      const x = w({ pingIntervalMs: 100 });
      await io(() => connected(x), "the connection");
      for (let i = 0; i < 9; i++) {
        const answered = pongs();
        await clock.tickAsync(100);
        await io(() => pongs() > answered, "the pong");
      }
      assert.equal(x.consumer.stats.connects, 1);
      assert.equal(x.consumer.state.state, "connected");
    } finally {
      emit.restore();
      clock.restore();
    }
  });

  it("finds a half-open socket by its missing pong and reconnects; the unacked backlog follows", async () => {
    const x = w({ pingIntervalMs: 100, pongTimeoutMs: 100 });
    await until(() => connected(x), "connected");
    emu.mq.faults.halfOpen();
    report(pir, "pir", "pir", 1_700_000_000_000);
    await until(() => x.consumer.stats.connects >= 2, "a reconnect");
    assert.ok(x.states.some((s) => s.state === "reconnecting" && /half-open/.test(s.reason)));
    await until(() => x.events.length === 1, "the held message");
  });

  it("Failover: on event two consumers split the devices; on event-test one stands by", async () => {
    const a = w();
    const b = w();
    await until(() => connected(a) && connected(b), "both connected");
    const ids = emu.devices.map((d) => d.id);
    ids.forEach((id, i) => report(id, "x", i, 1_700_000_000_000 + i));
    await until(() => a.events.length + b.events.length === ids.length, "all devices");
    const seen = new Set([...a.events, ...b.events].map((e) => e.deviceId));
    assert.equal(seen.size, ids.length);
    assert.ok(!a.events.some((e) => b.events.some((f) => f.deviceId === e.deviceId)), "each device goes to one consumer");

    const c = w({ env: "event-test" });
    await until(() => connected(c), "c");
    const d = w({ env: "event-test" });
    await until(() => connected(d), "d");
    // The test channel kept what was published before anyone consumed it: the active one gets it all.
    report(pir, "pir", "pir", 1_700_000_100_000);
    await until(() => c.events.length === ids.length + 1, "active consumer");
    assert.equal(d.events.length, 0);
    await c.consumer.close();
    report(pir, "pir", "none", 1_700_000_200_000);
    await until(() => d.events.length === 1, "standby promoted");
  });

  it("refuses plain ws:// to another host before connecting (the password travels in the headers)", () => {
    assert.throws(
      () => new TuyaEventConsumer({ endpoint: "ws://mqe.tuyaus.com:8285/", accessId: "a", accessKey: "k".repeat(32) }),
      /refused: it uses plain http/,
    );
    assert.doesNotThrow(() => new TuyaEventConsumer({ endpoint: "wss://mqe.tuyaus.com:8285/", accessId: "a", accessKey: "k".repeat(32) }));
  });

  it("close() leaves no socket and no timer; the state ends closed", async () => {
    const x = w({ pingIntervalMs: 50 });
    await until(() => connected(x), "connected");
    await x.consumer.close();
    await until(() => emu.mq.consumerCount() === 0, "server side gone");
    assert.equal(x.consumer.state.state, "closed");
    const before = x.states.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(x.states.length, before, "nothing happens after close");
  });
});
