// Reading GET /api/register answers: ts strings, one or more ranges of rows (youngest first,
// row i at ts − i·delta), optionally delta-encoded, S64 values as decimal strings → BigInt.
import { ApiError } from "../core";
import type { EgaugeRegister } from "./types";

export interface CounterRow {
  /** Unix seconds. */
  t: number;
  values: bigint[];
}

export interface RegisterReply {
  ts?: string;
  registers?: { name: string; type: string; idx: number; did?: number; rate?: number }[];
  ranges?: { ts: string; delta: number; rows: string[][] }[];
}

/** Seconds of a "1679505959.000420096" timestamp (whole seconds, no float rounding of the digits). */
export function parseTs(ts: string): number {
  const m = /^(\d+)(?:\.\d*)?$/.exec(ts);
  if (!m)
    throw new ApiError({
      platform: "egauge",
      code: "FORMAT",
      serviceMessage: `unreadable timestamp "${ts}"`,
      hint: "the meter's answer does not follow the WebAPI",
    });
  return Number(m[1]);
}

/**
 * Every row of a reply, youngest first. With `delta`, a range's first row is absolute and each
 * later row is the difference to the row before it, so the absolute values are summed back.
 */
export function replyRows(reply: RegisterReply, delta = false): CounterRow[] {
  const out: CounterRow[] = [];
  for (const range of reply.ranges ?? []) {
    const start = parseTs(range.ts);
    let prev: bigint[] | undefined;
    range.rows.forEach((row, i) => {
      let values = row.map((v) => BigInt(v));
      if (delta && prev) values = values.map((v, k) => BigInt.asIntN(64, prev![k] + v));
      prev = values;
      out.push({ t: Math.round(start - i * range.delta), values });
    });
  }
  return out;
}

export function replyRegisters(reply: RegisterReply): EgaugeRegister[] {
  return (reply.registers ?? []).map((r) => ({
    name: r.name,
    type: r.type,
    idx: r.idx,
    ...(r.did !== undefined ? { did: r.did } : {}),
    virtual: r.did === undefined,
  }));
}
