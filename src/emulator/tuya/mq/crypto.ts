// The service's side of the secrets (reference §2, §4): the consumer password it expects, the
// payload encryption per project (ECB with PKCS#7, or GCM with a random 12-byte nonce and no AAD),
// and the envelope signature of Tuya's sign page. Independent of the client's code on purpose.
import { createCipheriv, createHash, randomBytes } from "node:crypto";

export type Encryption = "ecb" | "gcm";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

export function expectedPassword(accessId: string, accessSecret: string): string {
  return md5(accessId + md5(accessSecret)).substring(8, 24);
}

export function encrypt(plain: string, accessSecret: string, mode: Encryption): string {
  const key = Buffer.from(accessSecret.substring(8, 24), "utf8");
  if (mode === "gcm") {
    const nonce = randomBytes(12);
    const c = createCipheriv("aes-128-gcm", key, nonce);
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]).toString("base64");
  }
  const c = createCipheriv("aes-128-ecb", key, null);
  return Buffer.concat([c.update(plain, "utf8"), c.final()]).toString("base64");
}

/** MD5 of "k=v||k=v…||secret" over the envelope's non-empty keys except sign, sorted. */
export function envelopeSign(envelope: Record<string, unknown>, accessSecret: string): string {
  const parts = Object.keys(envelope)
    .filter((k) => k !== "sign" && envelope[k] !== undefined && envelope[k] !== null && envelope[k] !== "")
    .sort()
    .map((k) => `${k}=${String(envelope[k])}`);
  return md5([...parts, accessSecret].join("||"));
}
