/**
 * The fault matrix as data: every fault the emulators can inject, and per node what must follow.
 * "recovers": the run that met the fault still ends well (a new token, a corrected clock, a
 * backed-off retry); "fails": the run ends in exactly one clear error and the next run is whole.
 * Either way nothing is lost, nothing repeated, a command runs at most once, the status comes
 * back green and no rejection goes unhandled (asserted by the specs beside this file).
 */
import type { TuyaEmulator, TuyaFault } from "../../src/emulator/tuya";
import type { HoboEmulator } from "../../src/emulator/hobo";
import type { EgaugeEmulator } from "../../src/emulator/egauge";

export type Expect = "recovers" | "fails";

export interface TuyaFaultCase {
  name: string;
  /** Injects the fault so it hits the first request whose URL contains `target`. */
  inject(emu: TuyaEmulator, target: string): void;
  /** For a read (status, info, request GET, log page). */
  read: Expect;
  /** For a command (tuya-command); `executed`: how often the faulted run executed it (0 or 1). */
  write: { expect: Expect; executed: 0 | 1 };
}

const tuyaFault = (fault: TuyaFault) => (emu: TuyaEmulator, target: string) => emu.faults.failNext(1, { ...fault, path: target });

/** Faults of the Tuya OpenAPI emulator (src/emulator/tuya/faults.ts and the token and clock admin). */
export const TUYA_FAULTS: TuyaFaultCase[] = [
  { name: "token expiry at this request", inject: tuyaFault({ tokens: "expire" }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "token revocation at this request", inject: tuyaFault({ tokens: "revoke" }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "1004 sign invalid", inject: tuyaFault({ code: 1004 }), read: "fails", write: { expect: "fails", executed: 0 } },
  { name: "1010 token invalid", inject: tuyaFault({ code: 1010 }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  // The server's clock jumps 30 minutes ahead: every request from here on is rejected until the client learns the offset.
  { name: "1013 clock skew", inject: (emu) => emu.faults.setClockSkew(30 * 60_000), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "1106 permission deny", inject: tuyaFault({ code: 1106 }), read: "fails", write: { expect: "fails", executed: 0 } },
  { name: "1199 too frequent", inject: tuyaFault({ code: 1199 }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "1110 concurrent over limit", inject: tuyaFault({ code: 1110 }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "1111 system busy", inject: tuyaFault({ code: 1111 }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "HTTP 429", inject: tuyaFault({ httpStatus: 429, code: 1199, retryAfterSec: 0 }), read: "recovers", write: { expect: "recovers", executed: 1 } },
  { name: "HTTP 509", inject: tuyaFault({ httpStatus: 509 }), read: "recovers", write: { expect: "fails", executed: 0 } },
  { name: "5xx JSON", inject: tuyaFault({ httpStatus: 500, code: 500 }), read: "recovers", write: { expect: "fails", executed: 0 } },
  { name: "HTML 502 from a proxy", inject: tuyaFault({ html: true }), read: "recovers", write: { expect: "fails", executed: 0 } },
  { name: "timeout (no answer)", inject: tuyaFault({ hang: true }), read: "recovers", write: { expect: "fails", executed: 0 } },
  { name: "connection dropped before execution", inject: tuyaFault({ drop: true }), read: "recovers", write: { expect: "fails", executed: 0 } },
  { name: "connection dropped after execution", inject: tuyaFault({ dropAfterExecute: true }), read: "recovers", write: { expect: "fails", executed: 1 } },
];

export interface HttpFaultCase<E> {
  name: string;
  inject(emu: E): void;
  expect: Expect;
}

/** Faults of the HOBOlink emulator (src/emulator/hobo/faults.ts and the token admin); `flavour` limits a case to one service. */
export const HOBO_FAULTS: (HttpFaultCase<HoboEmulator> & { flavour?: "legacy" | "licor" })[] = [
  { name: "token expiry", flavour: "legacy", inject: (emu) => emu.faults.expireTokens(), expect: "recovers" },
  { name: "token revocation", flavour: "legacy", inject: (emu) => emu.faults.revokeTokens(), expect: "recovers" },
  {
    name: "401 mid-walk (a token the service stopped taking)",
    flavour: "legacy",
    inject: (emu) => emu.faults.failNext(1, { status: 401, path: "/ws/data" }),
    expect: "recovers",
  },
  { name: "401 on a static token", flavour: "licor", inject: (emu) => emu.faults.failNext(1, { status: 401, path: "/v1/data" }), expect: "fails" },
  { name: "400 VAL-034", inject: (emu) => emu.faults.failNext(1, { status: 400, error: "VAL-034", path: "data" }), expect: "fails" },
  { name: "429 SYS-002", inject: (emu) => emu.faults.failNext(1, { status: 429, path: "data" }), expect: "recovers" },
  { name: "509 SYS-001", inject: (emu) => emu.faults.failNext(1, { status: 509, path: "data" }), expect: "recovers" },
  { name: "500 DBM-026 JSON", inject: (emu) => emu.faults.failNext(1, { status: 500, path: "data" }), expect: "recovers" },
  { name: "HTML 502 from a proxy", inject: (emu) => emu.faults.failNext(1, { html: true, path: "data" }), expect: "recovers" },
  { name: "timeout (no answer)", inject: (emu) => emu.faults.failNext(1, { hang: true, path: "data" }), expect: "recovers" },
  { name: "connection dropped", inject: (emu) => emu.faults.failNext(1, { drop: true, path: "data" }), expect: "recovers" },
];

/** Faults of the eGauge meter emulator (its FaultPlan, reboot, token revocation, nonce expiry). */
export const EGAUGE_FAULTS: HttpFaultCase<EgaugeEmulator>[] = [
  { name: "reboot (every token revoked)", inject: (emu) => emu.reboot(), expect: "recovers" },
  { name: "token revocation", inject: (emu) => emu.revokeTokens(), expect: "recovers" },
  { name: "401 mid-walk", inject: (emu) => emu.failNext(1, { status: 401, path: "/api/register" }), expect: "recovers" },
  { name: "5xx JSON", inject: (emu) => emu.failNext(1, { status: 500, path: "/api/register" }), expect: "recovers" },
  { name: "HTML 502 from a proxy", inject: (emu) => emu.failNext(1, { html: true, status: 502, path: "/api/register" }), expect: "recovers" },
  { name: "timeout (no answer)", inject: (emu) => emu.failNext(1, { hang: true, path: "/api/register" }), expect: "recovers" },
  { name: "connection dropped", inject: (emu) => emu.failNext(1, { drop: true, path: "/api/register" }), expect: "recovers" },
  { name: "400 bad request", inject: (emu) => emu.failNext(1, { status: 400, path: "/api/register" }), expect: "fails" },
];
