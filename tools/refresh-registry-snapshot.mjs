// Refreshes test/scorecard/registry-snapshot.json from the npm registry (needs network).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const view = (spec, field) => JSON.parse(execFileSync("npm", ["view", spec, field, "--json"], { encoding: "utf8" }));
const file = "test/scorecard/registry-snapshot.json";
const snap = JSON.parse(readFileSync(file, "utf8"));
const tags = view("node-red", "dist-tags");
snap.nodeRed = {
  latest: tags.latest,
  maintenance: Object.entries(tags)
    .filter(([k]) => k.includes("maintenance"))
    .map(([, v]) => v),
  latestEnginesNode: view(`node-red@${tags.latest}`, "engines").node,
};
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
snap.latest = Object.fromEntries(Object.keys(pkg.dependencies ?? {}).map((d) => [d, view(d, "version")]));
writeFileSync(file, JSON.stringify(snap, null, 2) + "\n");
console.log(snap);
