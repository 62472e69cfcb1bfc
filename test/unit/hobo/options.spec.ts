// Client options: defaults per flavour, limits, and credentials checked at construction.
import assert from "node:assert/strict";
import { InputError } from "../../../src/core/errors";
import { createHoboClient } from "../../../src/hobo";
import { resolveOptions } from "../../../src/hobo/options";

describe("hobo options", () => {
  it("defaults the base URL and rate per flavour", () => {
    const licor = resolveOptions({ flavour: "licor", token: "t0k3n" });
    assert.equal(licor.baseUrl, "https://api.licor.cloud");
    assert.equal(licor.requestsPerWindow, 60);
    const legacy = resolveOptions({ flavour: "legacy", clientId: "id", clientSecret: "secret", userId: 26954 });
    assert.equal(legacy.baseUrl, "https://webservice.hobolink.com");
    assert.equal(legacy.requestsPerWindow, 30);
    assert.deepEqual(legacy.credentials, { flavour: "legacy", clientId: "id", clientSecret: "secret", userId: "26954" });
    assert.equal(legacy.windowMs, 60_000);
    assert.equal(legacy.maxConcurrent, 75);
    assert.equal(legacy.rowCap, 100_000);
    assert.equal(legacy.targetFill, 0.8);
  });

  it("never allows more than 75 requests at once and strips a trailing slash", () => {
    const o = resolveOptions({ flavour: "licor", token: "t", maxConcurrent: 500, baseUrl: "http://127.0.0.1:9/" });
    assert.equal(o.maxConcurrent, 75);
    assert.equal(o.baseUrl, "http://127.0.0.1:9");
  });

  it("rejects missing credentials and unknown flavours with a clear InputError", () => {
    assert.throws(
      () => createHoboClient({ flavour: "licor" }),
      (e: unknown) => e instanceof InputError && /API token/.test(e.message),
    );
    assert.throws(
      () => createHoboClient({ flavour: "legacy", clientId: "id" }),
      (e: unknown) => e instanceof InputError && /client secret, user id/.test(e.message),
    );
    assert.throws(
      () => createHoboClient({ flavour: "v2" as "licor" }),
      (e: unknown) => e instanceof InputError && /flavour/.test(e.message),
    );
    assert.throws(() => createHoboClient({ flavour: "licor", token: "t", rowCap: 0 }), /rowCap/);
  });

  it("says which flavour and base URL a client uses", async () => {
    const c = createHoboClient({ flavour: "legacy", clientId: "id", clientSecret: "secret", userId: "1" });
    assert.equal(c.flavour, "legacy");
    assert.equal(c.baseUrl, "https://webservice.hobolink.com");
    await c.close();
  });
});
