// Opaque page cursors. Tuya row keys are base64 HBase keys that contain "+", "/" and "=", which
// breaks clients that forget to percent-encode them (reference §3.7 E1), so ours always do too.
import { createHmac } from "node:crypto";

// Base64 of these bytes is "++++////": every cursor carries both characters.
const MAGIC = Buffer.from([0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff]);
const MAC_LEN = 6;

export class CursorCodec {
  constructor(private readonly key: string) {}

  encode(scope: string, payload: string): string {
    const body = Buffer.from(payload, "utf8");
    const parts = [MAGIC, Buffer.from([body.length]), body, this.mac(scope, payload)];
    let total = parts.reduce((n, b) => n + b.length, 0);
    // A length that is a multiple of 3 would encode without padding; add a byte so "=" appears.
    if (total % 3 === 0) {
      parts.push(Buffer.from([0]));
      total++;
    }
    return Buffer.concat(parts, total).toString("base64");
  }

  /** The payload, or undefined when the cursor was not issued by us for this scope. */
  decode(scope: string, cursor: string): string | undefined {
    if (!/^[A-Za-z0-9+/]+={1,2}$/.test(cursor)) return undefined;
    const raw = Buffer.from(cursor, "base64");
    if (raw.length < MAGIC.length + 1 + MAC_LEN || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const len = raw[MAGIC.length];
    const start = MAGIC.length + 1;
    if (raw.length < start + len + MAC_LEN) return undefined;
    const payload = raw.subarray(start, start + len).toString("utf8");
    const mac = raw.subarray(start + len, start + len + MAC_LEN);
    return mac.equals(this.mac(scope, payload)) ? payload : undefined;
  }

  private mac(scope: string, payload: string): Buffer {
    return createHmac("sha256", this.key).update(`${scope}|${payload}`).digest().subarray(0, MAC_LEN);
  }
}
