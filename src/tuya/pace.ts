/**
 * One adaptive pace per endpoint template, as Tuya counts (per cloud project and per API,
 * reference §5.4). Tuya publishes 4/s for sending commands and 10–50/s for queries; the iot-03
 * figures are not published, so every template starts where no published figure is lower
 * (commands at 4, the rest at 10 a second) and the pace finds the real limit from the answers
 * (see core/adaptive-pace.ts).
 */
import { AdaptivePace } from "../core/adaptive-pace";
import { ApiError } from "../core/errors";
import { WindowGate, type Gate } from "../core/rate-limit";
import { THROTTLE_CODES } from "./errors";

/** Tuya's window, plus 100 ms for the jitter between our sending and Tuya's counting. */
export const TUYA_PACE_WINDOW_MS = 1100;
export const TUYA_START_PER_SECOND = 10;
export const TUYA_COMMAND_START_PER_SECOND = 4;

/** True for Tuya's throttle answers: 1199, 1110, 1111, or HTTP 429. */
export function isTuyaThrottle(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 429 || (typeof error.code === "number" && THROTTLE_CODES.has(error.code)));
}

/**
 * The pace of one template. cap: the user's limit per endpoint (requests a second); 0 turns
 * client-side pacing off, undefined leaves it to the answers.
 */
export function tuyaPace(template: string, cap: number | undefined): Gate {
  if (cap === 0) return new WindowGate(0, TUYA_PACE_WINDOW_MS);
  const initial = /^POST .*\/commands$/.test(template) ? TUYA_COMMAND_START_PER_SECOND : TUYA_START_PER_SECOND;
  return new AdaptivePace({ windowMs: TUYA_PACE_WINDOW_MS, initial: Math.min(initial, cap ?? Infinity), max: cap, isThrottle: isTuyaThrottle });
}
