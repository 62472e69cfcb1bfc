// Build: compile TypeScript (src/ and nodes/) to CommonJS in dist/, then put each node's editor
// HTML, its locales and the icons next to the compiled .js, where Node-RED and the scorecard look.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { stdio: "inherit" });

for (const file of readdirSync("nodes")) {
  if (file.endsWith(".html")) cpSync(`nodes/${file}`, `dist/nodes/${file}`);
}
if (existsSync("nodes/locales")) cpSync("nodes/locales", "dist/nodes/locales", { recursive: true });
if (existsSync("icons")) cpSync("icons", "dist/nodes/icons", { recursive: true });
if (existsSync("nodes/resources")) cpSync("nodes/resources", "dist/nodes/resources", { recursive: true });
console.log("build: dist/ ready");
