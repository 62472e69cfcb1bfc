// The per-client call counter: every billed request by endpoint template (retries and token calls
// included, as Tuya counts them), errors by code, and this month's calls against a budget.
import assert from "node:assert/strict";
import { endpointTemplate } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

describe("tuya call counter", () => {
  let r: Rig;
  afterEach(() => r.close());

  it("counts what the server saw, by endpoint template and error code", async () => {
    r = await rig();
    const calls: string[] = [];
    r.api.on("call", (template: string) => calls.push(template));
    await r.devices.status(r.ids.plug);
    await r.devices.status(r.ids.light);
    r.emu.faults.failNext(1, { code: 1111, path: "/status" });
    await r.devices.status(r.ids.pir);
    r.emu.faults.failNext(1, { code: 1106, path: "/functions" });
    await rejection(r.devices.functions(r.ids.pir));
    r.emu.faults.expireTokens();
    await r.devices.statusMany([r.ids.plug, r.ids.climate]);

    const snap = r.api.counter.snapshot();
    assert.equal(snap.total, r.emu.stats.requests, "every request the server received, no more");
    assert.equal(snap.total, calls.length);
    assert.deepEqual(snap.byEndpoint, {
      "GET /v1.0/token": 1,
      "GET /v1.0/token/{refresh_token}": 1,
      "GET /v1.0/iot-03/devices/{device_id}/status": 4,
      "GET /v1.0/iot-03/devices/{device_id}/functions": 1,
      "GET /v1.0/iot-03/devices/status": 2,
    });
    assert.deepEqual(snap.errorsByCode, { "1010": 1, "1106": 1, "1111": 1 });
    assert.equal(snap.budget, undefined);
    assert.equal(snap.overBudget, false);
  });

  it("counts this month against the budget and starts over when the month turns", async () => {
    let now = Date.UTC(2025, 0, 31, 23, 0, 0);
    r = await rig({ now: () => now }, { monthlyBudget: 5, now: () => now });
    for (let i = 0; i < 3; i++) await r.devices.status(r.ids.plug); // 1 token call + 3
    let snap = r.api.counter.snapshot();
    assert.equal(snap.month, "2025-01");
    assert.equal(snap.thisMonth, 4);
    assert.equal(snap.nearBudget, true, "80 % of 5");
    assert.equal(snap.overBudget, false);
    await r.devices.status(r.ids.plug);
    snap = r.api.counter.snapshot();
    assert.equal(snap.overBudget, true);
    assert.equal(snap.budget, 5);
    now = Date.UTC(2025, 1, 1, 0, 0, 1);
    snap = r.api.counter.snapshot();
    assert.equal(snap.month, "2025-02");
    assert.equal(snap.thisMonth, 0);
    assert.equal(snap.total, 5);
    assert.equal(snap.overBudget, false);
    await r.devices.status(r.ids.plug);
    assert.deepEqual(r.api.counter.budgetUse(), { used: 1, budget: 5, month: "2025-02", over: false, near: false });
    // A clock set back a month (an NTP fix) counts that month afresh, as the snapshot always did.
    now = Date.UTC(2025, 0, 31, 23, 30, 0);
    assert.deepEqual(r.api.counter.budgetUse(), { used: 0, budget: 5, month: "2025-01", over: false, near: false });
  });

  it("has no budget use to check without a budget", async () => {
    r = await rig();
    await r.devices.status(r.ids.plug);
    assert.equal(r.api.counter.budgetUse(), undefined);
  });

  it("templates keep ids and refresh tokens out of the keys", () => {
    assert.equal(endpointTemplate("get", "/v1.0/token/7245ecbc34f0fc8344e2495291342145"), "GET /v1.0/token/{refresh_token}");
    assert.equal(endpointTemplate("POST", "/v1.0/devices/ebc0ffee/commands"), "POST /v1.0/devices/{device_id}/commands");
    assert.equal(endpointTemplate("GET", "/v1.0/devices/factory-infos"), "GET /v1.0/devices/factory-infos");
    assert.equal(endpointTemplate("GET", "/v1.0/iot-03/categories/kg/functions"), "GET /v1.0/iot-03/categories/{category}/functions");
    assert.equal(endpointTemplate("GET", "/v1.0/functions/dj"), "GET /v1.0/functions/{category}");
    assert.equal(endpointTemplate("GET", "/v1.0/devices/"), "GET /v1.0/devices/");
  });
});
