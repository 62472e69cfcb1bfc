import assert from "node:assert/strict";
import { onlyChanged, type LastValues } from "../../../src/tuya";

describe("tuya onlyChanged (report by exception)", () => {
  it("passes everything the first time, then only values that differ; devices with no change are left out", () => {
    const last: LastValues = {};
    const poll = (a: unknown, b: unknown) => [
      {
        id: "d1",
        status: [
          { code: "switch_1", value: a },
          { code: "temp", value: 21 },
        ],
      },
      { id: "d2", status: [{ code: "switch_1", value: b }] },
    ];
    assert.deepEqual(
      onlyChanged(poll(true, false), last).map((r) => r.status.length),
      [2, 1],
    );
    assert.deepEqual(onlyChanged(poll(true, false), last), []);
    assert.deepEqual(onlyChanged(poll(false, false), last), [{ id: "d1", status: [{ code: "switch_1", value: false }] }]);
    // Values are compared as JSON, so an equal object is no change; the memory is plain JSON text.
    assert.deepEqual(onlyChanged([{ id: "d3", status: [{ code: "c", value: { a: 1 } }] }], last).length, 1);
    assert.deepEqual(onlyChanged([{ id: "d3", status: [{ code: "c", value: { a: 1 } }] }], last), []);
    assert.equal(last.d1.switch_1, "false");
  });
});
