// Normalisation of legacy and LI-COR rows to the core reading records.
import assert from "node:assert/strict";
import { HOBO_DATA_TYPES, rowsToRecords, type HoboRow } from "../../../src/hobo";

const legacy: HoboRow = {
  logger_sn: "21092695",
  sensor_sn: "21079936-1",
  timestamp: "2024-04-29 17:50:00Z",
  data_type_id: "1",
  si_value: 21.962762687532617,
  si_unit: "°C",
  us_value: 71.5329728375587,
  us_unit: "°F",
  scaled_value: 0,
  scaled_unit: null,
  sensor_key: 2033525,
  sensor_measurement_type: "Temperature",
};

const licor: HoboRow = {
  logger_sn: "21092695",
  sensor_sn: "21079936-2",
  timestamp: "2025-12-01 05:05:00Z",
  data_type: "AVERAGE",
  data_type_id: "4",
  value: 83.9,
  unit: "%",
  sensor_measurement_type: "RH",
};

describe("hobo rowsToRecords", () => {
  it("maps a legacy row in SI by default, with the US value and sensor key in extra", () => {
    const [r] = rowsToRecords([legacy], { loggerNames: { "21092695": "Rooftop" } });
    assert.equal(r.time.toISOString(), "2024-04-29T17:50:00.000Z");
    assert.equal(r.source, "hobolink");
    assert.equal(r.device, "21092695");
    assert.equal(r.deviceName, "Rooftop");
    assert.equal(r.sensor, "21079936-1");
    assert.equal(r.name, "Temperature");
    assert.equal(r.value, legacy.si_value);
    assert.equal(r.unit, "°C");
    assert.deepEqual(r.extra, {
      dataType: "CURRENT",
      dataTypeId: "1",
      sensorKey: 2033525,
      siValue: legacy.si_value,
      siUnit: "°C",
      usValue: legacy.us_value,
      usUnit: "°F",
    });
  });

  it("lets the caller pick US units", () => {
    const [r] = rowsToRecords([legacy], { unitSystem: "us" });
    assert.equal(r.value, legacy.us_value);
    assert.equal(r.unit, "°F");
    assert.equal(r.deviceName, undefined);
  });

  it("uses scaled values when a channel is scaled, and SI when it is not", () => {
    const scaled = { ...legacy, scaled_value: 12.5, scaled_unit: "cm" };
    const [a, b] = rowsToRecords([scaled, legacy], { unitSystem: "scaled" });
    assert.equal(a.value, 12.5);
    assert.equal(a.unit, "cm");
    assert.deepEqual([a.extra?.scaledValue, a.extra?.scaledUnit], [12.5, "cm"]);
    assert.equal(b.value, legacy.si_value);
    assert.equal(b.unit, "°C");
  });

  it("maps a LI-COR row's value and unit whatever unit system is asked", () => {
    const [r] = rowsToRecords([licor], { unitSystem: "us" });
    assert.equal(r.value, 83.9);
    assert.equal(r.unit, "%");
    assert.equal(r.time.toISOString(), "2025-12-01T05:05:00.000Z");
    assert.deepEqual(r.extra, { dataType: "AVERAGE", dataTypeId: "4" });
  });

  it("maps every data_type_id and keeps unknown ids as they are", () => {
    assert.deepEqual(Object.entries(HOBO_DATA_TYPES), [
      ["1", "CURRENT"],
      ["2", "MINIMUM"],
      ["3", "MAXIMUM"],
      ["4", "AVERAGE"],
      ["5", "STANDARD_DEVIATION"],
    ]);
    const rows = ["1", "2", "3", "4", "5", "9"].map((id) => ({ ...legacy, data_type_id: id }));
    assert.deepEqual(
      rowsToRecords(rows).map((r) => r.extra?.dataType),
      ["CURRENT", "MINIMUM", "MAXIMUM", "AVERAGE", "STANDARD_DEVIATION", "9"],
    );
  });

  it("reports a missing or non-numeric value as null", () => {
    const [r] = rowsToRecords([{ ...licor, value: undefined }]);
    assert.equal(r.value, null);
  });
});
