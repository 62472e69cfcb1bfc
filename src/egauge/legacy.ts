// The legacy XML API (reference §4) for meters without the JSON WebAPI (firmware < 4.2):
// /cgi-bin/egauge?inst&tot for rates and /cgi-bin/egauge-show for stored rows (hex timestamps,
// youngest first). Counters there are raw; only their differences are used.
import { XMLParser } from "fast-xml-parser";
import { ApiError } from "../core";
import type { CounterRow } from "./rows";
import type { EgaugeRegister } from "./types";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  isArray: (name) => ["r", "c", "cname", "data"].includes(name),
});

type Node = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === "object" && v !== null ? String((v as Node)["#text"] ?? "") : String(v ?? ""));

function fail(what: string): ApiError {
  return new ApiError({
    platform: "egauge",
    code: "FORMAT",
    serviceMessage: `unreadable legacy XML (${what})`,
    hint: "the meter's answer does not look like the eGauge XML API",
  });
}

export interface LegacyInstant {
  t: number;
  registers: (EgaugeRegister & { rate?: number; value: bigint })[];
}

export function parseInstant(xml: string): LegacyInstant {
  const doc = parser.parse(xml) as { data?: Node[] };
  const data = doc.data?.[0];
  if (!data) throw fail("no <data>");
  const rows = (data.r as Node[] | undefined) ?? [];
  return {
    t: Number(text(data.ts)),
    registers: rows.map((r, idx) => ({
      name: String(r["@n"]),
      type: String(r["@t"] ?? ""),
      idx,
      ...(r["@did"] !== undefined ? { did: Number(r["@did"]) } : {}),
      virtual: r["@did"] === undefined,
      value: BigInt(text(r.v) || "0"),
      ...(r.i !== undefined ? { rate: Number(text(r.i)) } : {}),
    })),
  };
}

export interface LegacyShow {
  registers: EgaugeRegister[];
  /** Youngest first. */
  rows: CounterRow[];
}

export function parseShow(xml: string): LegacyShow {
  const doc = parser.parse(xml) as { group?: Node };
  const blocks = (doc.group?.data as Node[] | undefined) ?? [];
  if (blocks.length === 0) throw fail("no <data>");
  const names = ((blocks[0].cname as unknown[]) ?? []).map((c, idx) => {
    const n = c as Node;
    return {
      name: text(n),
      type: String(n["@t"] ?? ""),
      idx,
      ...(n["@did"] !== undefined ? { did: Number(n["@did"]) } : {}),
      virtual: n["@did"] === undefined,
    };
  });
  const rows: CounterRow[] = [];
  for (const block of blocks) {
    const ts = Number.parseInt(String(block["@time_stamp"]), 16);
    const delta = Number(block["@time_delta"]);
    ((block.r as Node[] | undefined) ?? []).forEach((r, i) => {
      rows.push({ t: ts - i * delta, values: ((r.c as unknown[]) ?? []).map((c) => BigInt(text(c) || "0")) });
    });
  }
  return { registers: names, rows };
}
