// The streamed reader of one JSON array: every element handed on once, in order, whatever the chunk
// boundaries (inside strings, escapes, multi-byte characters, keys); the rest of the object parsed.
import assert from "node:assert/strict";
import fc from "fast-check";
import { JsonItemReader } from "../../../src/core/json-items";

function readAll(text: string, cuts: number[], keys = ["observation_list", "data"]) {
  const items: unknown[] = [];
  const reader = new JsonItemReader(new Set(keys), (item) => items.push(item));
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (text.length + 1))].sort((a, b) => a - b)) {
    reader.write(text.slice(from, cut));
    from = cut;
  }
  reader.write(text.slice(from));
  return { items, fields: reader.end() };
}

describe("core/json-items", () => {
  it("hands on every element and parses the rest, for any chunking (property)", () => {
    const row = fc.record({
      logger_sn: fc.string(),
      si_value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      unit: fc.constantFrom("°C", "µmol", 'a"b\\c', "{[]}"),
      nested: fc.array(fc.dictionary(fc.string(), fc.integer()), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.string(), fc.boolean(), fc.array(fc.nat(), { maxLength: 20 }), (rows, message, cut, cuts) => {
        const body = { "observation_list-": [1], message, observation_list: rows, max_results: cut, after: { "x]": "[" } };
        const text = JSON.stringify(body, null, cuts.length % 2 ? 2 : undefined);
        const { items, fields } = readAll(text, cuts);
        assert.deepEqual(items, JSON.parse(JSON.stringify(rows)));
        assert.deepEqual(fields, { ...JSON.parse(text), observation_list: [] });
      }),
      { numRuns: 300 },
    );
  });

  it("reads only the named list at the top level, not one nested deeper", () => {
    const { items, fields } = readAll(JSON.stringify({ meta: { data: [{ a: 1 }] }, data: [{ b: 2 }] }), [3, 17]);
    assert.deepEqual(items, [{ b: 2 }]);
    assert.deepEqual(fields, { meta: { data: [{ a: 1 }] }, data: [] });
  });

  it("refuses what it cannot hand on whole: elements that are not objects, text that is not JSON, an answer cut short", () => {
    assert.throws(() => readAll('{"data":[1,2]}', []), SyntaxError);
    assert.throws(() => readAll('{"data":["a"]}', []), SyntaxError);
    assert.throws(() => readAll("<html>busy</html>", []), SyntaxError);
    assert.throws(() => readAll('{"data":[{"a":1},{"a":', [5]), SyntaxError);
  });
});
