// Redaction: a known secret in any of its encodings, and anything credential-shaped, is masked.
import assert from "node:assert/strict";
import fc from "fast-check";
import { redact } from "../../../src/core/redact";
import { secret, surroundings } from "./secrets";

describe("core/redact", () => {
  it("masks a secret wherever it stands, raw, URL-encoded, form-encoded or JSON-escaped", () => {
    fc.assert(
      fc.property(secret, surroundings, surroundings, (s, before, after) => {
        for (const form of [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2), JSON.stringify(s).slice(1, -1)]) {
          const out = redact(`${before}${form}${after}`, [s]);
          assert.ok(!out.includes(form), `${JSON.stringify(out)} still holds ${form}`);
          assert.ok(out.includes("***"));
        }
      }),
    );
  });

  it("masks every secret of a list, also when one contains another", () => {
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 4 }), surroundings, (secrets, glue) => {
        const out = redact(secrets.join(glue) + secrets[0].slice(1) + secrets.map((s) => s + s).join(glue), secrets);
        for (const s of secrets) assert.ok(!out.includes(s), `${out} still holds ${s}`);
      }),
    );
    assert.equal(redact("key=abcdefgh and abcd", ["abcd", "abcdefgh"]), "key=*** and ***");
  });

  it("masks credential-shaped values without being told the secret", () => {
    const cases: [string, string][] = [
      ["Authorization: Bearer eyJhbGciOi.J9.x-y_z", "Authorization: Bearer ***"],
      ["authorization: basic dXNlcjpwYXNz", "authorization: basic ***"],
      ['{"access_token":"3f4e5d","expire_time":7200}', '{"access_token":"***","expire_time":7200}'],
      ["grant_type=client_credentials&client_id=abc&client_secret=s3cr3t", "grant_type=client_credentials&client_id=abc&client_secret=***"],
      ["?sign=ABCDEF0123&t=1", "?sign=***&t=1"],
      ["refresh_token: r1r2r3", "refresh_token: ***"],
      ["{'password': 'hunter22'}", "{'password': '***'}"],
    ];
    for (const [input, expected] of cases) assert.equal(redact(input), expected);
  });

  it("leaves text without secrets alone and ignores too-short or non-string secrets", () => {
    assert.equal(redact("device 123 is online", []), "device 123 is online");
    // Prose with a "secret:" stays readable; only digit-bearing values look like credentials there.
    const prose = "The tuya-config has no access id or access secret: open it and enter the secret";
    assert.equal(redact(prose), prose);
    assert.equal(redact("abc is short", ["abc", "", undefined as unknown as string]), "abc is short");
  });

  it("never throws and leaves no secret behind, whatever the text and secrets hold", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.array(fc.string({ unit: "binary", minLength: 4 }), { maxLength: 3 }), (body, secrets) => {
        const out = redact(secrets.join(body) + body, secrets);
        // A mask is "***", so only a secret that itself holds "*" could be rebuilt from one.
        for (const s of secrets) if (!s.includes("*")) assert.ok(!out.includes(s), `${JSON.stringify(out)} holds ${JSON.stringify(s)}`);
      }),
    );
    assert.equal(redact("x\ud800yzw", ["\ud800yzw"]), "x***");
  });
});
