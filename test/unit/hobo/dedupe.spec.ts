// Row order and de-duplication on (logger_sn, sensor_sn, timestamp, data_type_id).
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareRows, sortUnique, type HoboRow } from "../../../src/hobo";
import { rowKey } from "../../../src/hobo/dedupe";

function row(logger: string, sensor: string, minute: number, type = "1"): HoboRow {
  const ts = `2024-01-01 ${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}:00Z`;
  return { logger_sn: logger, sensor_sn: sensor, timestamp: ts, data_type_id: type, sensor_measurement_type: "T" };
}

describe("hobo sortUnique", () => {
  it("keeps one row per key, sorted by timestamp then sensor_sn", () => {
    const rows = [row("L", "b", 5), row("L", "a", 5), row("L", "a", 0), row("L", "a", 5), row("L", "a", 5, "4")];
    const out = sortUnique(rows);
    assert.deepEqual(
      out.map((r) => [r.timestamp.slice(11, 16), r.sensor_sn, r.data_type_id]),
      [
        ["00:00", "a", "1"],
        ["00:05", "a", "1"],
        ["00:05", "a", "4"],
        ["00:05", "b", "1"],
      ],
    );
  });

  it("equals the set of distinct keys in sorted order (property)", () => {
    const arb = fc.array(fc.tuple(fc.constantFrom("L1", "L2"), fc.constantFrom("s1", "s2", "s3"), fc.integer({ min: 0, max: 20 }), fc.constantFrom("1", "4")), {
      maxLength: 200,
    });
    fc.assert(
      fc.property(arb, (tuples) => {
        const rows = tuples.map(([l, s, m, t]) => row(l, s, m, t));
        const out = sortUnique([...rows]);
        assert.equal(new Set(out.map(rowKey)).size, out.length);
        assert.deepEqual(new Set(out.map(rowKey)), new Set(rows.map(rowKey)));
        for (let i = 1; i < out.length; i++) assert.ok(compareRows(out[i - 1], out[i]) < 0);
      }),
    );
  });
});
