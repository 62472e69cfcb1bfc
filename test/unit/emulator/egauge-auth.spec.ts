/**
 * eGauge emulator, JSON WebAPI login (reference §2): digest hash, nonce expiry, fresh 401 bodies,
 * token lifetime (beg + ltm), logout and reboot revocation, privileges, password-object rules.
 */
import assert from "node:assert/strict";
import { digestHash, EgaugeEmulator, REALM } from "../../../src/emulator/egauge";
import { login } from "./egauge-test-client";

describe("eGauge emulator: authentication", () => {
  let t = Date.UTC(2026, 5, 15, 12, 0, 0);
  const em = new EgaugeEmulator({ now: () => t });
  before(() => em.start());
  after(() => em.stop());

  it("hashes as the reference's worked vectors", () => {
    assert.equal(digestHash("owner", REALM, "test123", "test_server_nonce", "test_client_nonce"), "7789cd0487dfeb93711828b0b89913b3");
  });

  it("answers every protected path with a fresh nonce, and 200 once logged in", async () => {
    const a = (await (await fetch(`${em.url}/api/register?reg=all`)).json()) as { nnc: string; rlm: string; error: string };
    const res = await fetch(`${em.url}/api/auth/unauthorized`);
    assert.equal(res.status, 401);
    const b = (await res.json()) as { nnc: string };
    assert.equal(a.rlm, REALM);
    assert.equal(a.error, "Authentication required.");
    assert.notEqual(a.nnc, b.nnc);
    const auth = await login(em);
    assert.deepEqual(await (await fetch(`${em.url}/api/auth/unauthorized`, { headers: auth })).json(), { status: "OK" });
  });

  it("refuses an expired nonce, a bad hash and a malformed body distinctly", async () => {
    const { nnc } = (await (await fetch(`${em.url}/api/auth/unauthorized`)).json()) as { nnc: string };
    const post = (body: unknown) => fetch(`${em.url}/api/auth/login`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    const bad = await post({ rlm: REALM, usr: "owner", nnc, cnnc: "c", hash: digestHash("owner", REALM, "wrong", nnc, "c") });
    assert.equal(bad.status, 200);
    assert.match(((await bad.json()) as { error: string }).error, /Invalid/);
    assert.equal((await post("{not json")).status, 400);
    t += 61_000;
    const late = await post({ rlm: REALM, usr: "owner", nnc, cnnc: "c", hash: digestHash("owner", REALM, "owner-pass", nnc, "c") });
    assert.deepEqual(await late.json(), { error: "Nonce expired." });
    // The password object is refused over plain HTTP.
    assert.ok("error" in ((await (await post({ rlm: REALM, usr: "owner", pwd: "owner-pass" })).json()) as object));
  });

  it("expires tokens after beg + ltm, revokes on logout and on reboot", async () => {
    let auth = await login(em);
    const jwt = auth.Authorization.split(" ")[1];
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString()) as { beg: number; ltm: number; usr: string };
    assert.equal(claims.ltm, 600);
    assert.equal(claims.usr, "owner");
    t += 599_000;
    assert.equal((await fetch(`${em.url}/api/auth/unauthorized`, { headers: auth })).status, 200);
    t += 1_000;
    assert.equal((await fetch(`${em.url}/api/auth/unauthorized`, { headers: auth })).status, 401);
    auth = await login(em);
    assert.equal((await fetch(`${em.url}/api/auth/logout`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${em.url}/api/auth/unauthorized`, { headers: auth })).status, 401);
    auth = await login(em);
    em.reboot();
    assert.equal((await fetch(`${em.url}/api/auth/unauthorized`, { headers: auth })).status, 401);
  });

  it("answers a missing privilege with 401, and /auth/rights tells it apart", async () => {
    const viewer = await login(em, "viewer", "viewer-pass");
    assert.equal((await fetch(`${em.url}/api/sys/sn`, { headers: viewer })).status, 401);
    assert.deepEqual(await (await fetch(`${em.url}/api/auth/rights`, { headers: viewer })).json(), { usr: "viewer", rights: [] });
    assert.equal((await fetch(`${em.url}/api/register?reg=all`, { headers: viewer })).status, 200);
    const owner = await login(em);
    assert.deepEqual(await (await fetch(`${em.url}/api/sys/version/firmware`, { headers: owner })).json(), { result: "4.6.2" });
  });
});
