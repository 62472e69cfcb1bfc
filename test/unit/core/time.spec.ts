// Time input: every accepted form of any instant parses back to that instant; anything else is an
// InputError that quotes the input. Formatters give Tuya ms and HOBOlink UTC text.
import assert from "node:assert/strict";
import fc from "fast-check";
import { InputError } from "../../../src/core/errors";
import { parseHoboTimestamp, parseTime, parseWindow, toHoboUtc, toTuyaMs } from "../../../src/core/time";

/** Instants that have both a 10-digit seconds and a 13-digit milliseconds form (2001-09-09 .. 2286-11-20). */
const instantMs = fc.integer({ min: 1e12, max: 1e13 - 1 });
const wholeSecondMs = fc.integer({ min: 1e9, max: 1e10 - 1 }).map((s) => s * 1000);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** The wall-clock text of `ms` at a zone `offsetMin` minutes east of UTC, with that offset. */
function isoWithOffset(ms: number, offsetMin: number, colon: boolean): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${pad(Math.floor(abs / 60))}${colon ? ":" : ""}${pad(abs % 60)}`;
}

function rejectsQuoting(input: unknown, quoted: string): void {
  assert.throws(
    () => parseTime(input),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `expected an InputError for ${quoted}`);
      assert.ok(err.message.includes(quoted), `"${err.message}" does not quote ${quoted}`);
      return true;
    },
  );
}

describe("core/time", () => {
  describe("round trips", () => {
    it("reads a Date, 13-digit ms (number and text), ISO 8601 and Tuya ms back to the same instant", () => {
      fc.assert(
        fc.property(instantMs, (ms) => {
          const iso = new Date(ms).toISOString();
          for (const input of [new Date(ms), ms, String(ms), iso, ` ${iso} `, iso.toLowerCase()]) {
            assert.equal(parseTime(input).getTime(), ms, `input ${String(input)}`);
          }
          assert.equal(toTuyaMs(parseTime(iso)), ms);
        }),
      );
    });

    it("reads 10-digit seconds (number, text, with a millisecond fraction) back to the same instant", () => {
      fc.assert(
        fc.property(instantMs, (ms) => {
          const seconds = (ms / 1000).toFixed(3);
          assert.equal(parseTime(seconds).getTime(), ms);
          assert.equal(parseTime(Number(seconds)).getTime(), ms);
          const whole = Math.floor(ms / 1000);
          assert.equal(parseTime(whole).getTime(), whole * 1000);
          assert.equal(parseTime(String(whole)).getTime(), whole * 1000);
        }),
      );
    });

    it("reads ISO 8601 with any zone offset (with and without the colon) back to the same instant", () => {
      fc.assert(
        fc.property(instantMs, fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.boolean(), (ms, offset, colon) => {
          const text = isoWithOffset(ms, offset, colon);
          assert.equal(parseTime(text).getTime(), ms, text);
        }),
      );
    });

    it("reads HOBOlink's UTC text (plain and with Z) back to the same whole-second instant", () => {
      fc.assert(
        fc.property(wholeSecondMs, (ms) => {
          const text = toHoboUtc(new Date(ms));
          assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
          assert.equal(parseTime(text).getTime(), ms);
          assert.equal(parseHoboTimestamp(`${text}Z`).getTime(), ms);
        }),
      );
    });

    it("formats HOBOlink text in UTC, dropping milliseconds", () => {
      fc.assert(
        fc.property(instantMs, (ms) => {
          assert.equal(toHoboUtc(new Date(ms)), new Date(ms).toISOString().slice(0, 19).replace("T", " "));
        }),
      );
    });

    it("reads relative spans against the reference time", () => {
      const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
      fc.assert(
        fc.property(
          instantMs,
          fc.integer({ min: 0, max: 500 }),
          fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])),
          fc.boolean(),
          (ms, n, unit, prefixed) => {
            const now = ms + n * UNITS[unit];
            assert.equal(parseTime(`${prefixed ? "now" : ""}-${n}${unit}`, { now }).getTime(), ms);
            assert.equal(parseTime(`+${n}${unit.toUpperCase()}`, { now: ms }).getTime(), now);
          },
        ),
      );
      assert.equal(parseTime("now", { now: 1_700_000_000_000 }).getTime(), 1_700_000_000_000);
      assert.equal(parseTime(" NOW ", { now: 1_700_000_000_000 }).getTime(), 1_700_000_000_000);
      assert.equal(parseTime("-1.5h", { now: 1_700_000_000_000 }).getTime(), 1_700_000_000_000 - 5_400_000);
      assert.equal(parseTime("- 30 m", { now: 1_700_000_000_000 }).getTime(), 1_700_000_000_000 - 1_800_000);
    });

    it("reads an ISO date alone as midnight UTC, and text without seconds", () => {
      assert.equal(parseTime("2024-02-29").toISOString(), "2024-02-29T00:00:00.000Z");
      assert.equal(parseTime("2024-06-10 06:30").toISOString(), "2024-06-10T06:30:00.000Z");
      assert.equal(parseTime("2024-06-10T06:30:15.123456Z").toISOString(), "2024-06-10T06:30:15.123Z");
      assert.equal(parseTime("0050-06-01T00:00:00Z").getUTCFullYear(), 50);
    });

    it("returns a copy of a Date, never the caller's object", () => {
      const d = new Date(1_700_000_000_000);
      const parsed = parseTime(d);
      assert.notEqual(parsed, d);
      parsed.setTime(0);
      assert.equal(d.getTime(), 1_700_000_000_000);
    });
  });

  describe("rejection", () => {
    it("rejects impossible calendar values and clock values", () => {
      for (const text of [
        "2024-02-30 00:00:00",
        "2023-02-29",
        "2024-13-01 00:00:00",
        "2024-00-10",
        "2024-04-31T00:00:00Z",
        "2024-01-01 24:00:00",
        "2024-01-01 23:60:00",
        "2024-01-01 23:59:60",
        "2024-01-01T00:00:00+24:00",
        "2024-01-01T00:00:00+01:60",
      ]) {
        rejectsQuoting(text, `"${text}"`);
      }
    });

    it("rejects numbers that are neither 10 nor 13 digits, and non-finite or negative ones, quoting them", () => {
      for (const n of [0, 12345, 999_999_999, 99_999_999_999, 10_000_000_000_000, -1_700_000_000, NaN, Infinity, -Infinity]) {
        rejectsQuoting(n, String(n));
      }
    });

    it("rejects words, empty text and other types with a message that quotes the input and lists the forms", () => {
      for (const text of ["", "   ", "yesterday", "-24x", "24h", "now-", "1e12", "2024/01/01", "17000000000000000", "-9999999999999d"]) {
        rejectsQuoting(text, `"${text}"`);
      }
      for (const [input, quoted] of [
        [null, "null"],
        [undefined, "undefined"],
        [true, "true"],
        [{ at: 1 }, '{"at":1}'],
        [new Date(NaN), "an invalid Date"],
      ] as const) {
        rejectsQuoting(input, quoted);
      }
      assert.throws(() => parseTime("soon", { name: "start" }), /Cannot read "soon" as a start time: use an ISO 8601 date, .*"-24h"/);
    });

    it("any text either parses to a valid Date or throws an InputError quoting it", () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\d\- :TZ+.]{0,30}$/)), (text) => {
          let parsed: Date | undefined;
          try {
            parsed = parseTime(text, { now: 1_700_000_000_000 });
          } catch (err) {
            assert.ok(err instanceof InputError);
            assert.ok(err.message.includes(`"${text}"`), err.message);
            return;
          }
          assert.ok(!Number.isNaN(parsed.getTime()), `${JSON.stringify(text)} gave an invalid Date`);
        }),
        { numRuns: 500 },
      );
    });

    it("any other value either parses to a valid Date or throws an InputError", () => {
      fc.assert(
        fc.property(fc.anything(), (value) => {
          try {
            assert.ok(!Number.isNaN(parseTime(value).getTime()));
          } catch (err) {
            assert.ok(err instanceof InputError, String(err));
          }
        }),
      );
    });
  });

  describe("parseWindow", () => {
    it("defaults the end to now and requires end after start", () => {
      const now = 1_700_000_000_000;
      const w = parseWindow("-1h", undefined, now);
      assert.equal(w.start.getTime(), now - 3_600_000);
      assert.equal(w.end.getTime(), now);
      assert.throws(
        () => parseWindow("now", "-1h", now),
        (err: unknown) => err instanceof InputError && /end time .* must be after the start time/.test(err.message),
      );
      assert.throws(() => parseWindow(now, now, now), InputError);
      assert.throws(() => parseWindow("bad", "now", now), /as a start time/);
      assert.throws(() => parseWindow("-1h", "bad", now), /as an? end time/);
    });
  });
});
