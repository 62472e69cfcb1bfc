// Error kinds: every error, from any cloud or none, falls in exactly one of seven kinds, the same
// for the same trouble on every platform; errorDetails() always carries it. The typed errors for a
// missing config node and a partly failed multi-device command say what a flow needs.
import assert from "node:assert/strict";
import { AxiosError } from "axios";
import fc from "fast-check";
import { CommandPartlyFailedError, errorDetails, errorKind } from "../../../src/core/error-details";
import { classifiedCodes, ERROR_KINDS, isErrorKind, kindOfFailure, type ErrorKind } from "../../../src/core/error-kind";
import { AbortError, ApiError, ConfigMissingError, InputError, type Platform } from "../../../src/core/errors";
import { transportError } from "../../../src/core/http";
import { hoboHintCodes } from "../../../src/hobo/errors";
import { tuyaHintCodes } from "../../../src/tuya/errors";
import * as entry from "../../../src/index";

const api = (platform: Platform, status: number | undefined, code?: number | string) => new ApiError({ platform, status, code });

describe("core/error-kind", () => {
  it("classifies the documented codes, statuses and transport failures of every cloud (table)", () => {
    const cases: [string, unknown, ErrorKind][] = [
      // Credentials and tokens.
      ["Tuya 1004 sign invalid", api("tuya", 200, 1004), "auth"],
      ["Tuya 1010 token expired", api("tuya", 200, 1010), "auth"],
      ["Tuya 1011 token invalid", api("tuya", 200, 1011), "auth"],
      ["Tuya 1001 secret invalid", api("tuya", 200, 1001), "auth"],
      ["Tuya 1013 request time", api("tuya", 200, 1013), "auth"],
      ["HOBOlink 401 ATH-001", api("hobolink", 401, "ATH-001"), "auth"],
      ["HOBOlink 401 invalid_client", api("hobolink", 401, "invalid_client"), "auth"],
      ["eGauge AUTH", api("egauge", 401, "AUTH"), "auth"],
      ["HTTP 401 without a code", api("tuya", 401, "HTTP 401"), "auth"],
      // Allowed or not.
      ["Tuya 1106 permission deny", api("tuya", 200, 1106), "permission"],
      ["Tuya 28841002 subscription expired", api("tuya", 200, 28841002), "permission"],
      ["Tuya 1114 ip not allowed", api("tuya", 200, 1114), "permission"],
      ["HOBOlink 400 ATH-008 logger not owned", api("hobolink", 400, "ATH-008"), "permission"],
      ["eGauge PRIVILEGE", api("egauge", 401, "PRIVILEGE"), "permission"],
      ["HTTP 403", api("egauge", 403, "HTTP 403"), "permission"],
      // Too much.
      ["Tuya 1199 too frequent", api("tuya", 200, 1199), "throttled"],
      ["Tuya 1110 concurrency", api("tuya", 200, 1110), "throttled"],
      ["Tuya 1111 busy", api("tuya", 200, 1111), "throttled"],
      ["Tuya 28841004 quota used up", api("tuya", 200, 28841004), "throttled"],
      ["HOBOlink 429 SYS-002", api("hobolink", 429, "SYS-002"), "throttled"],
      ["HOBOlink 509 SYS-001", api("hobolink", 509, "SYS-001"), "throttled"],
      ["HTTP 429 from a proxy", api("tuya", 429, "HTTP 429"), "throttled"],
      // No usable answer.
      ["timeout", transportError(new AxiosError("timeout of 10000ms exceeded", "ECONNABORTED"), "tuya", "GET", "/x"), "network"],
      ["reset", transportError(new AxiosError("socket hang up", "ECONNRESET"), "hobolink", "GET", "/x"), "network"],
      ["refused", transportError(new AxiosError("connect ECONNREFUSED", "ECONNREFUSED"), "egauge", "GET", "/x"), "network"],
      ["unknown host", transportError(new AxiosError("getaddrinfo ENOTFOUND", "ENOTFOUND"), "tuya", "GET", "/x"), "network"],
      ["Tuya 2001 device offline", api("tuya", 200, 2001), "network"],
      ["a cancelled call", new AbortError(), "network"],
      ["a socket error", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "network"],
      ["AbortSignal.timeout", new DOMException("The operation timed out", "TimeoutError"), "network"],
      ["the total time bound", Object.assign(new Error("gave up after 3 attempts in 60 s"), { name: "TimeBoundError" }), "network"],
      // Nothing there.
      ["Tuya 2010 device not exist", api("tuya", 200, 2010), "not-found"],
      ["Tuya 2009 not support this device", api("tuya", 200, 2009), "not-found"],
      ["Tuya 1000 data not exist", api("tuya", 200, 1000), "not-found"],
      ["eGauge 404", api("egauge", 404, "HTTP 404"), "not-found"],
      ["HOBOlink 404", api("hobolink", 404, "HTTP 404"), "not-found"],
      // Bad input.
      ["InputError", new InputError("bad device id"), "invalid"],
      ["ConfigMissingError", new ConfigMissingError("tuya-config"), "invalid"],
      ["Tuya 1104 type is incorrect", api("tuya", 200, 1104), "invalid"],
      ["Tuya 1109 param illegal", api("tuya", 200, 1109), "invalid"],
      ["HOBOlink 400 VAL-006", api("hobolink", 400, "VAL-006"), "invalid"],
      ["HTTP 400", api("egauge", 400, "HTTP 400"), "invalid"],
      // The service failed.
      ["Tuya 500", api("tuya", 500, 500), "server"],
      ["Tuya 500 in a 200 answer", api("tuya", 200, 500), "server"],
      ["HOBOlink 500 DBM-026", api("hobolink", 500, "DBM-026"), "server"],
      ["a proxy's 502 page", api("hobolink", 502, "HTTP 502"), "server"],
      ["eGauge FORMAT", api("egauge", undefined, "FORMAT"), "server"],
      ["Tuya CURSOR_REPEATED", api("tuya", undefined, "CURSOR_REPEATED"), "server"],
      ["an unknown Tuya code", api("tuya", 200, 424242), "server"],
      ["a bug", new TypeError("x is not a function"), "server"],
      ["a thrown string", "boom", "server"],
    ];
    for (const [what, err, kind] of cases) {
      assert.equal(errorKind(err), kind, what);
      assert.equal(errorDetails(err).kind, kind, `${what}: errorDetails`);
    }
  });

  it("the same trouble is the same kind on every cloud: a rejected credential is auth for Tuya, HOBOlink and eGauge", () => {
    const kinds = [api("tuya", 200, 1010), api("hobolink", 401, "ATH-001"), api("egauge", 401, "AUTH")].map(errorKind);
    assert.deepEqual(kinds, ["auth", "auth", "auth"]);
  });

  it("every code the clients have a hint for is in the kind tables", () => {
    for (const code of tuyaHintCodes()) assert.ok(classifiedCodes("tuya").includes(code), `Tuya ${code}`);
    for (const code of hoboHintCodes()) assert.ok(classifiedCodes("hobolink").includes(code), `HOBOlink ${code}`);
  });

  it("every error gets exactly one of the seven kinds, and errorDetails carries it with the name and message (property)", () => {
    const code = fc.oneof(
      fc.integer({ min: -1, max: 30_000_000 }),
      fc.constantFrom(...classifiedCodes("tuya"), ...classifiedCodes("hobolink"), ...classifiedCodes("egauge")),
      fc.string({ maxLength: 12 }),
    );
    const status = fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined });
    const platform = fc.constantFrom<Platform>("tuya", "hobolink", "egauge");
    const anyError = fc.oneof(
      fc.record({ platform, status, code: fc.option(code, { nil: undefined }) }).map((init) => new ApiError(init)),
      fc.string().map((m) => new InputError(m)),
      fc.string().map((t) => new ConfigMissingError(t || "tuya-config")),
      fc.string().map((m) => new AbortError(m)),
      fc
        .tuple(fc.string(), fc.option(fc.string({ maxLength: 12 }), { nil: undefined }))
        .map(([m, c]) => Object.assign(new Error(m), c === undefined ? {} : { code: c })),
      fc
        .array(fc.record({ deviceId: fc.string(), ok: fc.boolean(), kind: fc.option(fc.constantFrom(...ERROR_KINDS), { nil: undefined }) }), { maxLength: 5 })
        .map((r) => new CommandPartlyFailedError("partly", r)),
      fc.anything({ withNullPrototype: true }),
    );
    fc.assert(
      fc.property(anyError, (err) => {
        const kind = errorKind(err);
        assert.equal(ERROR_KINDS.filter((k) => k === kind).length, 1);
        const details = errorDetails(err);
        assert.equal(details.kind, kind);
        assert.equal(typeof details.name, "string");
        assert.equal(typeof details.message, "string");
        if (err instanceof ApiError) assert.equal(err.toJSON().kind, kind);
      }),
      { numRuns: 2000 },
    );
  });

  it("a code decides before the status; the status before a transport code; a thrower may say the kind itself", () => {
    assert.equal(kindOfFailure("hobolink", 401, "ATH-008"), "permission");
    assert.equal(kindOfFailure("tuya", 500, 1106), "permission");
    assert.equal(kindOfFailure("tuya", 503, "ECONNRESET"), "server", "an answer came");
    assert.equal(kindOfFailure("tuya", undefined, "ECONNRESET"), "network");
    assert.equal(new ApiError({ platform: "tuya", code: "X", kind: "throttled" }).kind, "throttled");
    assert.ok(isErrorKind("not-found") && !isErrorKind("notfound") && !isErrorKind(undefined));
  });

  describe("typed errors", () => {
    it("ConfigMissingError: an InputError naming the config node to choose", () => {
      const err = new ConfigMissingError("hobo-config");
      assert.ok(err instanceof InputError);
      assert.equal(err.name, "ConfigMissingError");
      assert.match(err.message, /No hobo-config node is selected/);
      assert.deepEqual(errorDetails(err), { name: "ConfigMissingError", message: err.message, kind: "invalid", configType: "hobo-config" });
    });

    it("CommandPartlyFailedError: each device's result from a command node's payload, the first failure's kind", () => {
      const err = CommandPartlyFailedError.fromPayload("1 of 3 failed", [
        { id: "a", name: "Plug", success: true },
        { id: "b", success: false, error: { name: "ApiError", code: 1106, message: "Tuya 1106 permission deny", kind: "permission", outcome: "not executed" } },
        { id: "c", success: false, error: { name: "Error", message: "no answer", outcome: "unknown" } },
      ]);
      assert.equal(err.name, "CommandPartlyFailedError");
      assert.equal(err.kind, "permission");
      assert.deepEqual(
        err.failed.map((r) => r.deviceId),
        ["b", "c"],
      );
      assert.deepEqual(errorDetails(err), {
        name: "CommandPartlyFailedError",
        message: "1 of 3 failed",
        kind: "permission",
        results: [
          { deviceId: "a", name: "Plug", ok: true },
          { deviceId: "b", ok: false, code: 1106, message: "Tuya 1106 permission deny", kind: "permission", outcome: "not executed" },
          { deviceId: "c", ok: false, code: "Error", message: "no answer", kind: undefined, outcome: "unknown" },
        ],
      });
    });

    it("are exported from the main entry with the classifier", () => {
      assert.equal(entry.ConfigMissingError, ConfigMissingError);
      assert.equal(entry.CommandPartlyFailedError, CommandPartlyFailedError);
      assert.equal(entry.errorKind, errorKind);
      assert.deepEqual(entry.ERROR_KINDS, ["auth", "permission", "throttled", "network", "not-found", "invalid", "server"]);
    });
  });
});
