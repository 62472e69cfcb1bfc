// The cap of rows one message holds (issue 12 item 1): the setting's reading, and the count that
// fails as soon as a batch would pass the cap, holding nothing more.
import assert from "node:assert/strict";
import fc from "fast-check";
import { InputError } from "../../../src/core/errors";
import { DEFAULT_MAX_ROWS, DEFAULT_STREAM_ROWS, MAX_ROWS_LIMIT, maxRowsSetting, RowCap, rowCapFrom } from "../../../src/core/row-cap";

describe("core/row-cap", () => {
  it("reads the setting: empty is 100,000, a whole number in range is itself, anything else is invalid", () => {
    for (const empty of [undefined, null, "", "  "]) assert.equal(maxRowsSetting(empty), DEFAULT_MAX_ROWS);
    assert.equal(maxRowsSetting("250"), 250);
    assert.equal(maxRowsSetting(MAX_ROWS_LIMIT), MAX_ROWS_LIMIT);
    for (const bad of [0, -1, 1.5, "abc", MAX_ROWS_LIMIT + 1, Infinity, NaN]) assert.equal(maxRowsSetting(bad), undefined, String(bad));
  });

  it("a streaming node's empty setting means its own default; a set value stays itself", () => {
    assert.equal(maxRowsSetting("", DEFAULT_STREAM_ROWS), 10_000);
    assert.equal(maxRowsSetting("250", DEFAULT_STREAM_ROWS), 250);
    assert.equal(maxRowsSetting("abc", DEFAULT_STREAM_ROWS), undefined);
  });

  it("throws when a batch would pass the cap, never holding more than the cap, for any batches", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 30 }), (max, batches) => {
        const cap = new RowCap(max, (m) => new InputError(`over ${m}`));
        let held = 0;
        for (const n of batches) {
          if (held + n > max) {
            assert.throws(() => cap.add(n), /over/);
            assert.equal(cap.count, held, "nothing more held");
            return;
          }
          cap.add(n);
          held += n;
        }
        assert.equal(cap.count, held);
      }),
    );
  });

  it("starts from zero after reset (the next message), and gives a node's own errors", () => {
    const cap = rowCapFrom("10", { bad: () => new Error("bad"), tooMany: (m) => new Error(`more than ${m}`) });
    cap.add(10);
    assert.throws(() => cap.add(1), /more than 10/);
    cap.reset();
    cap.add(10);
    assert.throws(() => rowCapFrom("ten", { bad: (v, limit) => new Error(`bad ${v} ${limit}`), tooMany: () => new Error("x") }), /bad ten 10000000/);
  });
});
