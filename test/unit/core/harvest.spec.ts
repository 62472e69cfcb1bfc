/**
 * The incremental harvest's promise, proved for any schedule (fast-check): wherever runs are cut
 * (page caps), whatever fails in between (a source error after some pages, a consumer that had
 * committed only part of a run), and whatever arrives late within the settle time, the union of
 * what the runs emitted equals the window's readings, none twice. For sources listing newest
 * first (Tuya) and oldest first (HOBOlink windows), one series per query or grouped.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { Harvest, type HarvestQuery, type HarvestSource } from "../../../src/core/harvest";
import type { Marks } from "../../../src/core/marks";
import { readHoboMarks } from "../../../src/hobo";

interface Reading {
  series: string;
  time: number;
  key: string;
  /** When the source starts listing it (time <= arrival <= time + settle). */
  arrival: number;
}

interface Page {
  readings: Reading[];
  truncated: boolean;
}

/** A cloud in miniature: lists what has arrived by `now`, in pages, newest or oldest first, with a page cap and a failure. */
/** repeatEdge: each page repeats the previous page's last reading first (as windows or pages that touch at one instant may). */
function source(
  all: Reading[],
  order: "newest-first" | "oldest-first",
  pageSize: number,
  maxPages: number | undefined,
  state: { now: number; failAfter?: number },
  repeatEdge = false,
): HarvestSource<Reading, Page> {
  return {
    order,
    async *read(q: HarvestQuery) {
      const list = all
        .filter((r) => q.series.includes(r.series) && r.arrival <= state.now && r.time >= q.start && r.time <= q.end)
        .sort((a, b) => (order === "newest-first" ? b.time - a.time : a.time - b.time) || a.key.localeCompare(b.key));
      for (let i = 0, page = 0; i < list.length || page === 0; i += pageSize, page += 1) {
        if (state.failAfter !== undefined && state.failAfter-- <= 0) throw new Error("source failure");
        const truncated = maxPages !== undefined && page + 1 >= maxPages && i + pageSize < list.length;
        yield { readings: [...(repeatEdge && i > 0 ? [list[i - 1]] : []), ...list.slice(i, i + pageSize)], truncated };
        if (truncated) return;
      }
    },
    readings: (p) => p.readings,
    truncated: (p) => p.truncated,
    series: (r) => r.series,
    time: (r) => r.time,
    key: (r) => r.key,
  };
}

const SERIES = ["a", "b", "c"];

const readingsArb = (settle: number) =>
  fc
    .uniqueArray(
      fc.record({
        series: fc.constantFrom(...SERIES),
        time: fc.integer({ min: 0, max: 40 }),
        key: fc.constantFrom("k1", "k2", "k3"),
        late: fc.integer({ min: 0, max: settle }),
      }),
      { selector: (r) => `${r.series}|${r.time}|${r.key}`, minLength: 10, maxLength: 100 },
    )
    .map((list) => list.map(({ late, ...r }): Reading => ({ ...r, arrival: r.time + late })));

interface RunPlan {
  at: number;
  /** Source pages before it fails (undefined: no failure). */
  failAfter?: number;
  /** Commit each batch once seen (streaming) or all at the end (all at once). */
  streaming: boolean;
}

const planArb = fc.array(
  fc.record({ at: fc.integer({ min: 0, max: 46 }), failAfter: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), streaming: fc.boolean() }),
  { minLength: 2, maxLength: 14 },
);

async function harvestAll(
  all: Reading[],
  plans: RunPlan[],
  o: { order: "newest-first" | "oldest-first"; shareMs?: number; settle: number; pageSize: number; maxPages?: number; repeatEdge?: boolean },
): Promise<Map<string, number>> {
  const emitted = new Map<string, number>();
  const state: { now: number; failAfter?: number } = { now: 0 };
  const src = source(all, o.order, o.pageSize, o.maxPages, state, o.repeatEdge);
  let marks: Marks = {};
  const runOnce = async (plan: RunPlan) => {
    state.now = plan.at;
    state.failAfter = plan.failAfter;
    const run = new Harvest(src, SERIES, { window: { start: 0, end: plan.at }, marks, settleMs: o.settle, shareMs: o.shareMs });
    const held: { readings: Reading[]; commit(): void }[] = [];
    const emit = (b: { readings: Reading[]; commit(): void }) => {
      for (const r of b.readings) emitted.set(`${r.series}|${r.time}|${r.key}`, (emitted.get(`${r.series}|${r.time}|${r.key}`) ?? 0) + 1);
      b.commit();
    };
    try {
      for await (const b of run) {
        if (plan.streaming) emit(b);
        else held.push(b);
      }
      held.forEach(emit);
    } catch {
      // a failed run: what was streamed counts, what was held is not sent
    }
    // Marks go through JSON, as in a persistent context store.
    marks = JSON.parse(JSON.stringify(run.marks())) as Marks;
    return run.queries.some((q) => q.truncated) || Object.values(marks).some((m) => m.gap);
  };
  const sorted = [...plans].sort((a, b) => a.at - b.at);
  for (const plan of sorted) await runOnce(plan);
  // Catching up once everything has arrived: runs without failures until nothing is owed.
  const end = 41 + o.settle;
  for (let i = 0; i < 500 && (await runOnce({ at: end, streaming: true })); i++);
  return emitted;
}

function expectExactlyOnce(all: Reading[], emitted: Map<string, number>): void {
  assert.deepEqual(
    [...emitted].filter(([, n]) => n > 1),
    [],
    "nothing twice",
  );
  assert.deepEqual([...emitted.keys()].sort(), all.map((r) => `${r.series}|${r.time}|${r.key}`).sort(), "every reading of the window");
}

describe("incremental harvest (src/core/harvest.ts, marks.ts): every reading exactly once", () => {
  const cases: [string, { order: "newest-first" | "oldest-first"; shareMs?: number }][] = [
    ["newest first, one series per query (Tuya's logs)", { order: "newest-first" }],
    ["oldest first, series grouped (HOBOlink windows)", { order: "oldest-first", shareMs: 10 }],
    ["oldest first, one series per query", { order: "oldest-first" }],
    ["newest first, series grouped", { order: "newest-first", shareMs: 5 }],
  ];
  for (const [label, shape] of cases) {
    it(`${label}: runs cut anywhere, failures between, late arrivals within the settle time`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 3 }).chain((settle) => fc.tuple(fc.constant(settle), readingsArb(settle))),
          planArb,
          fc.integer({ min: 2, max: 4 }),
          fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
          fc.boolean(),
          async ([settle, all], plans, pageSize, extraPages, repeatEdge) => {
            // A page cap must hold more than what a walk re-reads before getting anywhere new: up to
            // 3 readings an instant over the settle span and the instant it stops at, per series asked together.
            const together = shape.shareMs === undefined ? 1 : SERIES.length;
            const maxPages = extraPages === undefined ? undefined : Math.ceil((3 * together * (settle + 2) + 1) / pageSize) + extraPages;
            expectExactlyOnce(all, await harvestAll(all, plans, { ...shape, settle, pageSize, maxPages, repeatEdge }));
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it("without a settle time, a reading filed later than a newer one is lost: the settle time is what saves it", async () => {
    const all: Reading[] = [
      { series: "a", time: 10, key: "k1", arrival: 10 },
      { series: "a", time: 8, key: "k1", arrival: 12 },
    ];
    const plans = [{ at: 10, streaming: true }];
    const lost = await harvestAll(all, plans, { order: "newest-first", settle: 0, pageSize: 5 });
    assert.equal(lost.has("a|8|k1"), false);
    expectExactlyOnce(all, await harvestAll(all, plans, { order: "newest-first", settle: 4, pageSize: 5 }));
  });

  for (const order of ["oldest-first", "newest-first"] as const) {
    it(`a long walk (${order}) holds the ids of one page, not of every reading, and still drops the repeats where pages touch`, async () => {
      // 400 pages of 50 readings (10 instants of 5 readings), each page repeating the last reading before it.
      const all: Reading[] = [];
      for (let t = 0; t < 4000; t++) for (const key of ["k1", "k2", "k3", "k4", "k5"]) all.push({ series: "a", time: t, key, arrival: t });
      const run = new Harvest(source(all, order, 50, undefined, { now: 4000 }, true), ["a"], { window: { start: 0, end: 4000 } });
      const emitted = new Set<string>();
      let most = 0;
      for await (const b of run) {
        for (const r of b.readings) {
          const id = `${r.time}|${r.key}`;
          assert.equal(emitted.has(id), false, `${id} twice`);
          emitted.add(id);
        }
        b.commit();
        most = Math.max(most, run.heldIds);
      }
      assert.equal(emitted.size, all.length);
      // A page's readings at most, plus the instant it stops at: never the 20,000 readings of the walk.
      assert.ok(most <= 55, `held ${most} ids at most`);
      assert.deepEqual(run.marks(), { a: { ts: 3999, keys: ["3999|k1", "3999|k2", "3999|k3", "3999|k4", "3999|k5"] } });
    });
  }

  it("marks stored by earlier hobo-data versions (keys without their time) read as ids at the mark", () => {
    assert.deepEqual(readHoboMarks({ "21092695": { ts: 1000, keys: ["21092695-1|1"] }, bad: "x" }), { "21092695": { ts: 1000, keys: ["1000|21092695-1|1"] } });
  });
});
