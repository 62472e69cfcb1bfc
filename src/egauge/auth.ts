// The JSON WebAPI login (reference §2): the server's realm and nonce come from a 401, the client
// sends only hash = MD5(MD5(usr:rlm:pwd):nnc:cnnc), never the password. Tokens last beg + ltm
// seconds by the meter's clock; we time them by our own clock from the login on.
import { createHash, randomBytes } from "node:crypto";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

export function digestHash(usr: string, rlm: string, pwd: string, nnc: string, cnnc: string): string {
  return md5(`${md5(`${usr}:${rlm}:${pwd}`)}:${nnc}:${cnnc}`);
}

export function clientNonce(): string {
  return randomBytes(16).toString("hex");
}

/** Token lifetime in seconds from the JWT payload (beg + ltm; exp when a meter sends that instead); default 600. */
export function tokenLifetimeSec(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { beg?: number; ltm?: number; exp?: number };
    if (typeof payload.ltm === "number" && payload.ltm > 0) return payload.ltm;
    if (typeof payload.exp === "number" && typeof payload.beg === "number") return Math.max(0, payload.exp - payload.beg);
  } catch {
    // Not a JWT we can read: assume the documented typical lifetime.
  }
  return 600;
}

export interface Challenge {
  rlm: string;
  nnc: string;
}

export function isChallenge(body: unknown): body is Challenge {
  return typeof body === "object" && body !== null && typeof (body as Challenge).rlm === "string" && typeof (body as Challenge).nnc === "string";
}
