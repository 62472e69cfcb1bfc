// Rows kept in columns come back exactly as they went in: same keys in the same order, same
// values and types, whatever mix of shapes and value kinds one answer holds.
import assert from "node:assert/strict";
import fc from "fast-check";
import { RowColumns } from "../../../src/core/row-columns";

function roundTrip(rows: unknown[]): unknown[] {
  const columns = new RowColumns();
  for (const row of rows) columns.add(row);
  return rows.map((_, i) => columns.row(i));
}

describe("RowColumns", () => {
  it("gives back HOBOlink rows with their keys in order and their number and null values", () => {
    const rows = [
      { logger_sn: "21001", sensor_sn: "21001-1", timestamp: "2024-01-01 00:00:00Z", data_type_id: "1", si_value: 21.5, scaled_value: 0, scaled_unit: null },
      { logger_sn: "21001", sensor_sn: "21001-2", timestamp: "2024-01-01 00:00:00Z", data_type_id: "1", si_value: -0.125, scaled_value: 0, scaled_unit: "kPa" },
    ];
    const back = roundTrip(rows);
    assert.deepEqual(back, rows);
    assert.deepEqual(Object.keys(back[0] as object), Object.keys(rows[0]));
    assert.notEqual(back[0], rows[0], "a new object");
  });

  it("keeps a number column's odd cells (null, text) and a text column's numbers as they were", () => {
    const rows = [
      { v: 1.5, u: "a" },
      { v: null, u: 2 },
      { v: "n/a", u: "a" },
      { v: 3, u: null },
    ];
    assert.deepEqual(roundTrip(rows), rows);
  });

  it("keeps rows of other shapes, key orders and rows that are not objects", () => {
    const rows = [
      { a: 1, b: "x" },
      { b: "x", a: 1 },
      { a: 2 },
      { a: 3, b: "y", c: [1, { d: true }] },
      [1, 2],
      "text",
      7,
      null,
      { a: 4, b: "z" },
      { ["__proto__"]: 5 },
    ];
    const back = roundTrip(JSON.parse(JSON.stringify(rows)) as unknown[]);
    assert.deepEqual(back, JSON.parse(JSON.stringify(rows)));
    assert.deepEqual(Object.keys(back[1] as object), ["b", "a"]);
    assert.equal(Object.getPrototypeOf(back[9]), Object.prototype, "a __proto__ key is an own field, not the prototype");
    assert.deepEqual(Object.keys(back[9] as object), ["__proto__"]);
  });

  it("widens a column's indexes past 256 and 65,536 distinct values", () => {
    const rows = Array.from({ length: 70_000 }, (_, i) => ({ t: `t${i}`, s: `s${i % 300}` }));
    const columns = new RowColumns();
    for (const row of rows) columns.add(row);
    for (const i of [0, 255, 256, 299, 65_535, 65_536, 69_999]) assert.deepEqual(columns.row(i), rows[i]);
  });

  it("reads one field by row number, undefined for rows without it", () => {
    const columns = new RowColumns();
    for (const row of [{ t: "a", v: 1 }, { v: 2 }, "x", { t: "b" }]) columns.add(row);
    const t = columns.field("t");
    assert.deepEqual([0, 1, 2, 3].map(t), ["a", undefined, undefined, "b"]);
    assert.deepEqual([0, 1, 2, 3].map(columns.field("none")), [undefined, undefined, undefined, undefined]);
  });

  it("gives back any JSON rows as they went in (property)", () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
    );
    const row = fc.oneof(fc.dictionary(fc.constantFrom("a", "b", "c", "timestamp", "value"), value), value);
    fc.assert(
      fc.property(fc.array(row, { maxLength: 3000 }), (generated) => {
        // As JSON.parse makes them (plain objects).
        const rows = JSON.parse(JSON.stringify(generated)) as unknown[];
        assert.deepEqual(roundTrip(rows), rows);
      }),
      { numRuns: 60 },
    );
  });
});
