// The loggers' recorded data as the services see it: the stations, the data clock ("now"), the
// upload lag that hides the newest rows, ownership, and the row cap of one answer.
import { collectRows, countRows, type Row } from "./observations";
import { resolveStation, type StationModel } from "./station-model";
import { defaultStations, extraWeatherStations, parseLenientUtc, type HoboEmulatorStation } from "./stations";
import { HoboErrorReply, type DataQuery } from "./validate";

export interface ArchiveOptions {
  now: () => number;
  stations?: HoboEmulatorStation[];
  extraStations?: number;
  uploadLagSec: number;
  maxResults: number;
  unowned: "empty" | "error";
}

export class HoboArchive {
  readonly loggers: { serial: string; name: string; kind: string }[];
  /** Rows only up to now − this (a station's backlog not uploaded yet). */
  uploadLagSec: number;
  private readonly stations = new Map<string, StationModel>();

  constructor(private readonly o: ArchiveOptions) {
    if (!Number.isInteger(o.maxResults) || o.maxResults < 1) throw new Error("maxResults must be a positive integer");
    this.uploadLagSec = o.uploadLagSec;
    const nowMs = o.now();
    const list = [...(o.stations ?? defaultStations(nowMs)), ...extraWeatherStations(o.extraStations ?? 0, nowMs)];
    for (const s of list) {
      if (this.stations.has(s.serial)) throw new Error(`Duplicate station serial ${s.serial}`);
      this.stations.set(s.serial, resolveStation(s, nowMs));
    }
    this.loggers = [...this.stations.values()].filter((s) => s.owned).map((s) => ({ serial: s.serial, name: s.name, kind: s.kind }));
  }

  nowSec(): number {
    return Math.floor(this.o.now() / 1000);
  }

  /** Rows one logger has in [start, end] (inclusive) that are uploaded, before any cap. */
  expectedRows(loggerSerial: string, startUtc: string, endUtc: string): number {
    const st = this.stations.get(loggerSerial);
    if (!st || !st.owned) return 0;
    const end = Math.min(parseLenientUtc(endUtc), this.visibleUntilSec());
    return countRows(st, parseLenientUtc(startUtc), end);
  }

  /** One answer to a validated query: the owned loggers' uploaded rows, capped at maxResults. */
  answer(query: DataQuery): { rows: Row[]; more: boolean } {
    return collectRows(this.ownedStations(query), query.startSec, Math.min(query.endSec, this.visibleUntilSec()), this.o.maxResults);
  }

  private visibleUntilSec(): number {
    return this.nowSec() - this.uploadLagSec;
  }

  /** The requested stations the user owns; unknown/unowned ones are skipped or rejected. */
  private ownedStations(query: DataQuery): StationModel[] {
    const out: StationModel[] = [];
    for (const serial of query.loggers) {
      const st = this.stations.get(serial);
      if (st && st.owned) out.push(st);
      else if (this.o.unowned === "error") throw new HoboErrorReply(400, "ATH-008", `Device not owned by respective user: ${serial}.`);
    }
    return out;
  }
}
