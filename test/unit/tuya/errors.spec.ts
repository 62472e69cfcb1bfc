// Errors (reference §5): every documented code becomes an ApiError with code, msg, tid and a hint;
// proxy pages are ApiErrors, not parse crashes; secrets and tokens never reach an error or a log.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiError } from "../../../src/core/errors";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { tuyaErrorHint, TuyaOpenApi } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

// Reference §5.2, with the message the emulator (and Tuya) sends where it has one.
const CODES = [
  500, 1000, 1001, 1002, 1003, 1004, 1005, 1010, 1011, 1012, 1013, 1100, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1110, 1111, 1112, 1113, 1114,
  1199, 1400, 2001, 2002, 2003, 2007, 2008, 2009, 2010, 28841001, 28841002, 28841004, 28841101, 28841105, 28841106, 28841107,
];

describe("tuya errors", () => {
  let r: Rig;
  const status = () => r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
  beforeEach(async () => {
    r = await rig({}, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    await r.api.connect();
  });
  afterEach(() => r.close());

  it("every documented code: an ApiError with the code, Tuya's msg, the tid and a hint", async () => {
    for (const code of CODES) {
      const msg = `message for ${code}`;
      r.emu.faults.clear();
      r.emu.faults.failNext(4, { code, msg, path: "/status" });
      const err = await rejection(status());
      assert.ok(err instanceof ApiError, String(code));
      assert.equal(err.code, code);
      assert.equal(err.status, 200, "Tuya answers errors with HTTP 200");
      assert.equal(err.serviceMessage, msg);
      assert.match(err.requestId ?? "", /^[0-9a-f]{32}$/, "the tid, for support tickets");
      const hint = tuyaErrorHint(code);
      assert.ok(hint, `a hint for ${code}`);
      assert.equal(err.hint, hint);
      assert.equal(err.message, `Tuya ${code} ${msg}: ${hint}`);
      assert.equal(err.path, `/v1.0/iot-03/devices/${r.ids.plug}/status`);
      assert.equal(err.method, "GET");
    }
  });

  it("an unknown code keeps the server's text and has no hint", async () => {
    r.emu.faults.failNext(1, { code: 4242, msg: "something new", path: "/status" });
    const err = await rejection(status());
    assert.equal(err.message, "Tuya 4242 something new");
    assert.equal((err as ApiError).retryable, false);
  });

  it("an HTML 502 from a proxy is an ApiError that says so, not a JSON parse crash", async () => {
    r.emu.faults.failNext(5, { html: true, path: "/status" });
    const err = await rejection(status());
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 502);
    assert.equal(err.code, "HTTP 502");
    assert.match(err.message, /non-JSON body \(text\/html\)/);
    assert.match(err.responseText, /502 Bad Gateway/);
    assert.equal(err.retryable, true);
  });

  it("an HTTP error with a Tuya body keeps the Tuya code; one without says the status", async () => {
    r.emu.faults.failNext(2, { httpStatus: 503, code: 1111, path: "/status" });
    const busy = await rejection(status());
    assert.equal((busy as ApiError).code, 1111);
    assert.equal((busy as ApiError).status, 503);
    r.emu.faults.clear();
    r.emu.faults.failNext(1, { httpStatus: 404, html: true, path: "/status" });
    const missing = await rejection(status());
    assert.equal((missing as ApiError).code, "HTTP 404");
    assert.match(missing.message, /check the endpoint URL/);
  });

  it("the message of an error from the refresh path names the template, never the refresh token", async () => {
    r.emu.faults.failNext(1, { code: 1001, path: "/v1.0/token/" });
    r.emu.faults.failNext(1, { code: 1001, path: "/v1.0/token" });
    r.emu.faults.expireTokens();
    const err = await rejection(status());
    assert.equal((err as ApiError).path, "/v1.0/token");
    for (const t of r.emu.issuedTokens()) assert.ok(!JSON.stringify(err).includes(t));
  });
});

describe("tuya errors: secrets and tokens never leak (fast-check)", () => {
  const secretArb = fc.stringMatching(/^[A-Za-z0-9]{16,40}$/);
  const idArb = fc.stringMatching(/^[a-z0-9]{12,24}$/);

  it("not in errors, their JSON, their response text, nor in the client's logs", async () => {
    await fc.assert(
      fc.asyncProperty(idArb, secretArb, fc.constantFrom("code", "html", "refresh"), async (accessId, accessSecret, kind) => {
        const emu = new TuyaEmulator({ accessId, accessSecret, qps: 0 });
        const lines: string[] = [];
        const api = new TuyaOpenApi({
          endpoint: await emu.start(),
          accessId,
          accessSecret,
          requestsPerSecond: 0,
          retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
          logger: { debug: (m) => lines.push(m), warn: (m) => lines.push(m) },
        });
        try {
          const plug = emu.devices[0].id;
          await api.get(`/v1.0/iot-03/devices/${plug}/status`);
          const [access, refresh] = emu.issuedTokens();
          // A server (or proxy) that echoes credentials back in its error text.
          const echo = `denied: secret=${accessSecret} token ${access} refresh ${refresh} ${encodeURIComponent(accessSecret)}`;
          if (kind === "code") emu.faults.failNext(2, { code: 1106, msg: echo, path: "/status" });
          if (kind === "html") emu.faults.failNext(2, { httpStatus: 500, code: 500, msg: echo, path: "/status" });
          if (kind === "refresh") {
            emu.faults.expireTokens();
            emu.faults.failNext(1, { code: 1011, msg: echo, path: `/v1.0/token/${refresh}` });
            emu.faults.failNext(1, { code: 1001, msg: echo, path: "/v1.0/token?" });
          }
          const err = await rejection(api.get(`/v1.0/iot-03/devices/${plug}/status`));
          assert.ok(err instanceof ApiError);
          const text = [err.message, err.stack ?? "", err.responseText, JSON.stringify(err), JSON.stringify(err.toJSON()), ...lines].join("\n");
          for (const s of [accessSecret, ...emu.issuedTokens()]) assert.ok(!text.includes(s), `leaked ${s} (${kind})`);
        } finally {
          await api.close();
          await emu.stop();
        }
      }),
      { numRuns: 20 },
    );
  });
});
