/**
 * egauge-config and egauge-data through the test helper against the meter emulator: each mode
 * (rates, history, totals) and output format, bad input refused before any request, meter errors
 * told apart (password, privilege), incremental runs over hours across a failed run and a
 * restart on a persistent context store (every minute exactly once), and the config's admin
 * routes (test connection, register list) that never answer with a secret.
 */
import assert from "node:assert/strict";
import { useEgaugeEmulator } from "../support/egauge-suite";
import { helper } from "../support/node-red";
import { assertInputErrorBeforeSending, loadContextStores, usePersistentContext } from "../support/node-runs";
import { probe, probeNodes } from "../support/probe";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";

type Flow = Parameters<typeof helper.load>[1];
type Rec = { time: string; source: string; device: string; sensor: string; name: string; value: number; unit: string; extra: Record<string, unknown> };
const MIN = 60_000;
const T0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 86_400_000;

describe("egauge-data node", function () {
  this.timeout(60_000);
  let frozen: number | undefined = T0;
  const emulator = useEgaugeEmulator({ now: () => frozen ?? Date.now() });
  afterEach(() => (frozen = T0));

  async function load(
    props: Record<string, unknown>,
    creds: Record<string, string> = { user: "owner", password: "owner-pass" },
    withConfig = true,
  ): Promise<void> {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "egauge-config", name: "Lab meter", meter: emulator().url, tls: "verify", timeout: 10 },
      {
        id: "n1",
        type: "egauge-data",
        z: "t1",
        egauge: withConfig ? "cfg" : "",
        registers: ["Grid", "Solar"],
        mode: "rates",
        resolution: "60",
        window: "relative",
        span: "-1h",
        end: "end",
        endType: "msg",
        format: "records",
        output: "all",
        ...props,
        wires: [["h1"]],
      },
      ...probeNodes("n1"),
    ];
    await helper.load([egaugeConfig, egaugeData], flow as unknown as Flow, { cfg: creds });
  }
  const n1 = probe("n1");
  const run = (msg: Record<string, unknown> = { end: frozen }) => n1.run(msg);

  it("rates: one record per register with its unit, named after the meter", async () => {
    await load({ registers: ["Grid", "L1", "Temp"] });
    const { out, caught } = await run();
    assert.equal(caught, undefined);
    const recs = out[0].payload as Rec[];
    assert.deepEqual(
      recs.map((r) => [r.name, r.unit]),
      [
        ["Grid", "W"],
        ["L1", "V"],
        ["Temp", "°C"],
      ],
    );
    assert.ok(recs.every((r) => r.device === "Lab meter" && r.source === "egauge" && r.time === new Date(T0).toISOString()));
  });

  it("history: a relative hour at 1 minute, as mean power or as energy, in every format", async () => {
    await load({ mode: "history", registers: ["Grid"] });
    const rates = (await run()).out[0].payload as Rec[];
    assert.equal(rates.length, 60);
    assert.equal(rates.at(-1)!.time, new Date(T0).toISOString());
    assert.ok(rates.every((r) => r.unit === "W" && r.extra.intervalSec === 60));
    await helper.unload();
    await load({ mode: "history", registers: ["Grid"], quantity: "energy", format: "influx", measurement: "power" });
    const points = (await run()).out[0].payload as { measurement: string; fields: { value: number }; tags: Record<string, string> }[];
    assert.equal(points.length, 60);
    assert.equal(points[0].measurement, "power");
    assert.equal(points[0].tags.unit, "kWh");
    points.forEach((p, i) => assert.ok(Math.abs(p.fields.value - rates[i].value / 60_000) < 1e-9, "kWh = mean W × 1/60 h / 1000"));
    await helper.unload();
    await load({ mode: "history", registers: ["Grid"], format: "messages", span: "-10m" });
    const msgs = (await run()).out;
    assert.equal(msgs.length, 10);
    assert.equal(msgs[0].topic, "Lab meter/Grid");
  });

  it("totals: today, this week and this month in kWh", async () => {
    await load({ mode: "totals", registers: ["Grid"], periods: ["today", "month"], format: "raw" });
    const raw = (await run()).out[0].payload as { register: string; period: string; energy: number; energyUnit: string; counter: string }[];
    assert.deepEqual(
      raw.map((r) => r.period),
      ["today", "month"],
    );
    assert.equal(raw[0].energyUnit, "kWh");
    assert.ok(raw[1].energy >= raw[0].energy && raw[0].energy > 0);
    assert.equal(typeof raw[0].counter, "string");
  });

  for (const [props, msg, pattern] of [
    [{ mode: "history" }, { resolution: 7 }, /Unknown resolution/],
    [{ registersFromType: "msg", registersFrom: "registers" }, { registers: [1, 2] }, /names/],
    [{ mode: "history", window: "absolute", start: "2026-01-02", end: "2026-01-01", endType: "str" }, {}, /end|start/i],
  ] as const) {
    it(`bad input ${JSON.stringify(msg)} ends in one error before any request`, async () => {
      await load(props);
      emulator().stats.reset();
      assertInputErrorBeforeSending(await run({ end: frozen, ...msg }), pattern);
      assert.equal(emulator().stats.requests, 0);
    });
  }

  describe("max rows", () => {
    // A week at 1 minute of one register: 10,080 readings in pages of 3600 rows (3600, 3600, 2880).
    const week = { mode: "history", registers: ["Grid"], resolution: "60", span: "-7d", format: "raw" };
    const pageQueries = () => emulator().stats.registerQueries.filter((q) => /max-rows=/.test(q)).length;

    it("all at once: fails with the cap's error as soon as a page passes it, before the next page is asked; one message per page streams the same window", async () => {
      await load({ ...week, maxRows: "5000" });
      emulator().stats.reset();
      assertInputErrorBeforeSending(await run(), /More than 5000 readings for one message/);
      assert.equal(pageQueries(), 2, "the first page was kept, the second passed the cap, the third was never asked");
      await helper.unload();
      await load({ ...week, maxRows: "5000", output: "page" });
      emulator().stats.reset();
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      assert.deepEqual(
        out.map((m) => (m.payload as unknown[]).length),
        [3600, 3600, 2880],
      );
      assert.equal(pageQueries(), 3);
    });

    for (const maxRows of ["abc", "0"]) {
      it(`an invalid max rows ${JSON.stringify(maxRows)} ends in one error before any request`, async () => {
        await load({ ...week, maxRows });
        emulator().stats.reset();
        assertInputErrorBeforeSending(await run(), /"Max rows" must be empty \(100,000\) or a whole number/);
        assert.equal(emulator().stats.requests, 0);
      });
    }
  });

  it("without a config node, and with a wrong password or a missing privilege, the error says which", async () => {
    await load({}, undefined, false);
    assert.match(String((await run()).caught?.error.message), /No egauge-config/);
    await helper.unload();
    await load({}, { user: "owner", password: "wrong" });
    assert.match(String((await run()).caught?.error.message), /user name and password/);
  });

  describe("since the last successful run", () => {
    const persistent = usePersistentContext("egauge-data-ctx-");
    async function start(): Promise<void> {
      helper.settings(persistent());
      await load({ mode: "history", window: "incremental", lookback: "-1h", store: "file", registers: ["Grid", "Solar"], format: "raw" });
      await loadContextStores();
    }

    it("runs every 5 minutes for 6 hours send every minute exactly once, across a failed run and a restart", async () => {
      await start();
      const seen = new Map<string, number>();
      let failed = 0;
      for (let i = 0; i <= 72; i++) {
        frozen = T0 + i * 5 * MIN;
        if (i === 20) emulator().failNext(3, { status: 500, path: "/api/register" });
        if (i === 40) {
          await helper.unload();
          await start();
        }
        const { out, caught } = await run({ end: frozen });
        if (caught) {
          failed++;
          assert.equal(out.length, 0);
          continue;
        }
        for (const m of out)
          for (const r of m.payload as { register: string; time: Date }[]) {
            const key = `${r.register}@${new Date(r.time).getTime()}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
      }
      assert.equal(failed, 1);
      assert.deepEqual(
        [...seen].filter(([, n]) => n > 1),
        [],
        "no reading twice",
      );
      for (const reg of ["Grid", "Solar"]) {
        const times = [...seen.keys()]
          .filter((k) => k.startsWith(`${reg}@`))
          .map((k) => Number(k.split("@")[1]))
          .sort((a, b) => a - b);
        assert.equal(times.length, 60 + 72 * 5, `every minute of ${reg}`);
        assert.equal(times[0], T0 - 59 * MIN);
      }
    });

    it("a first run that fails before anything is sent: the next run starts where the first one started, not at its own look-back", async () => {
      await start();
      emulator().failNext(3, { status: 500, path: "/api/register" });
      const first = await run({ end: T0 });
      assert.ok(first.caught, "the first run fails");
      assert.equal(first.out.length, 0);
      // Its own look-back would start at T0 - 30 min: the first run's first half hour would never be asked for.
      frozen = T0 + 30 * MIN;
      const second = await run({ end: frozen });
      assert.equal(second.caught, undefined);
      for (const reg of ["Grid", "Solar"]) {
        const times = second.out.flatMap((m) =>
          (m.payload as { register: string; time: Date }[]).filter((r) => r.register === reg).map((r) => new Date(r.time).getTime()),
        );
        assert.equal(Math.min(...times), T0 - 59 * MIN, `${reg} from the first run's start`);
        assert.equal(new Set(times).size, 60 + 30, `every minute of ${reg} once`);
      }
    });
  });

  describe("egauge-config admin routes", () => {
    it("test connection reports firmware and rights; the register list feeds the dialog; no secret in answers", async () => {
      await load({});
      const body = { id: "cfg", meter: emulator().url, tls: "verify", timeout: 10, user: "owner", password: "__PWRD__" };
      const test = await helper.request().post("/egauge-config/test").send(body).expect(200);
      assert.equal(test.body.firmware, "4.6.2");
      assert.deepEqual(test.body.rights, ["save", "ctrl", "view_settings"]);
      const regs = await helper.request().post("/egauge-config/registers").send({ id: "cfg", meter: emulator().url }).expect(200);
      assert.deepEqual(
        regs.body.map((r: { name: string }) => r.name),
        ["Grid", "Solar", "L1", "Temp", "use"],
      );
      const viewer = await helper.request().post("/egauge-config/test").send({ meter: emulator().url, user: "viewer", password: "viewer-pass" }).expect(200);
      assert.deepEqual(viewer.body.rights, []);
      const bad = await helper.request().post("/egauge-config/test").send({ meter: emulator().url, user: "owner", password: "hunter2-wrong" }).expect(400);
      assert.match(bad.body.error, /password/);
      assert.ok(!JSON.stringify(bad.body).includes("hunter2-wrong"));
    });
  });
});
