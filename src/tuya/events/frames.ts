/**
 * Frames of the Pulsar WebSocket consumer (reference §3) and the Tuya envelope inside their
 * payload (§4). Parsing is tolerant: Tuya may add keys at either layer.
 */
export interface MqFrame {
  messageId: string;
  payload: string;
  properties: Record<string, string>;
  publishTime?: string;
  redeliveryCount: number;
  key?: string;
}

export interface MqEnvelope {
  data: string;
  protocol: number;
  pv?: string;
  sign?: string;
  t?: number;
  [extra: string]: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The frame, or the reason it is not one (the messageId is kept when readable, so it can still be acked). */
export function parseFrame(text: string): { frame: MqFrame } | { error: string; messageId?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: "frame is not JSON" };
  }
  if (!isObject(v)) return { error: "frame is not an object" };
  const messageId = typeof v.messageId === "string" && v.messageId !== "" ? v.messageId : undefined;
  if (!messageId) return { error: "frame has no messageId" };
  if (typeof v.payload !== "string") return { error: "frame has no payload", messageId };
  const properties: Record<string, string> = {};
  if (isObject(v.properties)) for (const [k, p] of Object.entries(v.properties)) if (typeof p === "string") properties[k] = p;
  const frame: MqFrame = {
    messageId,
    payload: v.payload,
    properties,
    redeliveryCount: typeof v.redeliveryCount === "number" ? v.redeliveryCount : 0,
  };
  if (typeof v.publishTime === "string") frame.publishTime = v.publishTime;
  if (typeof v.key === "string") frame.key = v.key;
  return { frame };
}

/** The envelope from a frame's base64 payload; throws with a readable reason. */
export function parseEnvelope(payload: string): MqEnvelope {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
  } catch {
    throw new Error("payload is not base64 JSON");
  }
  if (!isObject(v)) throw new Error("payload is not an object");
  if (typeof v.data !== "string") throw new Error("payload has no data");
  const protocol = Number(v.protocol);
  if (!Number.isInteger(protocol)) throw new Error("payload has no protocol");
  return { ...v, data: v.data, protocol, t: typeof v.t === "number" ? v.t : Number(v.t) || undefined };
}
