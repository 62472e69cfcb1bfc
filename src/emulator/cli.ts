/**
 * `npm run emulator`: starts the Tuya (OpenAPI and message service) and HOBOlink emulators on 127.0.0.1 and prints one JSON
 * line with their URLs, demo credentials and devices/loggers, then runs until SIGINT/SIGTERM.
 *   --tuya-port N   fixed port for the Tuya emulator (default: a free port)
 *   --hobo-port N   fixed port for the HOBOlink emulator (default: a free port)
 *   --egauge-port N fixed port for the eGauge meter emulator (default: a free port)
 * `npm run emulator -- --tuya-port N` passes the flags through; `npm run emulator --tuya-port=N`
 * (without "--") reaches us only as npm's npm_config_tuya_port, which is read as well.
 */
import { parseArgs } from "node:util";
import { TuyaEmulator } from "./tuya";
import { HoboEmulator } from "./hobo";
import { EgaugeEmulator } from "./egauge";

function port(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number (0-65535), got "${value}"`);
  return n;
}

export async function main(argv = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { "tuya-port": { type: "string" }, "hobo-port": { type: "string" }, "egauge-port": { type: "string" } } });
  // Sensors push their changed readings to the message service every 15 s, so tuya-events has something to show.
  const tuya = new TuyaEmulator({ port: port(values["tuya-port"] ?? env.npm_config_tuya_port, "--tuya-port"), sensorReportMs: 15_000 });
  const hobo = new HoboEmulator({ port: port(values["hobo-port"] ?? env.npm_config_hobo_port, "--hobo-port") });
  const egauge = new EgaugeEmulator({ port: port(values["egauge-port"] ?? env.npm_config_egauge_port, "--egauge-port") });
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

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
