// npm run screenshots: refreshes the README's editor screenshots. Builds the pack, runs the browser
// suites (test/e2e/editor.spec.ts and examples-editor.spec.ts, headless chromium against a real
// Node-RED and the emulators),
// which writes its screenshots to the git-ignored screenshots/, then copies the chosen ones into
// docs/images/ (committed, shown by README.md).
//   --copy-only   skip the build and the browser run; copy what screenshots/ holds
// CHROMIUM_PATH overrides /usr/bin/chromium, as in the tests.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "screenshots");
const to = join(root, "docs", "images");

/** The screenshots the README shows, plus every node's edit dialog (dialog-<type>.png) and every example (example-<title>.png). */
const CHOSEN = [
  "workspace",
  "tuya-config-test-ok",
  "tuya-config-test-failed",
  "device-picker",
  "deployed-tuya-status",
  "deployed-hobo-data",
  "dashboard-chart",
];

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  return res.status === 0;
}

if (!process.argv.includes("--copy-only")) {
  const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    console.error(`screenshots: ${chromium} is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    process.exit(1);
  }
  if (!run("npm", ["run", "--silent", "build"])) process.exit(1);
  // A failing test still leaves the screenshots taken until then; report it, copy what exists.
  if (!run(join(root, "node_modules", ".bin", "mocha"), ["--timeout", "240000", "test/e2e/editor.spec.ts", "test/e2e/examples-editor.spec.ts"])) {
    console.error("screenshots: the browser suite failed; copying the screenshots it did take");
  }
}

if (!existsSync(from)) {
  console.error("screenshots: screenshots/ is empty; run without --copy-only (or npm test) first");
  process.exit(1);
}
mkdirSync(to, { recursive: true });
const available = new Set(
  readdirSync(from)
    .filter((f) => f.endsWith(".png"))
    .map((f) => f.slice(0, -4)),
);
const names = [...CHOSEN, ...[...available].filter((n) => n.startsWith("dialog-") || n.startsWith("example-")).sort()];
let copied = 0;
for (const name of names) {
  if (!available.has(name)) {
    console.warn(`screenshots: ${name}.png was not taken`);
    continue;
  }
  copyFileSync(join(from, `${name}.png`), join(to, `${name}.png`));
  copied++;
}
console.log(`screenshots: ${copied} images copied to docs/images/`);
