// Logger lists: accepted forms, trimming, de-duplication, clear errors, groups of at most ten.
import assert from "node:assert/strict";
import fc from "fast-check";
import { InputError } from "../../../src/core/errors";
import { groupLoggers, normalizeLoggers } from "../../../src/hobo";

describe("hobo normalizeLoggers", () => {
  it("accepts an array, a comma-separated string and a single number", () => {
    assert.deepEqual(normalizeLoggers(["21092695", 21150777]), ["21092695", "21150777"]);
    assert.deepEqual(normalizeLoggers(" 21092695 , 21150777,,"), ["21092695", "21150777"]);
    assert.deepEqual(normalizeLoggers(21092695), ["21092695"]);
  });

  it("trims and de-duplicates, keeping the first order", () => {
    assert.deepEqual(normalizeLoggers(["200002", " 100001", "200002 ", 100001, "300003,100001"]), ["200002", "100001", "300003"]);
  });

  for (const [label, input, pattern] of [
    ["an object", { a: 1 }, /received|type object/],
    ["null", null, /null/],
    ["a boolean", true, /boolean/],
    ["an empty array", [], /No logger serial numbers/],
    ["a blank string", " , ", /No logger serial numbers/],
    ["a negative number", -5, /-5/],
    ["a fraction", 1.5, /1\.5/],
    ["an array with an object", ["1", {}], /each entry must be a serial number/],
    ["a serial with a space", "123 456", /"123 456" is not a logger serial number/],
  ] as const) {
    it(`rejects ${label} with a message that says what is accepted`, () => {
      assert.throws(
        () => normalizeLoggers(input),
        (err: unknown) => err instanceof InputError && pattern.test(err.message) && /comma-separated|serial number/.test(err.message),
      );
    });
  }

  it("never returns duplicates or blanks (property)", () => {
    const serial = fc.stringMatching(/^[0-9]{6,10}$/);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            serial,
            serial.map((s) => ` ${s} `),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        (list) => {
          const out = normalizeLoggers(list);
          assert.equal(new Set(out).size, out.length);
          assert.deepEqual(new Set(out), new Set(list.map((s) => s.trim())));
          assert.deepEqual(normalizeLoggers(list.join(",")), out);
        },
      ),
    );
  });
});

describe("hobo groupLoggers", () => {
  it("splits into the fewest groups of at most ten, of nearly equal size", () => {
    const serials = Array.from({ length: 23 }, (_, i) => String(1000 + i));
    const groups = groupLoggers(serials);
    assert.deepEqual(
      groups.map((g) => g.length),
      [8, 8, 7],
    );
    assert.deepEqual(groups.flat(), serials);
    assert.deepEqual(
      groupLoggers(serials.slice(0, 10)).map((g) => g.length),
      [10],
    );
    assert.deepEqual(
      groupLoggers(serials.slice(0, 11)).map((g) => g.length),
      [6, 5],
    );
  });
});
