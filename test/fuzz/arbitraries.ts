/**
 * Message parts for the fuzz suites (fast-check): values a careless flow or an attacker sends
 * (wrong types, huge strings, circular objects, prototype-polluting keys, BigInt, Maps, Dates),
 * and the time windows, device ids and serials the nodes read, valid, near-valid and bad.
 */
import fc from "fast-check";

/** An object that holds itself (JSON.stringify throws on it). */
export const circular: fc.Arbitrary<Record<string, unknown>> = fc.string({ maxLength: 8 }).map((key) => {
  const o: Record<string, unknown> = { key };
  o.self = o;
  return o;
});

/** Own "__proto__" / "constructor" keys, as JSON.parse makes them from a hostile body. */
export const polluting: fc.Arbitrary<unknown> = fc
  .constantFrom(
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '[{"__proto__":{"polluted":"yes"},"code":"switch_1","value":true}]',
    '{"__proto__":{"polluted":"yes"},"id":"vdevo0000000000000001"}',
  )
  .map((text) => JSON.parse(text) as unknown);

/** A string of 10 kB to 100 kB. */
export const huge: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom("x", "7", "é", " ", ",", "𝄞"))
  .map(([n, c]) => c.repeat(n));

/** Anything at all: primitives, BigInt, Dates (some invalid), Maps, Sets, typed arrays, null-prototype objects, cycles, huge strings. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 2,
      maxKeys: 4,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom(undefined, null, "", " ", 0, -1, NaN, Infinity, true, [], {}, "null", "undefined", "[]", "{}", "[{", '{"a":') },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
  { weight: 1, arbitrary: circular },
  { weight: 1, arbitrary: polluting },
  { weight: 1, arbitrary: huge },
);

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Time inputs in every accepted spelling, and bad ones. */
export function timeText(ms: number, style: number): unknown {
  const d = new Date(ms);
  switch (style % 5) {
    case 0:
      return d.toISOString();
    case 1:
      return ms;
    case 2:
      return String(Math.floor(ms / 1000));
    case 3:
      return d.toISOString().slice(0, 19).replace("T", " ");
    default:
      return d;
  }
}

/**
 * A start and end around `now`: mostly a span of up to `maxSpanMs` within the last two days in
 * any accepted spelling, sometimes reversed or empty, relative ("-2h"), or garbage.
 */
export function windowParts(now: () => number, maxSpanMs: number): fc.Arbitrary<{ start?: unknown; end?: unknown }> {
  const good = fc
    .record({ back: fc.integer({ min: 0, max: 48 * HOUR }), span: fc.integer({ min: MIN, max: maxSpanMs }), s1: fc.nat(4), s2: fc.nat(4) })
    .map(({ back, span, s1, s2 }) => {
      const end = now() - back;
      return { start: timeText(end - span, s1), end: timeText(end, s2) };
    });
  const reversed = fc.integer({ min: 0, max: maxSpanMs }).map((span) => ({ start: new Date(now()).toISOString(), end: new Date(now() - span).toISOString() }));
  const relative = fc.constantFrom(
    { start: "-30m" },
    { start: "-5m", end: "now" },
    { start: "now" },
    { start: "-1x" },
    { start: "-9999999999999999w" },
    { start: "2024-02-31" },
  );
  const bad = fc.record({ start: garbage, end: fc.option(garbage, { nil: undefined }) });
  const partial = fc.constantFrom({}, { end: "now" }, { start: "" });
  return fc.oneof(
    { weight: 5, arbitrary: good },
    { weight: 1, arbitrary: reversed },
    { weight: 1, arbitrary: relative },
    { weight: 2, arbitrary: bad },
    { weight: 1, arbitrary: partial },
  );
}

/** Ids of devices the emulator knows, ids of the right shape it does not know, and bad ones. */
export function tuyaDevices(known: string[]): fc.Arbitrary<unknown> {
  const real = fc.constantFrom(...known);
  const shaped = fc.stringMatching(/^[a-z0-9]{20,22}$/);
  const bad = fc.oneof(fc.constantFrom("not a device id!", "abc", "../../v1.0/token", "id;drop", "vdevo 0001", "a".repeat(65)), fc.string({ maxLength: 30 }));
  const id = fc.oneof({ weight: 6, arbitrary: real }, { weight: 2, arbitrary: shaped }, { weight: 2, arbitrary: bad });
  return fc.oneof(
    { weight: 4, arbitrary: id },
    { weight: 2, arbitrary: fc.array(id, { minLength: 0, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(id, { minLength: 1, maxLength: 3 }).map((ids) => ids.join(", ")) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), id, { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.record({ id, name: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(id, { minLength: 1, maxLength: 3 }).map((ids) => JSON.stringify(ids)) },
    { weight: 2, arbitrary: garbage },
  );
}

/** Logger serials: the emulator's stations, 6-10 digit serials it does not know, and bad ones ("abc", 5 or 11 digits). */
export function hoboLoggers(known: string[]): fc.Arbitrary<unknown> {
  const real = fc.constantFrom(...known);
  const shaped = fc.stringMatching(/^[1-9]\d{5,9}$/);
  const bad = fc.oneof(fc.constantFrom("abc", "12345", "12345678901", "2109269a", "21092695; DROP", "-21092695"), fc.string({ maxLength: 12 }));
  const serial = fc.oneof({ weight: 6, arbitrary: real }, { weight: 2, arbitrary: shaped }, { weight: 2, arbitrary: bad });
  return fc.oneof(
    { weight: 4, arbitrary: serial },
    { weight: 2, arbitrary: fc.array(serial, { minLength: 0, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.array(serial, { minLength: 1, maxLength: 3 }).map((s) => s.join(",")) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 99_999_999_999 }) },
    { weight: 2, arbitrary: garbage },
  );
}

/** Random extra properties a message picks up on its way (they must not change the outcome). */
export const extras: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom("topic", "payload", "extra", "reset", "parts", "x"), garbage, {
  maxKeys: 2,
});
