/**
 * `npm run bench`: prints the benchmark table (Markdown, as the README quotes it): Tuya at 10/s
 * and 40/s per endpoint against the official SDK, the command flood (node against the raw call),
 * HOBOlink 10 x 30 and 10 x 90 days (and 90 days through a flow) against a plain client. Not part of
 * npm test: it measures time and memory, which tests never do. Takes a few minutes.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { hoboLines } from "./hobo.bench";
import { table } from "./table";
import { tuyaLines } from "./tuya.bench";

async function main(): Promise<void> {
  // The flood and the Node-RED flow run the built pack (dist/): built from this checkout first.
  execFileSync(process.execPath, [join(__dirname, "..", "scripts", "build.mjs")], { stdio: "inherit" });
  const only = process.argv[2];
  const lines = [...(only === "hobo" ? [] : await tuyaLines())];
  const notes: string[] = [];
  if (only !== "tuya") {
    const hobo = await hoboLines();
    lines.push(...hobo.lines);
    notes.push(...hobo.notes);
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} (${cpus().length} cores)\n`,
  );
  console.log(table(lines));
  for (const n of notes) console.log(`\n${n}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
