// ApiError: bestlab's ResponseError fields plus service code, request id, retry safety and a hint;
// no secret ever leaves through its message, JSON, toString, stack or inspection.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import { AbortError, ApiError, InputError, isAbortError, throwIfAborted } from "../../../src/core/errors";
import { secret, surroundings } from "./secrets";

describe("core/errors", () => {
  describe("ApiError", () => {
    it("carries status, code, service text, request id, retry safety and hint, with a readable message", () => {
      const fields = {
        platform: "tuya" as const,
        status: 200,
        code: 1106,
        serviceMessage: "permission deny",
        requestId: "a1b2c3",
        retryable: false,
        hint: "the device is not linked to this cloud project, or the region is wrong",
        method: "GET",
        path: "/v1.0/devices/x",
      };
      const err = new ApiError({ ...fields, responseText: '{"code":1106}' });
      assert.ok(err instanceof Error);
      assert.equal(err.name, "ApiError");
      assert.equal(err.message, "Tuya 1106 permission deny: the device is not linked to this cloud project, or the region is wrong");
      assert.equal(String(err), `ApiError: ${err.message}`);
      assert.equal(err.statusCode, 200);
      assert.equal(err.responseText, '{"code":1106}');
      assert.equal(err.notExecuted, false);
      assert.deepEqual(JSON.parse(JSON.stringify(err)), { name: "ApiError", message: err.message, kind: "permission", ...fields });
    });

    it("falls back to the HTTP status, and to the platform alone", () => {
      assert.equal(new ApiError({ platform: "hobolink", status: 502 }).message, "HOBOlink HTTP 502");
      assert.equal(new ApiError({ platform: "hobolink", status: 429, code: "SYS-002", serviceMessage: "" }).message, "HOBOlink SYS-002");
      assert.equal(new ApiError({ platform: "tuya" }).message, "Tuya");
      const plain = new ApiError({ platform: "tuya", code: "ECONNRESET" });
      assert.equal(plain.retryable, false);
      assert.equal(plain.responseText, "");
      assert.equal(new ApiError({ platform: "tuya", notExecuted: true, retryable: true, retryAfterMs: 2000 }).retryAfterMs, 2000);
    });

    it("keeps at most 2000 characters of the response text", () => {
      assert.equal(new ApiError({ platform: "tuya", responseText: "x".repeat(5000) }).responseText.length, 2000);
    });

    it("never shows a secret placed in any field, in any of its encodings", () => {
      fc.assert(
        fc.property(
          fc.array(secret, { minLength: 1, maxLength: 3 }),
          surroundings,
          fc.constantFrom<(s: string) => string>(
            (s) => s,
            encodeURIComponent,
            (s) => JSON.stringify(s).slice(1, -1),
          ),
          (secrets, around, encode) => {
            const [a, b = a, c = a] = secrets.map(encode);
            const err = new ApiError({
              platform: "hobolink",
              status: 401,
              code: `ERR-${a}`,
              serviceMessage: `Bad client credentials ${a}${around}`,
              requestId: `req-${b}`,
              hint: `${around}token ${b}`,
              responseText: `{"error_description":"${c}","access_token":"${a}"}`,
              method: "POST",
              path: `/ws/data/file/JSON/user/${c}?token=${b}`,
              secrets,
            });
            // Stack frames name this suite's own files, which a random secret may match by chance.
            const withoutFrames = (text: string) =>
              text
                .split("\n")
                .filter((line) => !/^\s+at /.test(line))
                .join("\n");
            const shown = [
              err.message,
              String(err),
              withoutFrames(err.stack ?? ""),
              JSON.stringify(err),
              withoutFrames(inspect(err, { depth: 5 })),
              err.responseText,
            ].join("\n");
            for (const s of secrets) {
              for (const form of [s, encode(s)]) assert.ok(!shown.includes(form), `${form} shows in:\n${shown}`);
            }
          },
        ),
      );
    });
  });

  describe("InputError and AbortError", () => {
    it("names them and recognises cancellations of every kind", () => {
      const input = new InputError("bad start");
      assert.equal(input.name, "InputError");
      assert.equal(input.message, "bad start");
      assert.equal(new AbortError().message, "The request was cancelled");
      assert.equal(new AbortError("closed").message, "closed");
      const named = (name: string) => Object.assign(new Error("x"), { name });
      assert.equal(isAbortError(new AbortError()), true);
      assert.equal(isAbortError(named("AbortError")), true);
      assert.equal(isAbortError(named("CanceledError")), true);
      for (const other of [input, new Error("AbortError"), "AbortError", undefined, { name: "AbortError" }]) assert.equal(isAbortError(other), false);
    });

    it("throws AbortError only once the signal has fired", () => {
      const controller = new AbortController();
      throwIfAborted(undefined);
      throwIfAborted(controller.signal);
      controller.abort();
      assert.throws(() => throwIfAborted(controller.signal), AbortError);
    });
  });
});
