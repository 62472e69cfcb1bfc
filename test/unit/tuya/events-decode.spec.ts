// The message service's secrets and shapes against the reference's worked vectors (§2, §4):
// password, key, ECB and GCM chosen by `em`, frames, and one event shape for protocols 4/20/1000/1001.
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { statusToRecords } from "../../../src/tuya";
import {
  consumerUrl,
  contentKey,
  decryptData,
  encryptionOf,
  eventToRecords,
  mqKey,
  mqPassword,
  normaliseEvent,
  parseEnvelope,
  parseFrame,
  RecentKeys,
  resolveMqEndpoint,
  UnknownProtocolError,
} from "../../../src/tuya/events";

const ACCESS_ID = "accessIdtesttesttest";
const ACCESS_KEY = "accessKeyesttesttesttesttesttest";
const ECB =
  "9Pe6AYEE2fJyCh5gcY/+mCY2yhFsxZ6Pjt+n1WkotuvVHRAKjf+aV+HPMrx55iSk1ot9TiUZkiufxWreZ7VMEJ3uo8iT992qq4w+mnjTfi/Ph9hyB3UJTQOlkdChT93LYnQGgEqWrY77X2vgC6bIKUGgCV2mD0A1a2QwO0gXtPhQabf1RL9SdVUUqqMJKgAEEYdqygcT/V08yNDgSAnIMQ==";
const GCM =
  "AAECAwQFBgcICQoLAeySMfZIKX4Bm3Lwtrbt3x/0W8D201OEZ6fWMj9qsW1fpCUEyLBkz2w1KZIZG+hKKWIfUd2VzCsTxW3b1dqicInnczYHeUgLAF+FaQCKJNs/qcxQ+yW1M26kRJah7naTm8Miw0uD7Qoxc2aKSUZTep0TeG9AG4ZFqHXvPhOQNZAoHq89GGnnbpxX6RUNMzip1WxsCIXNJO1g3PYLjBomln/ftW7F2sMFvaDgXm7QSQ==";
const PLAIN =
  '{"dataId":"dataIddataIddataIddataId","devId":"devIddevIddevIddevIddevId","productKey":"productKeypro","status":[{"code":"code","t":1622449865296,"value":280}]}';

describe("tuya events: secrets (reference §2, §4 vectors)", () => {
  it("password and AES key of the worked vector", () => {
    assert.equal(mqPassword(ACCESS_ID, ACCESS_KEY), "ad0139f768d194a4");
    assert.equal(mqKey(ACCESS_KEY).toString("utf8"), "yesttesttesttest");
  });

  it("ECB vector decrypts to the reference plaintext", () => {
    assert.equal(decryptData(ECB, mqKey(ACCESS_KEY), "ecb"), PLAIN);
  });

  it("GCM vector (nonce 000102…0b, no AAD) decrypts to the same plaintext", () => {
    assert.equal(decryptData(GCM, mqKey(ACCESS_KEY), "gcm"), PLAIN);
  });

  it("the mode is the em property: aes_gcm → GCM, anything else or none → ECB", () => {
    assert.equal(encryptionOf({ em: "aes_gcm" }), "gcm");
    assert.equal(encryptionOf({ em: "aes_ecb" }), "ecb");
    assert.equal(encryptionOf({}), "ecb");
    assert.equal(encryptionOf(undefined), "ecb");
  });

  it("a wrong mode, a tampered tag and a short key all throw", () => {
    const key = mqKey(ACCESS_KEY);
    assert.throws(() => decryptData(GCM, key, "ecb"));
    const bytes = Buffer.from(GCM, "base64");
    bytes[bytes.length - 1] ^= 1;
    assert.throws(() => decryptData(bytes.toString("base64"), key, "gcm"));
    assert.throws(() => mqKey("short"), /too short/);
  });

  it("ECB with PKCS#7 of any length round-trips through Node's cipher", () => {
    const key = mqKey(ACCESS_KEY);
    for (const text of ["x", "0123456789abcdef", '{"a":1}'.repeat(7)]) {
      const c = createCipheriv("aes-128-ecb", key, null);
      const data = Buffer.concat([c.update(text, "utf8"), c.final()]).toString("base64");
      assert.equal(decryptData(data, key, "ecb"), text);
    }
  });
});

describe("tuya events: endpoints and URL (reference §1)", () => {
  it("regions map to the WebSocket hosts; a custom URL gets its trailing slash", () => {
    assert.equal(resolveMqEndpoint("us"), "wss://mqe.tuyaus.com:8285/");
    assert.equal(resolveMqEndpoint("EU"), "wss://mqe.tuyaeu.com:8285/");
    assert.equal(resolveMqEndpoint("cn"), "wss://mqe.tuyacn.com:8285/");
    assert.equal(resolveMqEndpoint("in"), "wss://mqe.tuyain.com:8285/");
    assert.equal(resolveMqEndpoint("sg"), "wss://mqe-sg.iotbing.com:8285/");
    assert.equal(resolveMqEndpoint("ws://127.0.0.1:9000"), "ws://127.0.0.1:9000/");
    assert.throws(() => resolveMqEndpoint("mars"), /wss:\/\//);
  });

  it("the consumer path, subscription and query of the SDKs", () => {
    assert.equal(
      consumerUrl({ endpoint: "wss://mqe.tuyaus.com:8285/", accessId: ACCESS_ID, env: "event" }),
      `wss://mqe.tuyaus.com:8285/ws/v2/consumer/persistent/${ACCESS_ID}/out/event/${ACCESS_ID}-sub?ackTimeoutMillis=30000&subscriptionType=Failover`,
    );
    assert.match(
      consumerUrl({ endpoint: "ws://h/", accessId: "a", env: "event-test", suffix: "nodered", ackTimeoutMs: 10 }),
      /\/out\/event-test\/a-nodered\?ackTimeoutMillis=1000&/,
    );
  });
});

describe("tuya events: frames and envelope", () => {
  it("a full frame is read; a frame without properties still has its id", () => {
    const payload = Buffer.from(JSON.stringify({ data: ECB, protocol: 4, pv: "2.0", sign: "s", t: 1622449865378 })).toString("base64");
    const r = parseFrame(
      JSON.stringify({
        messageId: "CAAQAw==",
        payload,
        properties: { em: "aes_gcm", tid: "x", n: 1 },
        publishTime: "2021-05-31T08:31:05.378Z",
        redeliveryCount: 2,
      }),
    );
    assert.ok("frame" in r);
    assert.deepEqual(r.frame.properties, { em: "aes_gcm", tid: "x" });
    assert.equal(r.frame.redeliveryCount, 2);
    const env = parseEnvelope(r.frame.payload);
    assert.equal(env.protocol, 4);
    assert.equal(env.t, 1622449865378);
    const bare = parseFrame(JSON.stringify({ messageId: "id", payload }));
    assert.ok("frame" in bare && bare.frame.redeliveryCount === 0);
  });

  it("broken frames say why and keep a readable messageId for the ack", () => {
    assert.deepEqual(parseFrame("not json"), { error: "frame is not JSON" });
    assert.deepEqual(parseFrame('{"payload":"x"}'), { error: "frame has no messageId" });
    assert.deepEqual(parseFrame('{"messageId":"m"}'), { error: "frame has no payload", messageId: "m" });
    assert.throws(() => parseEnvelope("!!!"), /base64 JSON/);
    assert.throws(() => parseEnvelope(Buffer.from('{"protocol":4}').toString("base64")), /no data/);
  });
});

describe("tuya events: one event shape for every protocol", () => {
  const T = 1_700_000_000_000;

  it("protocol 4 status report", () => {
    const e = normaliseEvent(4, JSON.parse(PLAIN), 1622449865378, "m1");
    assert.equal(e.type, "status");
    assert.equal(e.deviceId, "devIddevIddevIddevIddevId");
    assert.equal(e.productId, "productKeypro");
    assert.deepEqual(e.status, [{ code: "code", value: 280, time: new Date(1622449865296) }]);
    assert.equal(e.time.getTime(), 1622449865296);
    assert.deepEqual(e.raw, JSON.parse(PLAIN));
  });

  it("protocol 20 online/offline/rename with devId at the top or in bizData", () => {
    assert.equal(normaliseEvent(20, { devId: "d", bizCode: "online", bizData: { time: T / 1000 } }, T + 5, "m").time.getTime(), T);
    const off = normaliseEvent(20, { bizCode: "offline", bizData: { devId: "d2", time: T } }, 0, "m");
    assert.deepEqual([off.type, off.deviceId, off.time.getTime()], ["offline", "d2", T]);
    const name = normaliseEvent(20, { devId: "d", productKey: "p", bizCode: "nameUpdate", bizData: { devId: "d", name: "Kitchen" }, ts: T }, 0, "m");
    assert.deepEqual([name.type, name.deviceName, name.productId, name.bizCode], ["name", "Kitchen", "p", "nameUpdate"]);
    assert.equal(normaliseEvent(20, { devId: "d", bizCode: "bindUser", bizData: {} }, T, "m").type, "bind");
    assert.equal(normaliseEvent(20, { devId: "d", bizCode: "upgradeStatus", bizData: {} }, T, "m").type, "upgradeStatus");
  });

  it("protocol 1000 properties and 1001 lifecycle", () => {
    const p = normaliseEvent(
      1000,
      {
        bizCode: "devicePropertyMessage",
        bizData: { devId: "d", productId: "p", dataId: "x", properties: [{ code: "pir", dpId: 1, time: T, value: "pir" }] },
        ts: T + 9,
      },
      0,
      "m",
    );
    assert.deepEqual([p.type, p.deviceId, p.productId, p.status], ["status", "d", "p", [{ code: "pir", value: "pir", time: new Date(T) }]]);
    const on = normaliseEvent(1001, { bizCode: "deviceOnline", bizData: { devId: "d", productId: "p", uid: "u", time: T } }, 0, "m");
    assert.deepEqual([on.type, on.time.getTime()], ["online", T]);
  });

  it("legacy and IoT Core copies of one report share a content key; other reports do not", () => {
    const legacy = normaliseEvent(4, { devId: "d", productKey: "p", status: [{ code: "pir", t: T, value: "pir", 1: "pir" }] }, T, "a");
    const core = normaliseEvent(
      1000,
      { bizCode: "devicePropertyMessage", bizData: { devId: "d", productId: "p", properties: [{ code: "pir", dpId: 1, time: T, value: "pir" }] } },
      T,
      "b",
    );
    assert.equal(contentKey(legacy), contentKey(core));
    const later = normaliseEvent(4, { devId: "d", status: [{ code: "pir", t: T + 1, value: "none" }] }, T, "c");
    assert.notEqual(contentKey(legacy), contentKey(later));
  });

  it("unknown protocols and data without a device throw", () => {
    assert.throws(() => normaliseEvent(22, { devId: "d" }, T, "m"), UnknownProtocolError);
    assert.throws(() => normaliseEvent(4, { status: [] }, T, "m"), /without a device id/);
    assert.throws(() => normaliseEvent(4, "x", T, "m"), /not an object/);
  });

  it("records: status codes like tuya-status's, lifecycle as one record", () => {
    const e = normaliseEvent(
      4,
      {
        devId: "d",
        status: [
          { code: "switch_1", t: T, value: true },
          { code: "cur_power", t: T + 1, value: 123 },
        ],
      },
      T,
      "m",
    );
    const recs = eventToRecords(e, { deviceName: "Plug" });
    const expected = statusToRecords("d", [{ code: "switch_1", value: true }], { deviceName: "Plug", time: new Date(T) })[0];
    assert.deepEqual(recs[0], { ...expected, extra: { event: "status", protocol: 4 } });
    assert.equal(recs[1].time.getTime(), T + 1);
    const off = eventToRecords(normaliseEvent(20, { devId: "d", bizCode: "offline", bizData: { time: T } }, T, "m"));
    assert.deepEqual([off[0].name, off[0].value], ["online", false]);
    const renamed = eventToRecords(normaliseEvent(20, { devId: "d", bizCode: "nameUpdate", bizData: { name: "New" } }, T, "m"));
    assert.deepEqual([renamed[0].name, renamed[0].value], ["name", "New"]);
  });
});

describe("tuya events: bounded de-duplication", () => {
  it("remembers only the last N keys", () => {
    const r = new RecentKeys(3);
    assert.equal(r.seen("a"), false);
    assert.equal(r.seen("a"), true);
    for (const k of ["b", "c", "d"]) r.seen(k);
    assert.equal(r.size, 3);
    assert.equal(r.seen("a"), false, "a was forgotten");
  });
});
