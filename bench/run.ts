/**
 * `npm run bench`: prints the benchmark tables (Markdown, as the README quotes them). Not part of
 * npm test: it measures time and memory, which tests never do. Takes a few minutes.
 */
import { hoboLines } from "./hobo.bench";
import { table } from "./table";
import { tuyaLines } from "./tuya.bench";

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== "hobo") {
    const { lines, flood } = await tuyaLines();
    console.log(table("Tuya, 100 ms round trip, limit per endpoint", "official Node SDK", "limit", lines));
    console.log(`\n${flood}\n`);
  }
  if (only !== "tuya") {
    const { lines, notes } = await hoboLines();
    console.log(table("HOBOlink legacy, 1 s answers, 30 requests/min", "plain sequential client", "ideal", lines));
    for (const n of notes) console.log(`\n${n}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
