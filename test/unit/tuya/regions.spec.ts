// Data centers (reference §1): every code and alias, custom URLs, and no silent fall-back to China.
import assert from "node:assert/strict";
import fc from "fast-check";
import { InputError } from "../../../src/core/errors";
import { resolveTuyaEndpoint, TUYA_REGIONS, TuyaOpenApi } from "../../../src/tuya";
import { rig } from "./helpers";

const EXPECTED: Record<string, string> = {
  cn: "https://openapi.tuyacn.com",
  us: "https://openapi.tuyaus.com",
  az: "https://openapi.tuyaus.com",
  "us-e": "https://openapi-ueaz.tuyaus.com",
  ue: "https://openapi-ueaz.tuyaus.com",
  eu: "https://openapi.tuyaeu.com",
  "eu-w": "https://openapi-weaz.tuyaeu.com",
  we: "https://openapi-weaz.tuyaeu.com",
  in: "https://openapi.tuyain.com",
  sg: "https://openapi-sg.iotbing.com",
};

const options = (endpoint: string) => ({ endpoint, accessId: "id", accessSecret: "secret" });

describe("tuya regions", () => {
  it("maps every data center and tinytuya alias, in any case and with spaces around", () => {
    assert.deepEqual(Object.keys(TUYA_REGIONS).sort(), Object.keys(EXPECTED).sort());
    for (const [code, url] of Object.entries(EXPECTED)) {
      assert.equal(resolveTuyaEndpoint(code), url, code);
      assert.equal(resolveTuyaEndpoint(` ${code.toUpperCase()} `), url, code);
      assert.equal(new TuyaOpenApi(options(code)).endpoint, url, code);
    }
  });

  it("takes a custom http(s) URL as given, without trailing slashes", () => {
    assert.equal(resolveTuyaEndpoint("https://openapi.example.com/"), "https://openapi.example.com");
    assert.equal(resolveTuyaEndpoint("http://127.0.0.1:8080//"), "http://127.0.0.1:8080");
    assert.equal(resolveTuyaEndpoint("https://proxy.example.com/tuya"), "https://proxy.example.com/tuya");
  });

  it("refuses an unknown code instead of falling back to China, and names the valid ones", () => {
    for (const bad of ["", "de", "china", "us-w", "eu_w", "openapi.tuyaeu.com"]) {
      assert.throws(
        () => resolveTuyaEndpoint(bad),
        (err: Error) => err instanceof InputError && /Unknown Tuya region/.test(err.message) && /eu-w/.test(err.message),
        bad,
      );
      assert.throws(() => new TuyaOpenApi(options(bad)), InputError, bad);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (code) => {
        fc.pre(!(code.trim().toLowerCase() in EXPECTED) && !/^https?:\/\//i.test(code.trim()));
        assert.throws(() => resolveTuyaEndpoint(code), InputError);
      }),
    );
  });

  it("refuses a URL with a query or fragment, or one that does not parse", () => {
    for (const bad of ["https://openapi.tuyaeu.com/?a=1", "https://openapi.tuyaeu.com/#x", "https://"])
      assert.throws(() => resolveTuyaEndpoint(bad), InputError, bad);
  });

  it("needs an access id, a secret and a known family", () => {
    assert.throws(() => new TuyaOpenApi({ ...options("eu"), accessId: " " }), /Access ID/);
    assert.throws(() => new TuyaOpenApi({ ...options("eu"), accessSecret: "" }), /Access Secret/);
    assert.throws(() => new TuyaOpenApi({ ...options("eu"), family: "iot-01" as never }), /family/);
    assert.equal(new TuyaOpenApi(options("eu")).family, "iot-03");
    assert.equal(new TuyaOpenApi({ ...options("eu"), family: "smart-home" }).family, "smart-home");
  });

  it("connect() gets a token from a custom endpoint; isConnected() follows it", async () => {
    const r = await rig();
    try {
      assert.equal(r.api.isConnected(), false);
      await r.api.connect();
      assert.equal(r.api.isConnected(), true);
      assert.equal(r.emu.stats.tokenGrants, 1);
      assert.deepEqual(
        r.log.states.map((s) => s.state),
        ["connecting", "connected"],
      );
      await r.api.close();
      assert.equal(r.api.isConnected(), false);
      await assert.rejects(r.api.get("/v1.0/iot-03/devices/x"), { name: "AbortError" });
    } finally {
      await r.close();
    }
  });
});
