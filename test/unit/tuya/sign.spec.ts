// Request signing (reference §3): every vector of §3.7 against src/tuya/sign.ts, then the client's
// signatures verified by the emulator for any query and body (fast-check), with nonce,
// Signature-Headers and the legacy algorithm.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiError, InputError } from "../../../src/core/errors";
import { isTokenPath, signRequest, TuyaOpenApi, type SignInput, type TuyaOpenApiOptions } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

const E = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// §3.7 A: Tuya's published example (nonce + Signature-Headers area_id:call_id).
const A = {
  clientId: "1KAD46OrT9HafiKdsXeg",
  secret: "4OHBOnWOqaEC1mWXOpVL3yV50s0qGSRC",
  t: 1588925778000,
  nonce: "5138cc3a9033d69856923fd07b491173",
  accessToken: "3f4eda2bdec17232f67c0b188af3eec1",
  signatureHeaders: { area_id: "29a33e8796834b1efa6", call_id: "8afdb70ab2ed11eb85290242ac130003" },
};

// §3.7 D: self-computed bestlab-style vectors (no nonce, no Signature-Headers).
const D = {
  clientId: "emuclientid0000000001",
  secret: "emusecret00000000000000000000001",
  accessToken: "emuaccesstoken000000000000000001",
  t: 1700000000000,
};

const d = (over: Partial<SignInput>): SignInput => ({ clientId: D.clientId, secret: D.secret, t: D.t, method: "GET", path: "/", ...over });

describe("tuya signing: reference §3.7 vectors", () => {
  it("A token request: nonce and Signature-Headers, no access token", () => {
    const s = signRequest({ ...A, accessToken: undefined, method: "GET", path: "/v1.0/token", query: { grant_type: 1 } });
    assert.equal(s.sign, "9E48A3E93B302EEECC803C7241985D0A34EB944F40FB573C7B5C2A82158AF13E");
    assert.equal(s.stringToSign, `GET\n${E}\narea_id:29a33e8796834b1efa6\ncall_id:8afdb70ab2ed11eb85290242ac130003\n\n/v1.0/token?grant_type=1`);
  });

  it("A business request: query keys sorted although page_size is given first", () => {
    const s = signRequest({ ...A, method: "GET", path: "/v2.0/apps/schema/users", query: { page_size: 50, page_no: 1 } });
    assert.equal(s.sign, "AE4481C692AA80B25F3A7E12C3A5FD9BBF6251539DD78E565A1A72A508A88784");
    assert.ok(s.stringToSign.endsWith("\n/v2.0/apps/schema/users?page_no=1&page_size=50"));
    assert.equal(s.url, "/v2.0/apps/schema/users?page_no=1&page_size=50");
  });

  it("B legacy token and business signs (client_id [+ access_token] + t only)", () => {
    const base = { clientId: A.clientId, secret: A.secret, t: A.t, method: "GET", legacy: true };
    assert.equal(
      signRequest({ ...base, path: "/v1.0/token", query: { grant_type: 1 } }).sign,
      "CEAAFB5CCDC2F723A9FD3E91D3D2238EE0DD9A6D7C3C365DEB50FC2AF277AA83",
    );
    assert.equal(
      signRequest({ ...base, accessToken: A.accessToken, path: "/v2.0/apps/schema/users" }).sign,
      "36C30E300F226B68ADD014DD1EF56A81EDB7B7A817840485769B9D6C96D0FAA1",
    );
  });

  it("C the official Node SDK's legacy business sign", () => {
    const s = signRequest({
      clientId: "this-is-mock-accessKey",
      secret: "this-is-mock-secretKey",
      accessToken: "c5b8e7f847d1382d242e90a93be291cc",
      t: 1615274964146,
      method: "GET",
      path: "/v1.0/iot-03/devices/x",
      legacy: true,
    });
    assert.equal(s.sign, "625F3177068C99E176760A64D598D0D6066798B19C2C5C374A424D4CE7E277FA");
  });

  it("D A1 grant and A2 refresh are signed without the access token", () => {
    assert.equal(signRequest(d({ path: "/v1.0/token", query: { grant_type: 1 } })).sign, "78235B2402C73FB740334A7B43D9230C6B8DFD42574B1C27844F3A9C62757DF7");
    const a2 = signRequest(d({ path: "/v1.0/token/emurefreshtoken00000000000000001" }));
    assert.equal(a2.sign, "D230D068DFEF4FE0FBAEA2EAAF40D63F45F95859712D81C0836250869CA18BF1");
    assert.equal(a2.stringToSign, `GET\n${E}\n\n/v1.0/token/emurefreshtoken00000000000000001`);
  });

  it("D C1 batch status: the comma list is signed raw and sent percent-encoded", () => {
    const s = signRequest(d({ accessToken: D.accessToken, path: "/v1.0/iot-03/devices/status", query: { device_ids: "dev1,dev2,dev3" } }));
    assert.equal(s.sign, "C0BAE50D5E6A968C8325AF8F5B0A6E2840892F1CE0A710C6F6CE1426D24AAB56");
    assert.equal(s.url, "/v1.0/iot-03/devices/status?device_ids=dev1%2Cdev2%2Cdev3");
  });

  it("D D1 compact and D2 Python-spaced bodies: the hash covers the exact text", () => {
    const post = (body: string) => signRequest(d({ accessToken: D.accessToken, method: "POST", path: "/v1.0/iot-03/devices/dev1/commands", body }));
    const d1 = post(JSON.stringify({ commands: [{ code: "switch_1", value: true }] }));
    assert.equal(d1.sign, "1F197C5FFC69338BBF3A1184C19444A881006D502D33A78A47697CC1B60CF820");
    assert.ok(d1.stringToSign.includes("00c2368c059275b6f529e038fc079d641a933173858053bf72070d768d072f0e"));
    const d2 = post('{"commands": [{"code": "switch_1", "value": true}]}');
    assert.equal(d2.sign, "375FF10DD3EB552EC788EB2B3ECA1C4A420626B3B34CC6132114BA158C808DF8");
    assert.ok(d2.stringToSign.includes("f91c1e221662f76e44b8eb47289228b9ce8cbb8c635ee66494c1f3b040e7372a"));
  });

  it("D E1 logs with a +/= cursor: sorted and raw in the signature, encoded on the wire", () => {
    const s = signRequest(
      d({
        accessToken: D.accessToken,
        path: "/v1.0/devices/dev1/logs",
        query: { type: 7, start_time: 1699990000000, end_time: 1700000000000, size: 100, start_row_key: "abc+/==" },
      }),
    );
    assert.equal(s.sign, "BB6C202480FCFA6CB13AD8CB37E093E09A6BA410F075F82D9ED18DEED33027BB");
    assert.ok(s.stringToSign.endsWith("/v1.0/devices/dev1/logs?end_time=1700000000000&size=100&start_row_key=abc+/==&start_time=1699990000000&type=7"));
    assert.ok(s.url.includes("start_row_key=abc%2B%2F%3D%3D"));
  });

  it("D F1 nonce and Signature-Headers: client_id (homebridge style)", () => {
    const s = signRequest(
      d({
        accessToken: D.accessToken,
        path: "/v1.0/iot-03/devices/dev1/status",
        nonce: "5f0e3c2a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
        signatureHeaders: { client_id: D.clientId },
      }),
    );
    assert.equal(s.sign, "2B5481BC53F70F6006DFF36B903BBA70961E0DA850E701CE139F95F900B4C607");
    assert.equal(s.stringToSign, `GET\n${E}\nclient_id:${D.clientId}\n\n/v1.0/iot-03/devices/dev1/status`);
  });

  it("leaves null and undefined query values out of both signature and URL", () => {
    const s = signRequest(d({ path: "/p", query: { b: undefined, a: null, c: "x" } }));
    assert.equal(s.url, "/p?c=x");
    assert.ok(s.stringToSign.endsWith("\n/p?c=x"));
  });

  it("knows the token-management paths", () => {
    for (const p of ["/v1.0/token", "/v1.0/token/abc123"]) assert.equal(isTokenPath(p), true, p);
    for (const p of ["/v1.0/tokens", "/v1.0/token/a/b", "/v1.0/iot-03/devices/token", "/v2.0/token"]) assert.equal(isTokenPath(p), false, p);
  });
});

describe("tuya signing: the client against the emulator", () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  // Printable text and any Unicode, including the characters a URL must encode.
  const text = fc.oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.constantFrom("a,b", "abc+/==", "x y", "50%", "&=?#", "é中"));
  const key = fc.oneof(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }));

  it("any query is verified: keys sorted, values signed raw and sent encoded", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 6 }), async (query) => {
        const res = await r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}`, query);
        assert.equal(res.success, true);
      }),
      { numRuns: 60 },
    );
  });

  it("any body is verified: the hash covers the exact bytes sent", async () => {
    // PUT on a GET-only path: the signature check (1004) comes before the path check (1108).
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), text), async (body) => {
        const err = await rejection(r.api.request({ method: "PUT", path: `/v1.0/iot-03/devices/${r.ids.plug}`, body }));
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 1108, err.message);
      }),
      // Text that is not JSON, and JSON with outer spaces: axios by default re-quotes the one and trims the other.
      { numRuns: 60, examples: [[""], ["not json"], [' {"a": 1} ']] },
    );
  });

  it("a wrong secret is rejected with 1004 and a hint about the credentials", async () => {
    const bad = await rig({}, { accessSecret: "not-the-secret-0000000000000000" });
    try {
      const err = await rejection(bad.api.get(`/v1.0/iot-03/devices/${bad.ids.plug}`));
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 1004);
      assert.match(err.message, /Access ID and Access Secret/);
      assert.equal(bad.emu.stats.tokenGrants, 0);
    } finally {
      await bad.close();
    }
  });

  it("nonce and Signature-Headers (own and extra headers) are signed", async () => {
    const x = await rig(
      {},
      {
        useNonce: true,
        headers: { area_id: "29a33e8796834b1efa6", call_id: "8afdb70ab2ed11eb85290242ac130003" },
        signatureHeaders: ["area_id", "call_id", "client_id"],
      },
    );
    try {
      assert.equal((await x.api.get(`/v1.0/iot-03/devices/${x.ids.plug}/status`)).success, true);
      assert.equal((await x.api.post(`/v1.0/iot-03/devices/${x.ids.plug}/commands`, { commands: [{ code: "switch_1", value: false }] })).result, true);
      assert.equal(x.emu.stats.errorsByCode["1004"], undefined);
    } finally {
      await x.close();
    }
  });

  it("refuses headers it sets itself and signed headers it does not send", () => {
    const bad: Partial<TuyaOpenApiOptions>[] = [
      { headers: { sign: "x" } },
      { headers: { T: "1" } },
      { signatureHeaders: ["area_id"] },
      { headers: { "bad name": "x" } },
    ];
    for (const o of bad) {
      assert.throws(() => new TuyaOpenApi({ endpoint: r.emu.url, accessId: "id", accessSecret: "secret", ...o }), InputError, JSON.stringify(o));
    }
  });

  it("the legacy algorithm works where the project only accepts it, and the new one is refused there", async () => {
    const legacy = await rig({ signAlgorithm: "legacy" }, { signAlgorithm: "legacy" });
    try {
      assert.equal((await legacy.api.get(`/v1.0/iot-03/devices/${legacy.ids.plug}/status`)).success, true);
      const modern = await rig({ signAlgorithm: "legacy" });
      try {
        const err = await rejection(modern.api.get(`/v1.0/iot-03/devices/${modern.ids.plug}/status`));
        assert.equal((err as ApiError).code, 1004);
      } finally {
        await modern.close();
      }
    } finally {
      await legacy.close();
    }
  });
});
