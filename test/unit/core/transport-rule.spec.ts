// The one transport rule (https, or http only to this machine), applied by createHttpClient to
// every client's base URL and every request's final URL, before any connection is opened.
import assert from "node:assert/strict";
import net from "node:net";
import fc from "fast-check";
import sinon from "sinon";
import { createHttpClient, isLoopbackHost, requireSecureTransport, transportViolation } from "../../../src/core";
import { createHoboClient } from "../../../src/hobo";
import { TuyaOpenApi } from "../../../src/tuya";
import { TuyaEmulator } from "../../../src/emulator/tuya";

const REFUSED = [
  "http://openapi.example.org",
  "http://10.0.0.8:8830",
  "http://127.0.0.1.example.org",
  "http://localhost.example.org/v1",
  "ftp://127.0.0.1",
  "file:///etc/passwd",
  "//127.0.0.1:80",
  "not a url",
];
const ALLOWED = [
  "https://openapi.tuyaus.com",
  "https://10.0.0.8",
  "http://127.0.0.1:8830",
  "http://127.5.0.1",
  "http://localhost:1880",
  "http://[::1]:8831",
  "HTTP://LOCALHOST",
];

describe("transport rule", () => {
  let connects: sinon.SinonSpy;
  beforeEach(() => (connects = sinon.spy(net.Socket.prototype, "connect")));
  afterEach(() => connects.restore());

  it("allows https anywhere and http only on loopback", () => {
    for (const url of REFUSED) assert.ok(transportViolation(url), url);
    for (const url of ALLOWED) assert.equal(transportViolation(url), undefined, url);
    assert.equal(isLoopbackHost("[::1]"), true);
    assert.equal(isLoopbackHost("127.0.0.1.nip.io"), false);
  });

  it("any plain-http host that is not loopback is refused (property)", () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        fc.pre(!isLoopbackHost(host));
        assert.throws(() => requireSecureTransport(`http://${host}/x`, "The endpoint"), { name: "InputError", message: /plain http.*use https/ });
      }),
    );
  });

  it("createHttpClient refuses such a base URL before any connection", () => {
    for (const baseURL of REFUSED) assert.throws(() => createHttpClient({ baseURL }), { name: "InputError" }, baseURL);
    assert.equal(connects.callCount, 0);
  });

  it("the Tuya client refuses a plain-http region or custom URL (library and flow file alike)", () => {
    for (const endpoint of ["http://openapi.example.org", "HTTP://10.1.1.1:80"]) {
      assert.throws(() => new TuyaOpenApi({ endpoint, accessId: "id", accessSecret: "secret" }), { name: "InputError", message: /plain http/ }, endpoint);
    }
    assert.equal(connects.callCount, 0);
  });

  it("the HOBOlink client refuses a plain-http base URL for both flavours", () => {
    assert.throws(() => createHoboClient({ flavour: "licor", token: "t0k3n-value", baseUrl: "http://hobo.example.org" }), {
      name: "InputError",
      message: /plain http/,
    });
    assert.throws(() => createHoboClient({ flavour: "legacy", clientId: "c", clientSecret: "s3cret", userId: "1", baseUrl: "http://hobo.example.org" }), {
      name: "InputError",
    });
    assert.equal(connects.callCount, 0);
  });

  it("a request path cannot leave the endpoint (a message's path such as //host/x), nothing is sent", async () => {
    const emu = new TuyaEmulator({ qps: 0 });
    await emu.start();
    const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    try {
      await api.connect();
      const before = emu.stats.requests;
      connects.resetHistory();
      await assert.rejects(api.request({ method: "GET", path: "//192.0.2.1/v1.0/x" }), { name: "InputError" });
      await assert.rejects(api.request({ method: "POST", path: "//evil.example.org/v1.0/x", body: {} }), { name: "InputError" });
      assert.equal(connects.callCount, 0, "no connection was opened for a refused URL");
      assert.equal(emu.stats.requests, before);
    } finally {
      await api.close();
      await emu.stop();
    }
  });
});
