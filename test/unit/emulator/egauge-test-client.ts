// A bare fetch-based client for the eGauge emulator specs (independent of src/egauge).
import { digestHash, REALM, type EgaugeEmulator } from "../../../src/emulator/egauge";

export async function login(em: EgaugeEmulator, usr = "owner", pwd = "owner-pass"): Promise<Record<string, string>> {
  const challenge = (await (await fetch(`${em.url}/api/auth/unauthorized`)).json()) as { nnc: string };
  const cnnc = "0123456789abcdef";
  const res = await fetch(`${em.url}/api/auth/login`, {
    method: "POST",
    body: JSON.stringify({ rlm: REALM, usr, nnc: challenge.nnc, cnnc, hash: digestHash(usr, REALM, pwd, challenge.nnc, cnnc) }),
  });
  const body = (await res.json()) as { jwt?: string; error?: string };
  if (!body.jwt) throw new Error(`login failed: ${body.error}`);
  return { Authorization: `Bearer ${body.jwt}` };
}

export interface RegisterReply {
  ts: string;
  error?: string;
  registers?: { name: string; type: string; idx: number; did?: number; rate?: number; formula?: string }[];
  ranges?: { ts: string; delta: number; rows: string[][] }[];
}

export async function register(em: EgaugeEmulator, auth: Record<string, string>, query: string): Promise<RegisterReply> {
  const res = await fetch(`${em.url}/api/register?${query}`, { headers: auth });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as RegisterReply;
}

/** [time, values] pairs of every row of a reply, youngest first. */
export function rowsOf(reply: RegisterReply): [number, bigint[]][] {
  return (reply.ranges ?? []).flatMap((r) => r.rows.map((row, i) => [Number(r.ts) - i * r.delta, row.map(BigInt)] as [number, bigint[]]));
}
