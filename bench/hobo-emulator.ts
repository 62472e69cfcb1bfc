/**
 * The HOBOlink emulator for the bench, in its own process (so the client's peak memory is the
 * client's): ten weather loggers, the legacy limits (30 requests a minute per URL, 75 at once,
 * 100,000 rows an answer) and a 1 s answer. Prints one JSON line, runs until killed.
 */
import { HoboEmulator } from "../src/emulator/hobo";

async function main(): Promise<void> {
  const emu = new HoboEmulator({ stations: [], extraStations: 10 });
  emu.faults.setLatency(Number(process.argv[2] ?? 1000));
  await emu.start();
  process.stdout.write(JSON.stringify({ url: emu.url, legacy: emu.legacy, loggers: emu.loggers.map((l) => l.serial) }) + "\n");
  process.on("SIGTERM", () => void emu.stop().then(() => process.exit(0)));
}

void main();
