// HOBOlink emulator: the legacy OAuth2 token endpoint over real HTTP (reference §1).
import assert from "node:assert/strict";
import { HoboEmulator } from "../../../src/emulator/hobo";

describe("HOBOlink emulator: token endpoint", () => {
  let emu: HoboEmulator;
  let url: string;

  before(async () => {
    emu = new HoboEmulator();
    url = await emu.start();
  });
  after(() => emu.stop());

  function post(body: string | URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${url}/ws/auth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: String(body) });
  }

  function assertTokenHeaders(res: Response): void {
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("pragma"), "no-cache");
  }

  it("has the documented default credentials shape", () => {
    assert.equal(emu.legacy.clientId, "BESTLab_WS");
    assert.match(emu.legacy.clientSecret, /^[0-9a-f]{40}$/);
    assert.equal(emu.legacy.userId, "26954");
    assert.match(emu.licor.token, /^[A-Za-z0-9]{48}$/);
    assert.equal(emu.url, url);
  });

  it("issues a bearer token for form credentials", async () => {
    const res = await post(new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }));
    assert.equal(res.status, 200);
    assertTokenHeaders(res);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["access_token", "token_type", "expires_in"]);
    assert.match(body.access_token as string, /^[0-9a-f]{32}$/);
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 600);
  });

  it("accepts HTTP Basic client authentication", async () => {
    const basic = Buffer.from(`${emu.legacy.clientId}:${emu.legacy.clientSecret}`).toString("base64");
    const res = await post("grant_type=client_credentials", { Authorization: `Basic ${basic}` });
    assert.equal(res.status, 200);
    assertTokenHeaders(res);
  });

  it("answers 400 invalid_request when a field is missing", async () => {
    for (const body of [
      `client_id=${emu.legacy.clientId}&client_secret=${emu.legacy.clientSecret}`,
      `grant_type=client_credentials&client_id=${emu.legacy.clientId}`,
      "grant_type=client_credentials",
    ]) {
      const res = await post(body);
      assert.equal(res.status, 400, body);
      assertTokenHeaders(res);
      const err = (await res.json()) as Record<string, string>;
      assert.equal(err.error, "invalid_request");
      assert.ok(err.error_description.length > 0);
    }
  });

  it("answers 400 unsupported_grant_type for other grants", async () => {
    const res = await post(new URLSearchParams({ grant_type: "password", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret }));
    assert.equal(res.status, 400);
    assertTokenHeaders(res);
    assert.equal(((await res.json()) as Record<string, string>).error, "unsupported_grant_type");
  });

  it("answers 401 invalid_client for an unknown client or a wrong secret", async () => {
    for (const [id, secret] of [
      ["Someone_WS", emu.legacy.clientSecret],
      [emu.legacy.clientId, "0".repeat(40)],
    ]) {
      const res = await post(new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: secret }));
      assert.equal(res.status, 401);
      assertTokenHeaders(res);
      const err = (await res.json()) as Record<string, string>;
      assert.deepEqual(Object.keys(err), ["error", "error_description"]);
      assert.equal(err.error, "invalid_client");
    }
    const basic = Buffer.from(`${emu.legacy.clientId}:nope`).toString("base64");
    const res = await post("grant_type=client_credentials", { Authorization: `Basic ${basic}` });
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Basic/);
  });

  it("only answers POST", async () => {
    const res = await fetch(`${url}/ws/auth/token`);
    assert.equal(res.status, 405);
  });

  it("keeps older tokens valid by default, and can revoke them on a new token", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret });
    const dataUrl = (u: string): string =>
      `${u}/ws/data/file/JSON/user/26954?loggers=21309641&start_date_time=2020-01-01+00%3A00%3A00&end_date_time=2020-01-01+01%3A00%3A00`;
    const token = async (u: string): Promise<string> =>
      ((await (await fetch(`${u}/ws/auth/token`, { method: "POST", body: form })).json()) as { access_token: string }).access_token;

    const first = await token(url);
    await token(url);
    assert.equal((await fetch(dataUrl(url), { headers: { Authorization: `Bearer ${first}` } })).status, 200);

    const strict = new HoboEmulator({ revokeOnNewToken: true });
    const u2 = await strict.start();
    try {
      const old = await token(u2);
      const fresh = await token(u2);
      assert.equal((await fetch(dataUrl(u2), { headers: { Authorization: `Bearer ${old}` } })).status, 401);
      assert.equal((await fetch(dataUrl(u2), { headers: { Authorization: `Bearer ${fresh}` } })).status, 200);
    } finally {
      await strict.stop();
    }
  });

  it("expires tokens after tokenLifetimeSec on the injected clock", async () => {
    let now = Date.UTC(2025, 5, 15, 12);
    const e = new HoboEmulator({ now: () => now, tokenLifetimeSec: 5 });
    const u = await e.start();
    try {
      const res = await fetch(`${u}/ws/auth/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: e.legacy.clientId, client_secret: e.legacy.clientSecret }),
      });
      const tok = (await res.json()) as { access_token: string; expires_in: number };
      assert.equal(tok.expires_in, 5);
      const data = (): Promise<Response> =>
        fetch(`${u}/ws/data/file/JSON/user/26954?loggers=21309641&start_date_time=2025-06-15+10%3A00%3A00&end_date_time=2025-06-15+11%3A00%3A00`, {
          headers: { Authorization: `Bearer ${tok.access_token}` },
        });
      assert.equal((await data()).status, 200);
      now += 4_999;
      assert.equal((await data()).status, 200);
      now += 1;
      assert.equal((await data()).status, 401);
    } finally {
      await e.stop();
    }
  });
});
