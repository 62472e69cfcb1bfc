// The emulated cloud project's state: devices, their histories, tokens, and the domain operations
// the routes call. No HTTP here.
import { CursorCodec } from "./cursor";
import { buildDevices, CATEGORIES, type DeviceRecord, type ProjectInfo } from "./devices";
import { logValue, validateCommands } from "./commands";
import { fail } from "./errors";
import { DeviceLog, type LogQuery, type Position, type Positioned } from "./logs";
import { TokenStore } from "./tokens";

export interface ProjectOptions {
  seed: number;
  logIntervalSec: number;
  extraSensors: number;
  deviceIds?: string[];
  tokenLifetimeSec: number;
  fixedTokens?: { accessToken: string; refreshToken: string };
  /** Server time at construction; the offline device went offline 36 h before it. */
  createdAt: number;
}

export interface DpValue {
  code: string;
  value: unknown;
}

const OFFLINE_FOR_MS = 36 * 3_600_000;

export class Project {
  readonly devices: DeviceRecord[];
  readonly info: ProjectInfo = { uid: "ay1690000000000EmuLab", ownerId: "59481023" };
  readonly tokens: TokenStore;
  readonly cursors: CursorCodec;
  private readonly byId = new Map<string, DeviceRecord>();
  private readonly logs = new Map<string, DeviceLog>();
  /** Told of the data points a command set (the message service publishes them). */
  onCommand?: (d: DeviceRecord, dps: DpValue[]) => void;

  constructor(
    o: ProjectOptions,
    private readonly counters: { commandsExecuted: number },
  ) {
    this.devices = buildDevices(o.extraSensors, o.deviceIds);
    this.tokens = new TokenStore(o.tokenLifetimeSec, this.info.uid, o.fixedTokens);
    this.cursors = new CursorCodec(`tuya-emulator:${o.seed}`);
    const offlineAt = Math.floor((o.createdAt - OFFLINE_FOR_MS) / 60_000) * 60_000;
    for (const d of this.devices) {
      this.byId.set(d.id, d);
      this.logs.set(d.id, new DeviceLog(d, o.seed, o.logIntervalSec, d.online ? undefined : offlineAt));
    }
  }

  device(id: string): DeviceRecord | undefined {
    return this.byId.get(id);
  }

  /** Current status: command-driven DPs from state, sensor DPs from the latest generated report. */
  status(d: DeviceRecord, now: number): DpValue[] {
    const specs = CATEGORIES[d.category]?.status ?? [];
    const latest = this.logs.get(d.id)!.latest(now);
    const out: DpValue[] = specs.map((s) => {
      if (d.state.has(s.code)) return { code: s.code, value: d.state.get(s.code) };
      const reported = latest.get(s.code);
      if (s.type === "Integer") return { code: s.code, value: reported !== undefined ? Number(reported) : 0 };
      if (s.type === "Boolean") return { code: s.code, value: reported === "true" };
      return { code: s.code, value: reported ?? "" };
    });
    // A plug that is switched off draws nothing, whatever the meter history says.
    if (d.state.get("switch_1") === false) {
      for (const v of out) if (v.code === "cur_power" || v.code === "cur_current") v.value = 0;
    }
    return out;
  }

  /** Validates, then returns the executor that applies the commands (run after throttle/quota). */
  prepareCommands(d: DeviceRecord, body: Buffer): (now: number) => true {
    const commands = validateCommands(d.category, body);
    if (!d.online) fail(2001);
    return (now) => {
      const log = this.logs.get(d.id)!;
      for (const c of commands) {
        const changed = d.state.get(c.code) !== c.value;
        log.append(now, c.code, logValue(c.value), 5, "3");
        d.state.set(c.code, c.value);
        if (changed) log.append(now, c.code, logValue(c.value), 7, "1");
      }
      this.counters.commandsExecuted++;
      this.onCommand?.(
        d,
        commands.map((c) => ({ code: c.code, value: c.value })),
      );
      return true;
    };
  }

  readLogs(d: DeviceRecord, q: LogQuery, now: number, limit: number): Positioned[] {
    return this.logs.get(d.id)!.read(q, now, limit);
  }

  logKey(d: DeviceRecord, p: Position): string {
    return this.cursors.encode(`log:${d.id}`, `${p.time}.${p.rank}`);
  }

  /** Decodes a log cursor for this device; 1109 when we never issued it. */
  parseLogKey(d: DeviceRecord, key: string): Position {
    const payload = this.cursors.decode(`log:${d.id}`, key);
    const m = payload ? /^(\d+)\.(-?\d+)$/.exec(payload) : null;
    if (!m) fail(1109);
    return { time: Number(m[1]), rank: Number(m[2]) };
  }

  /** Device-list cursors: position = index of the last device returned. */
  listKey(scope: string, index: number): string {
    return this.cursors.encode(`list:${scope}`, String(index));
  }

  parseListKey(scope: string, key: string): number {
    const payload = this.cursors.decode(`list:${scope}`, key);
    if (payload === undefined || !/^\d+$/.test(payload)) fail(1109);
    return Number(payload);
  }
}
