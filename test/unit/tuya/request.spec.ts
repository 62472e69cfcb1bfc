import { strict as assert } from "node:assert";
import { InputError } from "../../../src/core/errors";
import { prepareRequest, signedHeaders } from "../../../src/tuya/request";

describe("Tuya request preparation (src/tuya/request.ts)", () => {
  it("merges an inline query with the query object (the object wins) and joins lists", () => {
    const p = prepareRequest({ method: "GET", path: "/v1.0/devices?page_size=5&x=1", query: { x: 2, ids: ["a", "b"] } });
    assert.deepEqual(p.query, { page_size: "5", x: 2, ids: "a,b" });
    assert.equal(p.path, "/v1.0/devices");
    assert.equal(p.template, "GET /v1.0/devices");
  });

  it("refuses a bad method, a relative path and an object query value before anything is sent", () => {
    assert.throws(() => prepareRequest({ method: "PATCH" as never, path: "/x" }), InputError);
    assert.throws(() => prepareRequest({ method: "GET", path: "x" }), InputError);
    assert.throws(() => prepareRequest({ method: "GET", path: "/x", query: { a: { b: 1 } } }), InputError);
  });

  it("signs the exact body bytes and sends the token only off the token paths", () => {
    const setup = { accessId: "id", accessSecret: "secret", lang: "en", legacy: false, useNonce: false, extraHeaders: {}, signedHeaderNames: [] };
    const post = signedHeaders(prepareRequest({ method: "POST", path: "/v1.0/x", body: { a: 1 } }), setup, "tok", 1000);
    assert.equal(post.headers.access_token, "tok");
    assert.equal(post.headers["Content-Type"], "application/json");
    const grant = signedHeaders(prepareRequest({ method: "GET", path: "/v1.0/token?grant_type=1" }), setup, "tok", 1000);
    assert.equal(grant.headers.access_token, undefined);
    assert.notEqual(grant.headers.sign, post.headers.sign);
  });
});
