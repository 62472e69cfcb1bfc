// Shared set-up for the message-service specs: an emulator and consumers against its ws:// URL.
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../../src/emulator/tuya";
import { TuyaEventConsumer, type ConsumerState, type TuyaEventConsumerOptions } from "../../../src/tuya/events";
import type { TuyaEvent, Undecodable } from "../../../src/tuya/events";

export interface Watched {
  consumer: TuyaEventConsumer;
  events: TuyaEvent[];
  undecodable: Undecodable[];
  problems: { kind: string; message: string }[];
  states: ConsumerState[];
}

/** Polls until the condition holds (event-driven waits, not timed assertions). */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets real I/O run while fake timers stay frozen (setImmediate and performance.now are not faked) until the condition holds. */
export async function io(cond: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 10_000;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`no ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

export async function startEmulator(o: TuyaEmulatorOptions = {}): Promise<TuyaEmulator> {
  const emu = new TuyaEmulator({ qps: 0, ...o });
  await emu.start();
  return emu;
}

/** A started consumer with quick reconnects, recording what it emits. */
export function watch(emu: TuyaEmulator, o: Partial<TuyaEventConsumerOptions> = {}): Watched {
  const consumer = new TuyaEventConsumer({
    endpoint: emu.mqUrl,
    accessId: emu.accessId,
    accessKey: emu.accessSecret,
    backoff: { initialMs: 20, maxMs: 100 },
    refusedBackoff: { initialMs: 50, maxMs: 200 },
    ackTimeoutMs: 1000,
    ...o,
  });
  const w: Watched = { consumer, events: [], undecodable: [], problems: [], states: [] };
  consumer.on("event", (e: TuyaEvent) => w.events.push(e));
  consumer.on("undecodable", (u: Undecodable) => w.undecodable.push(u));
  consumer.on("problem", (p: { kind: string; message: string }) => w.problems.push(p));
  consumer.on("state", (s: ConsumerState) => w.states.push(s));
  consumer.start();
  return w;
}

export const connected = (w: Watched) => w.consumer.state.state === "connected";
