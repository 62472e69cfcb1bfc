// eGauge register type codes (reference §3.1 "Type Codes"): the quantum that turns a counter
// step into physical units, the unit of the rate, and for power-like types the energy unit.

export interface TypeInfo {
  quantum: number;
  unit: string;
  /** Counter units per energy unit (P: W·s per kWh = 3.6e6), for types whose integral is energy. */
  energy?: { unit: string; per: number };
}

const KWH = 3.6e6;

export const TYPE_CODES: Record<string, TypeInfo> = {
  P: { quantum: 1, unit: "W", energy: { unit: "kWh", per: KWH } },
  S: { quantum: 1, unit: "VA", energy: { unit: "kVAh", per: KWH } },
  var: { quantum: 1, unit: "var", energy: { unit: "kvarh", per: KWH } },
  R: { quantum: 1, unit: "Ω" },
  Pa: { quantum: 1, unit: "Pa" },
  Ee: { quantum: 1, unit: "W/m²" },
  Q: { quantum: 1, unit: "g/s" },
  "#": { quantum: 1, unit: "" },
  d: { quantum: 1, unit: "" },
  V: { quantum: 0.001, unit: "V" },
  I: { quantum: 0.001, unit: "A" },
  F: { quantum: 0.001, unit: "Hz" },
  T: { quantum: 0.001, unit: "°C" },
  h: { quantum: 0.001, unit: "%" },
  "%": { quantum: 0.001, unit: "%" },
  THD: { quantum: 0.001, unit: "%" },
  a: { quantum: 0.001, unit: "°" },
  m: { quantum: 0.001, unit: "g" },
  v: { quantum: 0.001, unit: "m/s" },
  ppm: { quantum: 0.001, unit: "ppm" },
  aq: { quantum: 0.001, unit: "" },
  Qe: { quantum: 0.001, unit: "Ah" },
  "#3": { quantum: 0.001, unit: "" },
  Qv: { quantum: 1e-9, unit: "m³/s" },
  $: { quantum: 2 ** -29, unit: "$/s" },
};

/** Unknown codes are read as plain numbers (quantum 1, no unit) rather than refused. */
export function typeInfo(code: string): TypeInfo {
  return TYPE_CODES[code] ?? { quantum: 1, unit: "" };
}

/** A register as the meter lists it. */
export interface EgaugeRegister {
  name: string;
  type: string;
  idx: number;
  /** Stable database id of a physical register (survives renames); absent on virtual ones. */
  did?: number;
  virtual: boolean;
}

/** Row resolutions: seconds, or "auto" for the finest the meter keeps for each age. */
export type Resolution = 1 | 60 | 900 | 86400 | "auto";
export const RESOLUTIONS: readonly Resolution[] = [1, 60, 900, 86400, "auto"];

/** Counter difference mod 2^64 read as signed, so a wrap at 2^63 does no harm (reference §3.1). */
export function counterDelta(younger: bigint, older: bigint): bigint {
  return BigInt.asIntN(64, younger - older);
}
