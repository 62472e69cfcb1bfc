// HOBOlink and OAuth error bodies become the core ApiError with a hint; non-JSON is an ApiError too.
import assert from "node:assert/strict";
import type { AxiosResponse } from "axios";
import { ApiError } from "../../../src/core/errors";
import { hoboErrorHint } from "../../../src/hobo";
import { errorFromResponse, isConnectionError } from "../../../src/hobo/errors";

function res(status: number, body: unknown, headers: Record<string, string> = {}): AxiosResponse {
  const data = typeof body === "string" ? body : JSON.stringify(body);
  return { status, statusText: "", data, headers: { "content-type": "application/json", ...headers }, config: {} as AxiosResponse["config"] } as AxiosResponse;
}

const ctx = { method: "GET", path: "/ws/data/file/JSON/user/26954", secrets: ["7c4a8d09ca3762af61e59520943dc26494f8941b"] };

describe("hobo errors", () => {
  it("has a hint for the published codes and the OAuth errors", () => {
    for (const code of [
      "VAL-001",
      "VAL-002",
      "VAL-004",
      "VAL-006",
      "VAL-033",
      "VAL-034",
      "ATH-001",
      "SYS-001",
      "SYS-002",
      "DBM-026",
      "WCE-001",
      "invalid_client",
      "invalid_request",
      "unsupported_grant_type",
    ]) {
      assert.ok(hoboErrorHint(code), code);
    }
    assert.equal(hoboErrorHint("XYZ-999"), undefined);
  });

  it("tells connection failures (shown on every node of the account) from one request's own (throttling, bad values)", () => {
    const of = (status: number, code: string) =>
      isConnectionError(errorFromResponse(res(status, { error: code, message: code, error_description: code }), ctx));
    assert.deepEqual(
      [of(401, "ATH-001"), of(403, "ATH-002"), of(503, "SYS-000"), of(400, "invalid_client"), of(509, "SYS-001"), of(429, "SYS-002"), of(400, "VAL-006")],
      [true, true, true, true, false, false, false],
    );
  });

  it("turns a HOBOlink error body into an ApiError with code, server text and hint", () => {
    const err = errorFromResponse(
      res(400, { error: "VAL-006", message: "Bad query date format: start_date_time=x.", error_description: "Bad query date format." }),
      ctx,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 400);
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, "VAL-006");
    assert.equal(err.serviceMessage, "Bad query date format: start_date_time=x.");
    assert.match(err.message, /^HOBOlink VAL-006 Bad query date format: start_date_time=x\.: a date is not/);
    assert.equal(err.retryable, false);
  });

  it("keeps both texts when message and description differ", () => {
    const err = errorFromResponse(res(400, { error: "VAL-034", message: "No user ID provided.", error_description: "Invalid request." }), ctx);
    assert.equal(err.serviceMessage, "No user ID provided. (Invalid request.)");
    assert.match(err.message, /user id/);
  });

  it("turns an OAuth error into an ApiError that names the credentials, without the secret", () => {
    const err = errorFromResponse(res(401, { error: "invalid_client", error_description: `Bad client credentials ${ctx.secrets[0]}` }), {
      ...ctx,
      method: "POST",
      path: "/ws/auth/token",
    });
    assert.equal(err.code, "invalid_client");
    assert.match(err.message, /client id or secret is wrong/);
    assert.doesNotMatch(JSON.stringify(err) + err.message + err.responseText, /7c4a8d09ca/);
    assert.equal(err.notExecuted, true);
  });

  it("marks throttling retryable and reads Retry-After", () => {
    const err = errorFromResponse(
      res(429, { error: "SYS-002", message: "Too many requests.", error_description: "Too many requests." }, { "retry-after": "3" }),
      ctx,
    );
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 3000);
    assert.equal(errorFromResponse(res(509, { error: "SYS-001" }), ctx).retryable, true);
    assert.equal(errorFromResponse(res(500, { error: "DBM-026" }), ctx).retryable, true);
  });

  it("shows an unknown code with the server's own text", () => {
    const err = errorFromResponse(res(418, { error: "TEA-001", message: "I am a teapot." }), ctx);
    assert.equal(err.message, "HOBOlink TEA-001 I am a teapot.");
  });

  it("makes a non-JSON body an ApiError, not a parse crash", () => {
    const err = errorFromResponse(res(502, "<html><body>502 Bad Gateway</body></html>", { "content-type": "text/html" }), ctx);
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 502);
    assert.equal(err.retryable, true);
    assert.match(err.message, /non-JSON/);
  });

  it("falls back to the status when a JSON body has no code", () => {
    const err = errorFromResponse(res(403, {}), ctx);
    assert.equal(err.code, "HTTP 403");
    assert.match(err.message, /token was rejected/);
  });
});
