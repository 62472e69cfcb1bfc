/**
 * `npm run emulator`: starts the Tuya (OpenAPI and message service) and HOBOlink emulators on 127.0.0.1 and prints one JSON
 * line with their URLs, demo credentials and devices/loggers, then runs until SIGINT/SIGTERM.
 *   --tuya-port N   fixed port for the Tuya emulator (default: a free port)
 *   --hobo-port N   fixed port for the HOBOlink emulator (default: a free port)
 *   --egauge-port N fixed port for the eGauge meter emulator (default: a free port)
 *   --tuya-qps N | "METHOD /path=N"   Tuya calls per second for every endpoint template, or for
 *                   one (repeatable; default: Tuya's per-API table)
 *   --latency MS    added to every answer of the Tuya and HOBOlink emulators (an emulated round trip)
 * `bestlab-emulator` (the installed pack's command, bin/bestlab-emulator.js) runs the same
 * compiled, defaulting to examplePorts: the ports the example flows point at. 0 = a free port.
 * `npm run emulator -- --tuya-port N` passes the flags through; `npm run emulator --tuya-port=N`
 * (without "--") reaches us only as npm's npm_config_tuya_port, which is read as well.
 */
import { parseArgs } from "node:util";
import { parseQpsFlags, TuyaEmulator } from "./tuya";
import { HoboEmulator } from "./hobo";
import { EgaugeEmulator } from "./egauge";

/** Default ports of `bestlab-emulator`: the endpoints the example flows' config nodes point at. */
export const examplePorts: Ports = { tuya: 8830, hobo: 8831 };
/** A default port per emulator; one left out listens on a free port. */
export interface Ports {
  tuya?: number;
  hobo?: number;
  egauge?: number;
}

function port(value: string | undefined, flag: string, fallback = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number (0-65535), got "${value}"`);
  return n;
}

export async function main(argv = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env, defaults: Ports = {}): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "tuya-port": { type: "string" },
      "hobo-port": { type: "string" },
      "egauge-port": { type: "string" },
      "tuya-qps": { type: "string", multiple: true },
      latency: { type: "string" },
    },
  });
  const qps = parseQpsFlags(values["tuya-qps"] ?? []);
  // Sensors push their changed readings to the message service every 15 s, so tuya-events has something to show.
  const tuya = new TuyaEmulator({ port: port(values["tuya-port"] ?? env.npm_config_tuya_port, "--tuya-port", defaults.tuya), sensorReportMs: 15_000, ...qps });
  const hobo = new HoboEmulator({ port: port(values["hobo-port"] ?? env.npm_config_hobo_port, "--hobo-port", defaults.hobo) });
  const egauge = new EgaugeEmulator({ port: port(values["egauge-port"] ?? env.npm_config_egauge_port, "--egauge-port", defaults.egauge) });
  if (values.latency !== undefined) {
    const ms = Number(values.latency);
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`--latency must be a number of milliseconds from 0 up, got "${values.latency}"`);
    tuya.faults.setLatency(ms);
    hobo.faults.setLatency(ms);
  }
  await tuya.start();
  await hobo.start();
  await egauge.start();
  process.stdout.write(JSON.stringify({ tuya: tuya.describe(), hobo: hobo.describe(), egauge: egauge.describe() }) + "\n");

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all([tuya.stop(), hobo.stop(), egauge.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Runs main with this process's arguments; a failure (a bad flag, a port in use) is one line on stderr and exit code 1. */
export function run(defaults: Ports = {}): void {
  main(process.argv.slice(2), process.env, defaults).catch((err: unknown) => {
    process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
