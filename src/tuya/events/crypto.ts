/**
 * The message service's secrets (reference §2, §4): the consumer password derived from the access
 * id and key, and the payload decryption chosen by each message's `em` property ("aes_gcm" → GCM,
 * anything else or absent → ECB). The key is accessKey[8, 24) as UTF-8 (AES-128).
 */
import { createDecipheriv, createHash } from "node:crypto";

const md5 = (text: string): string => createHash("md5").update(text, "utf8").digest("hex");

/** md5hex(accessId + md5hex(accessKey)), characters 8..23. */
export function mqPassword(accessId: string, accessKey: string): string {
  return md5(accessId + md5(accessKey)).slice(8, 24);
}

/** The AES-128 key: accessKey characters 8..23 as UTF-8 bytes. */
export function mqKey(accessKey: string): Buffer {
  const key = Buffer.from(accessKey.slice(8, 24), "utf8");
  if (key.length !== 16) throw new Error("The access secret is too short to derive the message key (it needs at least 24 characters)");
  return key;
}

export type MqEncryption = "ecb" | "gcm";

/** The mode a message's properties ask for. */
export function encryptionOf(properties: Record<string, unknown> | undefined): MqEncryption {
  return properties?.em === "aes_gcm" ? "gcm" : "ecb";
}

/** Decrypts the envelope's base64 `data` to text; throws on a wrong key, padding or tag. */
export function decryptData(data: string, key: Buffer, mode: MqEncryption): string {
  const bytes = Buffer.from(data, "base64");
  if (mode === "gcm") {
    if (bytes.length < 12 + 16) throw new Error("GCM data shorter than nonce and tag");
    const decipher = createDecipheriv("aes-128-gcm", key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
  }
  if (bytes.length === 0 || bytes.length % 16 !== 0) throw new Error("ECB data is not a whole number of AES blocks");
  const decipher = createDecipheriv("aes-128-ecb", key, null);
  return Buffer.concat([decipher.update(bytes), decipher.final()]).toString("utf8");
}
