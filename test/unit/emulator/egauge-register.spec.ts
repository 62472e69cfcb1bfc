/**
 * eGauge emulator, GET /api/register (reference §3.1): the reg and time grammars, multi-level
 * ranges, delta, max-rows, raw vs epoch-relative counters, virtual registers, and counters that
 * integrate the reported rates exactly (one above 2^53, one wrapping at 2^63).
 */
import assert from "node:assert/strict";
import { EgaugeEmulator } from "../../../src/emulator/egauge";
import { login, register, rowsOf } from "./egauge-test-client";

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0) / 1000;

describe("eGauge emulator: /api/register", () => {
  let t = NOW * 1000;
  const em = new EgaugeEmulator({ now: () => t, timeZone: "Europe/Berlin", wrap: { register: "Grid", at: NOW - 1800 } });
  let auth: Record<string, string>;
  before(async () => {
    await em.start();
    auth = await login(em);
  });
  after(() => em.stop());
  beforeEach(() => (t = NOW * 1000));

  it("selects registers with all/none/n/n0:n1 and +/- terms, + sent raw or as %2B", async () => {
    const names = async (q: string) => (await register(em, auth, q)).registers!.map((r) => r.name);
    assert.deepEqual(await names("reg=all"), ["Grid", "Solar", "L1", "Temp"]);
    assert.deepEqual(await names("reg=none+0+7"), ["Grid", "L1"]);
    assert.deepEqual(await names("reg=none%2B0%2B7"), ["Grid", "L1"]);
    assert.deepEqual(await names("reg=all-0:7"), ["Temp"]);
    assert.deepEqual(await names("reg=3:12-7"), ["Solar", "Temp"]);
    assert.deepEqual(await names("reg=all&virtual=value"), ["Grid", "Solar", "L1", "Temp", "use"]);
    assert.equal((await register(em, auth, "reg=all&virtual=formula")).registers![4].formula, '+"Grid"+"Solar"');
    assert.match((await register(em, auth, "reg=bogus")).error!, /register selection/);
    assert.deepEqual(Object.keys(await register(em, auth, "reg=none")), ["ts"]);
  });

  it("reports ids, sparse idx and rates; counters integrate those rates exactly", async () => {
    const reply = await register(em, auth, "reg=all&rate&virtual=value&time=now-1::now");
    assert.deepEqual(
      reply.registers!.map((r) => [r.idx, r.did]),
      [
        [0, 0],
        [3, 2],
        [7, 5],
        [12, 9],
        [14, undefined],
      ],
    );
    const [[t0, young], [t1, old]] = rowsOf(reply);
    assert.equal(t0 - t1, 1);
    const quanta = [1, 1, 0.001, 0.001, 1];
    reply.registers!.forEach((r, i) => assert.equal(Number(young[i] - old[i]) * quanta[i], r.rate, r.name));
    assert.ok(reply.registers![1].rate! < 0, "Solar runs negative");
    assert.equal(young[4], young[0] + young[1], "use = Grid + Solar");
  });

  it("rows run young → old on the step grid; start off the grid is dropped; max-rows keeps the youngest", async () => {
    const reply = await register(em, auth, "reg=0&time=now-125:60:now");
    assert.deepEqual(
      rowsOf(reply).map(([ts]) => ts),
      [NOW, NOW - 60, NOW - 120],
    );
    const capped = await register(em, auth, "reg=0&time=now-3000:1:now&max-rows=7");
    assert.deepEqual(
      rowsOf(capped).map(([ts]) => NOW - ts),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.match((await register(em, auth, "reg=0&time=now:60:now-600")).error!, /starts after it stops/);
  });

  it("splits one range into levels: 1 s while the volatile level holds, then 60 s", async () => {
    const reply = await register(em, auth, "reg=0&time=now-3720:1:now");
    assert.deepEqual(
      reply.ranges!.map((r) => r.delta),
      [1, 60],
    );
    const times = rowsOf(reply).map(([ts]) => ts);
    assert.deepEqual(
      [...times].sort((a, b) => b - a),
      times,
    );
    assert.equal(new Set(times).size, times.length);
    assert.ok(times.at(-1)! <= NOW - 3660 && times.at(-1)! % 60 === 0);
    em.reboot();
    const after = await register(await em, await login(em), "reg=0&time=now-5:1:now");
    assert.deepEqual(
      after.ranges!.map((r) => r.delta),
      [60],
      "a reboot clears the 1 s level",
    );
    auth = await login(em);
  });

  it("rounds a time between rows down, and up with a leading +", async () => {
    const down = await register(em, auth, "reg=0&time=now-7230");
    const up = await register(em, auth, "reg=0&time=%2Bnow-7230");
    assert.equal(Number(down.ranges![0].ts), NOW - 7260);
    assert.equal(Number(up.ranges![0].ts), NOW - 7200);
  });

  it("knows now, epoch, sod/som in the meter's zone, offsets and a::b", async () => {
    const reply = await register(em, auth, "reg=0&time=sod,som,epoch,sod-1d::now");
    const ts = reply.ranges!.map((r) => Number(r.ts));
    assert.equal(ts[0], Date.UTC(2026, 5, 14, 22) / 1000, "midnight in Berlin (UTC+2)");
    assert.equal(ts[1], Date.UTC(2026, 4, 31, 22) / 1000);
    assert.equal(rowsOf(reply).at(-1)![0], Date.UTC(2026, 5, 13, 22) / 1000);
    assert.equal(reply.ranges![3].rows.length, 2);
    assert.deepEqual(rowsOf(reply)[2][1], [0n], "epoch-relative counters are 0 at the epoch");
  });

  it("delta: the first row absolute, later rows differences (negative, rows run old-wards)", async () => {
    const plain = rowsOf(await register(em, auth, "reg=0:3&time=now-180:60:now"));
    const delta = rowsOf(await register(em, auth, "reg=0:3&time=now-180:60:now&delta"));
    assert.deepEqual(delta[0][1], plain[0][1]);
    for (let i = 1; i < plain.length; i++)
      assert.deepEqual(
        delta[i][1],
        plain[i][1].map((v, k) => v - plain[i - 1][1][k]),
      );
    assert.ok(delta[1][1][0] < 0n);
  });

  it("raw counters count from DB creation, wrap at 2^63 and stay exact above 2^53", async () => {
    const raw = rowsOf(await register(em, auth, "reg=0&raw&time=now-1800,now-1860"));
    assert.equal(raw[0][1][0], -(2n ** 63n), "Grid passes 2^63 at the configured time");
    assert.ok(raw[1][1][0] > 2n ** 53n);
    const diff = BigInt.asIntN(64, raw[0][1][0] - raw[1][1][0]);
    assert.ok(diff > 0n && diff < 60n * 5000n, `a minute of Grid power, mod 2^64: ${diff}`);
    const rel = rowsOf(await register(em, auth, "reg=0&time=now-1800,now-1860"));
    assert.equal(rel[0][1][0] - rel[1][1][0], diff, "raw and epoch-relative differ by a constant");
  });
});
