/**
 * The emulators of bounds.spec.ts in a process of their own, so the heap the spec measures is
 * Node-RED's and the nodes' alone (an in-process emulator building 100,000-row answers would
 * count as the nodes' footprint). Data clocks frozen at the hour given as argv[2]; no rate
 * limits; one Tuya report a second on every channel, so 7 days of retention hold far more than
 * 100,000 entries. Prints one JSON line with the URLs and credentials; stops when stdin closes.
 */
import { HoboEmulator } from "../../src/emulator/hobo";
import { TuyaEmulator } from "../../src/emulator/tuya";

async function main(): Promise<void> {
  const frozen = Number(process.argv[2]);
  const now = () => frozen;
  const hobo = new HoboEmulator({ now, licorRateLimit: { requests: 1_000_000, windowMs: 60_000 } });
  const tuya = new TuyaEmulator({ now, qps: 0, logIntervalSec: 1 });
  await hobo.start();
  await tuya.start();
  const line = {
    hobo: { url: hobo.url, token: hobo.licor.token, loggers: hobo.describe().loggers.map((l) => l.serial) },
    tuya: { url: tuya.url, accessId: tuya.accessId, accessSecret: tuya.accessSecret, climate: tuya.devices[2].id },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void Promise.all([hobo.stop(), tuya.stop()]).then(() => process.exit(0)));
}

void main();
