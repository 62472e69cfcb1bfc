// The `time=` grammar of GET /api/register (reference §3.1): comma-separated ranges
// `start:step:stop`, `start::stop` (the two ends only) or one point. A point is a Unix time,
// `now`, `epoch` or `so<unit>` (optionally `so<unit>(point)`), followed by offsets such as
// `-1d`, `+2h`, `-900`; a leading `+` rounds the point up to the younger stored row.
import { addUnits, startOf, FIXED_SECONDS, type CalendarUnit } from "./zone";

export interface TimeContext {
  now: number;
  epoch: number;
  tz: string;
  billingDay: number;
  weekStart: number;
}

export interface TimePoint {
  t: number;
  roundUp: boolean;
}

export type TimeStep = { kind: "seconds"; seconds: number } | { kind: "calendar"; n: number; unit: CalendarUnit } | { kind: "ends" };

export interface TimeRange {
  start: TimePoint;
  stop: TimePoint;
  /** Undefined for a single point. */
  step?: TimeStep;
}

export class TimeSyntaxError extends Error {}

function evalPoint(text: string, ctx: TimeContext): number {
  let rest = text;
  let t: number;
  let m: RegExpMatchArray | null;
  if ((m = /^so([yqbmwdhQM])(?:\(([^()]*)\))?/.exec(rest))) {
    const at = m[2] !== undefined ? evalPoint(m[2], ctx) : ctx.now;
    t = startOf(m[1] as CalendarUnit, at, ctx.tz, ctx.billingDay, ctx.weekStart);
  } else if ((m = /^now/.exec(rest))) t = ctx.now;
  else if ((m = /^epoch/.exec(rest))) t = ctx.epoch;
  else if ((m = /^\d+(\.\d+)?/.exec(rest))) t = Math.floor(Number(m[0]));
  else throw new TimeSyntaxError(`Invalid time "${text}".`);
  rest = rest.slice(m[0].length);
  while (rest.length > 0) {
    const o = /^([+-])(\d+(?:\.\d+)?)([yqbmwdhQM]?)/.exec(rest);
    if (!o) throw new TimeSyntaxError(`Invalid time offset "${rest}".`);
    const n = Number(o[2]) * (o[1] === "-" ? -1 : 1);
    t = o[3] ? addUnits(t, n, o[3] as CalendarUnit, ctx.tz) : t + n;
    rest = rest.slice(o[0].length);
  }
  return Math.floor(t);
}

function parsePoint(text: string, ctx: TimeContext): TimePoint {
  const roundUp = text.startsWith("+");
  return { t: evalPoint(roundUp ? text.slice(1) : text, ctx), roundUp };
}

function parseStep(text: string): TimeStep {
  if (text === "") return { kind: "ends" };
  const m = /^(\d+(?:\.\d+)?)([yqbmwdhQM]?)$/.exec(text);
  if (!m || Number(m[1]) <= 0) throw new TimeSyntaxError(`Invalid time step "${text}".`);
  const unit = m[2] as CalendarUnit | "";
  if (unit === "") return { kind: "seconds", seconds: Math.max(1, Math.round(Number(m[1]))) };
  const fixed = FIXED_SECONDS[unit];
  if (fixed) return { kind: "seconds", seconds: Math.round(Number(m[1]) * fixed) };
  return { kind: "calendar", n: Math.round(Number(m[1])), unit };
}

export function parseTimeParam(value: string, ctx: TimeContext): TimeRange[] {
  if (value === "") throw new TimeSyntaxError("Empty time parameter.");
  return value.split(",").map((part) => {
    const pieces = part.split(":");
    if (pieces.length === 1) {
      const p = parsePoint(pieces[0], ctx);
      return { start: p, stop: p };
    }
    if (pieces.length > 3) throw new TimeSyntaxError(`Invalid time range "${part}".`);
    const [a, s, b] = pieces.length === 2 ? [pieces[0], "1", pieces[1]] : pieces;
    const range = { start: parsePoint(a, ctx), stop: parsePoint(b, ctx), step: parseStep(s) };
    if (range.start.t > range.stop.t) throw new TimeSyntaxError(`Time range "${part}" starts after it stops.`);
    return range;
  });
}
