// An answer's rows held in columns (RowBlock) are cut, ordered and de-duplicated exactly as the
// same rows would be as objects, and come back as the objects the service sent.
import assert from "node:assert/strict";
import fc from "fast-check";
import { sortUnique, type HoboRow } from "../../../src/hobo";
import { RowBlock } from "../../../src/hobo/row-block";

function row(logger: string, sensor: string, minute: number, type = "1", value = minute / 7): HoboRow {
  const ts = `2024-01-01 ${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}:00Z`;
  return { logger_sn: logger, sensor_sn: sensor, timestamp: ts, data_type_id: type, si_value: value, si_unit: "°C", sensor_measurement_type: "T" };
}

describe("hobo RowBlock", () => {
  it("orders and de-duplicates like sortUnique on the objects, keeping every field (property)", () => {
    const arb = fc.array(fc.tuple(fc.constantFrom("L1", "L2"), fc.constantFrom("s1", "s2", "s3"), fc.integer({ min: 0, max: 20 }), fc.constantFrom("1", "4")), {
      maxLength: 300,
    });
    fc.assert(
      fc.property(arb, (tuples) => {
        const rows = tuples.map(([l, s, m, t]) => row(l, s, m, t));
        assert.deepEqual(RowBlock.of(rows).sortUnique().rows(), sortUnique(rows.map((r) => ({ ...r }))));
      }),
    );
  });

  it("cuts by timestamp and finds the latest one among the rows kept", () => {
    const block = RowBlock.of([row("L", "a", 5), row("L", "a", 9), row("L", "b", 1), { logger_sn: "L" }]);
    assert.equal(block.latestTimestamp(), "2024-01-01 00:09:00Z");
    block.keep((t) => t < "2024-01-01 00:09:00Z");
    assert.equal(block.length, 2, "the later row and the row without a timestamp went");
    assert.equal(block.latestTimestamp(), "2024-01-01 00:05:00Z");
    assert.deepEqual(
      block
        .sortUnique()
        .rows()
        .map((r) => [r.sensor_sn, r.timestamp.slice(14, 16)]),
      [
        ["b", "01"],
        ["a", "05"],
      ],
    );
  });

  it("gives new objects on every call, equal to the ones added", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`L${i % 3}`, `s${i % 7}`, i));
    const block = RowBlock.of(rows);
    const first = block.rows();
    assert.deepEqual(first, rows);
    assert.notEqual(block.rows()[0], first[0]);
    assert.equal(RowBlock.of([]).latestTimestamp(), undefined);
  });
});
