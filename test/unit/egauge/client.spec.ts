/**
 * The eGauge client against the meter emulator: the ten properties of reference §7 (hash vectors,
 * one shared login, re-login without loops, privilege vs credentials, counters → rates exact,
 * multi-range and delta timestamps, a year of 1-minute data paged without gap or duplicate,
 * sparse idx and renames, http/https/proxy, only the hash leaves), plus pacing and legacy XML.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { EgaugeEmulator, type EgaugeEmulatorOptions } from "../../../src/emulator/egauge";
import { meanReading } from "../../../src/egauge/readings";
import { ApiError, EgaugeClient, digestHash, harvestEgauge, type EgaugeReading, type HistoryPage, type Marks } from "../../../src";

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const tlsDir = join(__dirname, "../../fixtures/egauge-tls");

async function all(pages: AsyncIterable<HistoryPage>): Promise<EgaugeReading[]> {
  const out: EgaugeReading[] = [];
  for await (const p of pages) out.push(...p.readings);
  return out;
}

describe("eGauge client", function () {
  this.timeout(60_000);
  let t = NOW;
  let em: EgaugeEmulator;
  let client: EgaugeClient;
  const clients: EgaugeClient[] = [];
  const open = async (
    options: EgaugeEmulatorOptions = {},
    user = "owner",
    password = "owner-pass",
    extra: Partial<ConstructorParameters<typeof EgaugeClient>[0]> = {},
  ) => {
    em = new EgaugeEmulator({ now: () => t, ...options });
    await em.start();
    client = new EgaugeClient({ url: em.describe().url, user, password, now: () => t, ...extra });
    clients.push(client);
    return client;
  };
  beforeEach(() => (t = NOW));
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await em?.stop();
  });

  it("1. hashes as the documented vectors", () => {
    assert.equal(createHash("md5").update("jane:domain:secret").digest("hex"), "251910de04f5eab86859939167d4fded");
    assert.equal(digestHash("owner", "eGauge Administration", "test123", "test_server_nonce", "test_client_nonce"), "7789cd0487dfeb93711828b0b89913b3");
  });

  it("2. N concurrent requests share exactly one login, with at most 2 requests in flight", async () => {
    await open();
    em.setLatency(15);
    await Promise.all(Array.from({ length: 12 }, () => client.rates(["Grid"])));
    assert.equal(em.stats.logins, 1);
    assert.ok(em.stats.maxInFlight <= 2, `in flight: ${em.stats.maxInFlight}`);
  });

  it("3. logs in again on expiry, after a reboot and after 'Nonce expired.', once and no loops", async () => {
    await open();
    await client.rates();
    t += 600_000;
    await client.rates();
    assert.equal(em.stats.logins, 2, "expired token replaced");
    em.reboot();
    await client.rates();
    assert.equal(em.stats.logins, 3, "revoked token replaced");
    em.revokeTokens();
    em.failNext(1, { status: 200, message: "Nonce expired.", path: "/api/auth/login" });
    await client.rates();
    assert.equal(em.stats.logins, 4);
    em.revokeTokens();
    em.stats.reset();
    em.failNext(5, { status: 200, message: "Nonce expired.", path: "/api/auth/login" });
    await assert.rejects(client.rates(), (err: ApiError) => err.code === "NONCE");
    assert.equal(em.stats.byPath["/api/auth/login"], 2, "one retry, then it stops");
    em.clearFaults();
  });

  it("4. tells a missing privilege apart from bad credentials", async () => {
    await open({}, "viewer", "viewer-pass");
    await assert.rejects(client.transport.getJson("/api/sys/sn"), (err: ApiError) => err.code === "PRIVILEGE" && /view/.test(err.message));
    const info = await client.info();
    assert.deepEqual(info.rights, []);
    assert.equal(info.firmware, undefined);
    const bad = new EgaugeClient({ url: em.url, user: "owner", password: "wrong" });
    clients.push(bad);
    await assert.rejects(bad.rates(), (err: ApiError) => err.code === "AUTH" && /password/.test(err.message) && err.status === 401);
  });

  it("5. Δcounter·quantum/Δt equals the emulated rates; counters above 2^53 stay exact; Δ is taken mod 2^64", async () => {
    await open({
      registers: [
        { name: "Grid", type: "P", idx: 0, did: 0, rate: (s) => 1000 + (s % 7) },
        { name: "Cost", type: "$", idx: 1, did: 1, rate: () => 3 },
      ],
    });
    const rates = await client.rates();
    const hist = await all(client.history(undefined, { start: new Date(NOW - 2000), end: new Date(NOW) }, { resolution: 1 }));
    for (const name of ["Grid", "Cost"]) {
      const last = hist.filter((r) => r.register === name).at(-1)!;
      assert.equal(last.time.getTime(), NOW);
      assert.equal(last.value, rates.find((r) => r.register === name)!.value, name);
    }
    const cost = rates.find((r) => r.register === "Cost")!;
    assert.ok(cost.counter! > 2n ** 53n);
    assert.equal(cost.counter, em.meter.value(em.meter.byName("Cost"), NOW / 1000, false, em.state().epoch));
    const wrapped = meanReading({ name: "Grid", type: "P", idx: 0, virtual: false }, { t: 0, value: 2n ** 63n - 500n }, { t: 1, value: -(2n ** 63n) + 700n });
    assert.equal(wrapped.value, 1200);
  });

  it("6. row times are right across multi-level ranges and delta replies", async () => {
    await open();
    const window = { start: new Date(NOW - 2 * 3600_000), end: new Date(NOW) };
    const plain = await all(client.history(["Grid"], window, { resolution: 1 }));
    const delta = await all(client.history(["Grid"], window, { resolution: 1, delta: true }));
    assert.deepEqual(delta, plain);
    assert.equal(plain[0].intervalSec, 60, "older than the 1 s level: 60 s rows");
    assert.equal(plain.at(-1)!.intervalSec, 1);
    for (let i = 1; i < plain.length; i++) assert.equal(plain[i].time.getTime() - plain[i - 1].time.getTime(), plain[i].intervalSec! * 1000);
    assert.equal(plain[0].time.getTime(), NOW - 2 * 3600_000 + 60_000);
  });

  it("7. a year of 1-minute data comes in bounded pages with no gap or duplicate", async () => {
    await open();
    const start = NOW - 365 * 86400_000;
    let count = 0;
    let prev = start;
    let pages = 0;
    for await (const page of client.history(["Grid"], { start: new Date(start), end: new Date(NOW) }, { resolution: 60, pageRows: 10_000 })) {
      pages++;
      for (const r of page.readings) {
        assert.equal(r.time.getTime() - prev, 60_000);
        prev = r.time.getTime();
        count++;
      }
    }
    assert.equal(count, 365 * 1440);
    assert.equal(pages, Math.ceil((365 * 1440) / 10_000));
    assert.ok(em.stats.registerQueries.every((q) => !q.includes("time=") || /max-rows=10001/.test(q)));
  });

  it("7b. 'auto' resolution reads the finest level kept for each age", async () => {
    await open();
    const readings = await all(client.history(["Grid"], { start: new Date(NOW - 3 * 86400_000), end: new Date(NOW) }));
    assert.deepEqual([...new Set(readings.map((r) => r.intervalSec))], [60, 1]);
    assert.equal(readings.at(-1)!.time.getTime(), NOW);
  });

  it("8. sparse idx, and a rename with a new idx found again by did", async () => {
    await open();
    const regs = await client.registers({ virtual: true });
    assert.deepEqual(
      regs.map((r) => [r.name, r.idx, r.did]),
      [
        ["Grid", 0, 0],
        ["Solar", 3, 2],
        ["L1", 7, 5],
        ["Temp", 12, 9],
        ["use", 14, undefined],
      ],
    );
    const before = await client.rates(["Solar"]);
    em.renameRegister("Solar", "PV", 5);
    const after = await client.rates(["Solar"]);
    assert.equal(after[0].register, "PV");
    assert.equal(after[0].value, before[0].value);
    assert.ok(em.stats.registerQueries.at(-1)!.startsWith("reg=none%2B5"));
  });

  it("9. works over https with a self-signed certificate (trusted or by CA) and via the proxy prefix", async () => {
    const tls = { key: readFileSync(join(tlsDir, "key.pem")), cert: readFileSync(join(tlsDir, "cert.pem")) };
    await open({ tls }, "owner", "owner-pass", { allowSelfSigned: true });
    assert.match(em.url, /^https:/);
    assert.equal((await client.rates(["Grid"])).length, 1);
    const strict = new EgaugeClient({ url: em.url, user: "owner", password: "owner-pass" });
    clients.push(strict);
    await assert.rejects(strict.rates(), /certificate/i);
    const byCa = new EgaugeClient({ url: em.url, user: "owner", password: "owner-pass", ca: tls.cert.toString() });
    clients.push(byCa);
    assert.equal((await byCa.rates(["Grid"])).length, 1);
    await em.stop();
    await open({ proxyPrefix: "/D1234" });
    const bare = new EgaugeClient({ url: em.url, user: "owner", password: "owner-pass" });
    clients.push(bare);
    assert.equal((await bare.rates(["Grid"])).length, 1);
    assert.equal(bare.transport.url, `${em.url}/D1234`);
    assert.equal((await client.rates(["Grid"])).length, 1, "a URL with the prefix works at once");
  });

  it("10. only the hash leaves: the password is in no request", async () => {
    await open();
    await client.rates();
    assert.equal(em.stats.loginBodies.length, 1);
    const body = JSON.parse(em.stats.loginBodies[0]) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ["cnnc", "hash", "nnc", "rlm", "usr"]);
    assert.ok(!em.stats.loginBodies[0].includes("owner-pass"));
    assert.ok(!em.stats.registerQueries.join().includes("owner-pass"));
  });

  it("totals since the start of today, this week and this month in the meter's zone", async () => {
    await open({ timeZone: "America/Denver" });
    const totals = await client.totals(["Grid"], ["today", "week", "month"]);
    assert.deepEqual(
      totals.map((x) => x.period),
      ["today", "week", "month"],
    );
    assert.equal(totals[0].from.toISOString(), "2026-06-15T06:00:00.000Z", "midnight in Denver (UTC-6 in June)");
    assert.equal(totals[2].from.toISOString(), "2026-06-01T06:00:00.000Z");
    assert.equal(totals[0].energyUnit, "kWh");
    const hourly = await all(client.history(["Grid"], { start: totals[0].from, end: new Date(NOW) }, { resolution: 60 }));
    const sum = hourly.reduce((a, r) => a + r.energy!, 0);
    assert.ok(Math.abs(sum - totals[0].energy!) < 1e-9, `${sum} vs ${totals[0].energy}`);
  });

  it("falls back to the legacy XML API on a meter without /api", async () => {
    await open({ jsonApi: false });
    assert.equal(await client.api(), "xml");
    const rates = await client.rates(["Grid"]);
    assert.equal(rates[0].unit, "W");
    const readings = await all(client.history(["Grid"], { start: new Date(NOW - 3600_000), end: new Date(NOW) }, { resolution: 60 }));
    assert.equal(readings.length, 60);
    assert.equal(readings.at(-1)!.time.getTime(), NOW);
  });

  it("since the last run (the pack's harvest): runs with a failure in between emit every minute of every register once", async () => {
    await open();
    let marks: Marks = {};
    const seen = new Map<string, number>();
    let failures = 0;
    for (let i = 1; i <= 12; i++) {
      t = NOW + i * 10 * 60_000;
      if (i === 5) em.failNext(3, { status: 500, path: "/api/register" });
      const run = harvestEgauge(client, ["Grid", "Solar"], { window: { start: NOW - 3600_000, end: t }, marks }, { resolution: 60, pageRows: 7 });
      try {
        for await (const batch of run) {
          for (const r of batch.readings) seen.set(`${r.register}@${r.time.getTime()}`, (seen.get(`${r.register}@${r.time.getTime()}`) ?? 0) + 1);
          batch.commit();
        }
      } catch {
        failures++;
      }
      marks = run.marks();
    }
    assert.equal(failures, 1);
    assert.deepEqual(
      [...seen].filter(([, n]) => n > 1),
      [],
    );
    assert.equal(seen.size, 2 * (60 + 120));
  });

  it("refuses plain http to another host unless allowed", () => {
    assert.throws(() => new EgaugeClient({ url: "http://192.0.2.7", user: "u", password: "p" }), /plain http/);
    assert.doesNotThrow(() => new EgaugeClient({ url: "http://192.0.2.7", user: "u", password: "p", allowHttp: true }));
  });
});
