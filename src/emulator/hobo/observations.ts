// Rows of a time-frame query and their JSON: only the timestamps of the window are visited and
// at most limit+1 rows are built, so a capped answer costs O(limit) whatever the window size.
import { siValue, toUs } from "./generator";
import type { ChannelModel, StationModel } from "./station-model";
import { DEAD_VALUE } from "./stations";

export interface Row {
  station: StationModel;
  channel: ChannelModel;
  sensorSn: string;
  sensorKey: number;
  t: number;
}

/** First and last grid timestamp of a station inside [startSec, endSec] (both inclusive). */
function gridRange(st: StationModel, startSec: number, endSec: number): [number, number] {
  const iv = st.intervalSec;
  const from = Math.max(startSec, st.sinceSec);
  return [Math.ceil(from / iv) * iv, Math.floor(endSec / iv) * iv];
}

function inGap(st: StationModel, sensorSn: string, originalSn: string, t: number): boolean {
  for (const g of st.gaps) {
    if (t >= g.startSec && t < g.endSec && (g.sensorSn === undefined || g.sensorSn === sensorSn || g.sensorSn === originalSn)) return true;
  }
  return false;
}

/** Rows of one station at one timestamp (gaps removed, replaced serials applied). */
function rowsAt(st: StationModel, t: number, out: Row[]): void {
  for (const ch of st.channels) {
    const replaced = t >= ch.replacedFromSec;
    const sensorSn = replaced ? ch.newSensorSn : ch.sensorSn;
    if (st.gaps.length > 0 && inGap(st, sensorSn, ch.sensorSn, t)) continue;
    out.push({ station: st, channel: ch, sensorSn, sensorKey: replaced ? ch.newSensorKey : ch.sensorKey, t });
  }
}

function compareRows(a: Row, b: Row): number {
  if (a.sensorSn !== b.sensorSn) return a.sensorSn < b.sensorSn ? -1 : 1;
  return a.station.serial < b.station.serial ? -1 : a.station.serial > b.station.serial ? 1 : 0;
}

/**
 * Rows of `stations` with startSec ≤ t ≤ endSec, sorted by timestamp then sensor_sn, stopping
 * after `limit` rows. `more` tells whether further rows exist (the max_results flag).
 */
export function collectRows(stations: readonly StationModel[], startSec: number, endSec: number, limit: number): { rows: Row[]; more: boolean } {
  const next: number[] = [];
  const last: number[] = [];
  for (const st of stations) {
    const [a, b] = gridRange(st, startSec, endSec);
    next.push(a);
    last.push(b);
  }
  const rows: Row[] = [];
  const group: Row[] = [];
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < stations.length; i++) if (next[i] <= last[i] && next[i] < t) t = next[i];
    if (t === Number.POSITIVE_INFINITY) return { rows, more: false };
    group.length = 0;
    for (let i = 0; i < stations.length; i++) {
      if (next[i] === t) {
        rowsAt(stations[i], t, group);
        next[i] += stations[i].intervalSec;
      }
    }
    if (group.length > 1) group.sort(compareRows);
    for (const r of group) {
      // The cap may cut a timestamp's group of channels in half, as the real service does.
      if (rows.length === limit) return { rows, more: true };
      rows.push(r);
    }
  }
}

/** Number of rows one station holds in [startSec, endSec], without building them. */
export function countRows(st: StationModel, startSec: number, endSec: number): number {
  const [a, b] = gridRange(st, startSec, endSec);
  if (b < a) return 0;
  const iv = st.intervalSec;
  let total = ((b - a) / iv + 1) * st.channels.length;
  if (st.gaps.length === 0) return total;
  // Subtract the missing channels at each timestamp covered by any gap (each timestamp once).
  const spans = st.gaps
    .map((g) => [Math.max(a, Math.ceil(g.startSec / iv) * iv), Math.min(b, Math.ceil(g.endSec / iv) * iv - iv)] as const)
    .filter(([s, e]) => s <= e)
    .sort((x, y) => x[0] - y[0]);
  const scratch: Row[] = [];
  let done = Number.NEGATIVE_INFINITY;
  for (const [s, e] of spans) {
    for (let t = Math.max(s, done + iv); t <= e; t += iv) {
      scratch.length = 0;
      rowsAt(st, t, scratch);
      total -= st.channels.length - scratch.length;
    }
    done = Math.max(done, e);
  }
  return total;
}

/** "yyyy-MM-dd HH:mm:ssZ". */
export function formatTimestamp(t: number): string {
  const iso = new Date(t * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : "null";
}

/** The scaled value of a scaled channel (a dead channel keeps its marker). */
function scaledValue(scale: NonNullable<ChannelModel["scale"]>, si: number): number {
  return si === DEAD_VALUE ? DEAD_VALUE : si * scale.factor + scale.offset;
}

// JSON fragments are cached per distinct string (serials, units and types repeat on every row).
const jsonCache = new Map<string, string>();
function js(s: string): string {
  let v = jsonCache.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (jsonCache.size < 10000) jsonCache.set(s, v);
  }
  return v;
}

/** Legacy V3 body; keys in the order of the real service (reference §2.3). */
export function legacyBody(rows: readonly Row[], more: boolean): string {
  const parts: string[] = new Array<string>(rows.length);
  let lastT = Number.NaN;
  let ts = "";
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.t !== lastT) {
      lastT = r.t;
      ts = formatTimestamp(r.t);
    }
    const ch = r.channel;
    const si = siValue(r.station, ch, r.t);
    const us = toUs(si, ch.siUnit, ch.usUnit);
    // Not scaled: scaled_value is always 0 and scaled_unit null (reference §2.3).
    const scaled = ch.scale ? `"scaled_value":${num(scaledValue(ch.scale, si))},"scaled_unit":${js(ch.scale.unit)}` : `"scaled_value":0,"scaled_unit":null`;
    parts[i] =
      `{"logger_sn":${js(r.station.serial)},"sensor_sn":${js(r.sensorSn)},"timestamp":"${ts}","data_type_id":"1",` +
      `"si_value":${num(si)},"si_unit":${js(ch.siUnit)},"us_value":${num(us)},"us_unit":${js(ch.usUnit)},` +
      `${scaled},"sensor_key":${r.sensorKey},"sensor_measurement_type":${js(ch.type)}}`;
  }
  return `{"observation_list":[${parts.join(",")}],"message":"OK: Found: ${rows.length} results.","max_results":${more}}`;
}

/** LI-COR v1 body: one value in the station's configured unit system (reference §8.2). */
export function v1Body(rows: readonly Row[], more: boolean): string {
  const parts: string[] = new Array<string>(rows.length);
  let lastT = Number.NaN;
  let ts = "";
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.t !== lastT) {
      lastT = r.t;
      ts = formatTimestamp(r.t);
    }
    const ch = r.channel;
    const si = siValue(r.station, ch, r.t);
    const us = r.station.unitSystem === "US";
    // A scaled channel reports its scaled value and the scaled measurement name (reference §8.2).
    const value = ch.scale ? scaledValue(ch.scale, si) : us ? toUs(si, ch.siUnit, ch.usUnit) : si;
    const unit = ch.scale ? ch.scale.unit : us ? ch.usUnit : ch.siUnit;
    parts[i] =
      `{"logger_sn":${js(r.station.serial)},"sensor_sn":${js(r.sensorSn)},"timestamp":"${ts}","data_type":"CURRENT","data_type_id":"1",` +
      `"value":${num(value)},"unit":${js(unit)},"sensor_measurement_type":${js(ch.scale ? ch.scale.type : ch.type)}}`;
  }
  return `{"message":"OK: Found: ${rows.length} results.","max_results":${more},"data":[${parts.join(",")}]}`;
}
