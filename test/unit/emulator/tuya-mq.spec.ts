// The emulated message service seen with a plain ws client (reference §7): the upgrade checks,
// the frame shape, acks, the receiver queue, retention, the admin paths and the event sources.
import assert from "node:assert/strict";
import { createDecipheriv, createHash } from "node:crypto";
import WebSocket from "ws";
import { TuyaEmulator } from "../../../src/emulator/tuya";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("tuya emulator: message service", () => {
  let emu: TuyaEmulator;
  let now = 1_700_000_000_000;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    now = 1_700_000_000_000;
    emu = new TuyaEmulator({ qps: 0, now: () => now });
    await emu.start();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await emu.stop();
  });

  const password = () => md5(emu.accessId + md5(emu.accessSecret)).substring(8, 24);
  const path = (env = "event", sub = `${emu.accessId}-sub`, q = "ackTimeoutMillis=30000&subscriptionType=Failover") =>
    `${emu.mqUrl}ws/v2/consumer/persistent/${emu.accessId}/out/${env}/${sub}?${q}`;

  /** Opens a socket; resolves with it and its frames, or rejects with the HTTP status. */
  function open(
    url = path(),
    headers: Record<string, string> = { username: emu.accessId, password: password() },
  ): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      sockets.push(ws);
      const frames: Record<string, unknown>[] = [];
      ws.on("message", (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
      ws.on("open", () => resolve({ ws, frames }));
      ws.on("unexpected-response", (_req, res) => {
        reject(new Error(String(res.statusCode)));
        res.resume();
      });
      ws.on("error", () => undefined);
    });
  }
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 101,
      (e: Error) => Number(e.message),
    );
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), "condition never held");
  };

  it("checks the upgrade: credentials 401, env off 500, unknown env 404, subscription 400, ack timeout 400, exclusive 409", async () => {
    assert.equal(await status(open(path(), { username: emu.accessId, password: "0000000000000000" })), 401);
    assert.equal(await status(open(path(), {})), 401);
    emu.mq.environments.event = false;
    assert.equal(await status(open()), 500);
    emu.mq.environments.event = true;
    assert.equal(await status(open(path("notice"))), 404);
    assert.equal(await status(open(path("event", `${emu.accessId}-other`))), 400);
    assert.equal(await status(open(path("event", undefined, "ackTimeoutMillis=500"))), 400);
    assert.equal(await status(open(path("event", undefined, "subscriptionType=Exclusive"))), 101);
    assert.equal(await status(open(path("event", undefined, "subscriptionType=Exclusive"))), 409);
    emu.mq.faults.failHandshakes(1, 500);
    assert.equal(await status(open(path("event-test"))), 500);
  });

  it("frames carry messageId, payload envelope (data, protocol, pv, sign, t), properties, publishTime, redeliveryCount, key", async () => {
    const { frames } = await open();
    const plug = emu.devices[0].id;
    emu.mq.publish({ deviceId: plug, protocol: 4, data: { devId: plug, status: [{ code: "switch_1", value: true, t: now }] } });
    emu.mq.encryption = "gcm";
    emu.mq.publish({ deviceId: plug, protocol: 4, data: { devId: plug, status: [] } });
    await until(() => frames.length === 2);
    const [ecb, gcm] = frames;
    assert.equal(typeof ecb.messageId, "string");
    assert.equal(ecb.publishTime, new Date(now).toISOString());
    assert.equal(ecb.redeliveryCount, 0);
    assert.equal(ecb.key, plug);
    assert.equal((ecb.properties as Record<string, string>).em, undefined);
    assert.equal((gcm.properties as Record<string, string>).em, "aes_gcm");
    const env = JSON.parse(Buffer.from(String(ecb.payload), "base64").toString()) as Record<string, unknown>;
    assert.deepEqual([env.protocol, env.pv, env.t], [4, "2.0", now]);
    assert.equal(env.sign, md5(`data=${String(env.data)}||protocol=4||pv=2.0||t=${now}||${emu.accessSecret}`));
    const d = createDecipheriv("aes-128-ecb", Buffer.from(emu.accessSecret.substring(8, 24)), null);
    const plain = Buffer.concat([d.update(Buffer.from(String(env.data), "base64")), d.final()]).toString();
    assert.deepEqual(JSON.parse(plain), { devId: plug, status: [{ code: "switch_1", value: true, t: now }] });
  });

  it("stops at the receiver queue size until acks come; acks free room; non-JSON closes the session", async () => {
    const { ws, frames } = await open(path("event", undefined, "receiverQueueSize=2"));
    const pir = emu.devices[1].id;
    for (let i = 0; i < 5; i++) emu.mq.publish({ deviceId: pir, protocol: 4, data: { devId: pir, status: [] } });
    await until(() => frames.length === 2);
    ws.send(JSON.stringify({ messageId: frames[0].messageId }));
    await until(() => frames.length === 3);
    ws.send(JSON.stringify({ messageId: "unknown" }));
    await until(() => emu.mq.stats.unknownAcks === 1);
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    ws.send("not json");
    assert.equal(await closed, 1003);
  });

  it("unacked frames come back with redeliveryCount+1 after a reconnect; retention drops old ones", async () => {
    const a = await open();
    const pir = emu.devices[1].id;
    emu.mq.publish({ deviceId: pir, protocol: 4, data: { devId: pir, status: [] } });
    await until(() => a.frames.length === 1);
    a.ws.close();
    await until(() => emu.mq.consumerCount() === 0);
    const b = await open();
    await until(() => b.frames.length === 1);
    assert.equal(b.frames[0].messageId, a.frames[0].messageId);
    assert.equal(b.frames[0].redeliveryCount, 1);
    b.ws.close();
    await until(() => emu.mq.consumerCount() === 0);
    now += 2 * 3_600_000 + 1;
    const c = await open();
    await until(() => emu.mq.stats.expired === 1);
    assert.equal(c.frames.length, 0);
  });

  it("device changes publish events: commands, online/offline, renames, sensor reports, the admin route", async () => {
    const { frames } = await open();
    const [plug, , climate] = emu.devices.map((d) => d.id);
    const decode = (f: Record<string, unknown>) => {
      const env = JSON.parse(Buffer.from(String(f.payload), "base64").toString()) as { data: string; protocol: number };
      const d = createDecipheriv("aes-128-ecb", Buffer.from(emu.accessSecret.substring(8, 24)), null);
      return {
        protocol: env.protocol,
        data: JSON.parse(Buffer.concat([d.update(Buffer.from(env.data, "base64")), d.final()]).toString()) as Record<string, unknown>,
      };
    };
    emu.events.setOnline(plug, false);
    emu.events.rename(plug, "Bench plug");
    assert.equal(emu.devices[0].name, "Bench plug");
    const post = (p: string, body: unknown) =>
      fetch(`${emu.url}/_emulator/mq/${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal((await post("publish", { deviceId: plug, status: [{ code: "x", value: 1, t: now }] })).status, 200);
    assert.equal((await post("faults", { fault: "nope" })).status, 400);
    emu.events.reportSensors();
    now += 24 * 3_600_000;
    emu.events.reportSensors();
    await until(() => frames.length >= 4);
    const decoded = frames.map(decode);
    assert.deepEqual(decoded[0].data.bizCode, "offline");
    assert.deepEqual([decoded[1].data.bizCode, (decoded[1].data.bizData as Record<string, unknown>).name], ["nameUpdate", "Bench plug"]);
    assert.equal(decoded[2].protocol, 4);
    assert.ok(
      decoded.slice(3).some((d) => d.data.devId === climate),
      "the climate sensor reported new readings",
    );
    const stats = (await (await fetch(`${emu.url}/_emulator/mq/stats`)).json()) as { consumers: number };
    assert.equal(stats.consumers, 1);
  });
});
