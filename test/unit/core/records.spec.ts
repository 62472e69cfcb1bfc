// Reading records and their output formats: InfluxDB batch points and one message per reading keep
// every storable reading, its value, time and series, and skip what a store cannot take.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  OUTPUT_FORMATS,
  DEFAULT_TIME_FORMAT,
  TIME_FORMATS,
  isOutputFormat,
  isTimeFormat,
  recordsWithTime,
  seriesTopic,
  sortRecords,
  toInfluxPoints,
  toReadingMessages,
  type ReadingRecord,
  type ReadingValue,
} from "../../../src/core/records";

const text = fc.string({ minLength: 0, maxLength: 12 });
const value: fc.Arbitrary<ReadingValue> = fc.oneof(fc.double(), fc.integer(), fc.boolean(), text, fc.constant(null));
const record: fc.Arbitrary<ReadingRecord> = fc.record(
  {
    time: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
    source: fc.constantFrom("tuya" as const, "hobolink" as const),
    device: text,
    deviceName: text,
    sensor: text,
    name: text,
    value,
    unit: text,
  },
  { requiredKeys: ["time", "source", "device", "sensor", "name", "value"] },
);

/** What a store can hold: not null, and numbers only when finite (InfluxDB rejects NaN and Infinity). */
function storable(r: ReadingRecord): boolean {
  return r.value !== null && (typeof r.value !== "number" || Number.isFinite(r.value));
}

function rec(over: Partial<ReadingRecord> = {}): ReadingRecord {
  return {
    time: new Date("2025-06-10T06:30:00Z"),
    source: "hobolink",
    device: "21079936",
    sensor: "21079936-1",
    name: "Temperature",
    value: 21.5,
    unit: "°C",
    ...over,
  };
}

describe("core/records", () => {
  it("names the output formats and recognises only those", () => {
    assert.deepEqual([...OUTPUT_FORMATS], ["raw", "records", "influx", "messages"]);
    for (const f of OUTPUT_FORMATS) assert.equal(isOutputFormat(f), true);
    for (const f of ["", "Influx", "json", 1, null, undefined]) assert.equal(isOutputFormat(f), false);
  });

  describe("recordsWithTime", () => {
    it("gives ISO text by default (what the core csv node and JSON take as they are), epoch ms or the Date on request", () => {
      assert.equal(DEFAULT_TIME_FORMAT, "iso");
      assert.deepEqual([...TIME_FORMATS], ["iso", "epoch", "date"]);
      for (const f of ["", "ISO", "ms", 1, undefined]) assert.equal(isTimeFormat(f), false);
      const r = rec();
      assert.equal(recordsWithTime([r])[0]!.time, "2025-06-10T06:30:00.000Z");
      assert.equal(recordsWithTime([r], "epoch")[0]!.time, Date.parse("2025-06-10T06:30:00Z"));
      assert.equal(recordsWithTime([r], "date")[0]!.time, r.time);
      assert.ok(r.time instanceof Date, "the input record is left as it was");
    });

    it("keeps every other field and the instant, for any record and form", () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 5 }), fc.constantFrom(...TIME_FORMATS), (records, as) => {
          const out = recordsWithTime(records, as);
          assert.equal(out.length, records.length);
          out.forEach((o, i) => {
            const { time, ...rest } = records[i]!;
            assert.deepEqual({ ...o, time: undefined }, { ...rest, time: undefined });
            assert.equal(new Date(o.time).getTime(), time.getTime());
          });
        }),
      );
    });
  });

  describe("toInfluxPoints", () => {
    it("keeps one point per storable record, in order, with its value, Date timestamp and string tags", () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 30 }), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (records, measurement) => {
          const kept = records.filter(storable);
          const points = toInfluxPoints(records, measurement);
          assert.equal(points.length, kept.length);
          points.forEach((p, i) => {
            const r = kept[i];
            assert.equal(p.measurement, measurement ?? r.source);
            assert.deepEqual(p.fields, { value: r.value });
            assert.ok(p.timestamp instanceof Date);
            assert.equal(p.timestamp.getTime(), r.time.getTime());
            for (const [k, v] of Object.entries(p.tags)) {
              assert.equal(typeof v, "string", k);
              assert.notEqual(v, "", `empty tag ${k}`);
            }
            const expected: Record<string, string> = {};
            if (r.device) expected.device = r.device;
            if (r.sensor) expected.sensor = r.sensor;
            if (r.name) expected.name = r.name;
            if (r.deviceName) expected.device_name = r.deviceName;
            if (r.unit) expected.unit = r.unit;
            assert.deepEqual(p.tags, expected);
          });
        }),
      );
    });

    it("gives the shape the influxdb batch node takes", () => {
      assert.deepEqual(toInfluxPoints([rec({ deviceName: "Weather" })]), [
        {
          measurement: "hobolink",
          tags: { device: "21079936", sensor: "21079936-1", name: "Temperature", device_name: "Weather", unit: "°C" },
          fields: { value: 21.5 },
          timestamp: new Date("2025-06-10T06:30:00Z"),
        },
      ]);
      assert.equal(toInfluxPoints([rec()], "lab")[0].measurement, "lab");
      assert.equal(toInfluxPoints([rec()], "")[0].measurement, "hobolink");
    });

    it("skips null, NaN and infinite values (one would fail the whole batch write) but keeps 0, false and text", () => {
      const points = toInfluxPoints([
        rec({ value: null }),
        rec({ value: NaN }),
        rec({ value: Infinity }),
        rec({ value: -Infinity }),
        rec({ value: 0 }),
        rec({ value: false }),
        rec({ value: "on" }),
      ]);
      assert.deepEqual(
        points.map((p) => p.fields.value),
        [0, false, "on"],
      );
    });
  });

  describe("toReadingMessages", () => {
    it("keeps one message per storable record with topic, payload, ms timestamp and sqlite params", () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 30 }), (records) => {
          const kept = records.filter(storable);
          const messages = toReadingMessages(records);
          assert.equal(messages.length, kept.length);
          messages.forEach((m, i) => {
            const r = kept[i];
            assert.equal(m.record, r);
            assert.equal(m.topic, `${r.deviceName || r.device}/${r.name}`);
            assert.equal(m.topic, seriesTopic(r));
            assert.equal(m.payload, r.value);
            assert.equal(m.timestamp, r.time.getTime());
            assert.deepEqual(m.params, {
              $time: r.time.getTime(),
              $device: r.device,
              $sensor: r.sensor,
              $name: r.name,
              $value: r.value,
              $unit: r.unit ?? null,
            });
          });
        }),
      );
    });

    it("names the series by device name when known, else by id", () => {
      assert.equal(seriesTopic(rec()), "21079936/Temperature");
      assert.equal(seriesTopic(rec({ deviceName: "Weather" })), "Weather/Temperature");
      assert.deepEqual(
        toReadingMessages([rec({ value: null }), rec({ value: NaN }), rec({ value: 0 })]).map((m) => m.payload),
        [0],
      );
    });
  });

  describe("sortRecords", () => {
    it("orders by time, then device, then sensor, keeping every record", () => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 30 }), (records) => {
          const sorted = sortRecords([...records]);
          assert.equal(sorted.length, records.length);
          assert.deepEqual(new Set(sorted), new Set(records));
          for (let i = 1; i < sorted.length; i++) {
            const [a, b] = [sorted[i - 1], sorted[i]];
            const dt = a.time.getTime() - b.time.getTime();
            assert.ok(
              dt < 0 ||
                (dt === 0 && (a.device.localeCompare(b.device) < 0 || (a.device.localeCompare(b.device) === 0 && a.sensor.localeCompare(b.sensor) <= 0))),
            );
          }
        }),
      );
    });
  });
});
