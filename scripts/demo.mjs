// npm start: the whole pack running locally, no accounts or hardware. Builds the pack, starts the
// Tuya and HOBOlink emulators on 127.0.0.1, starts Node-RED (the dev dependency) with the pack
// installed into the git-ignored user dir .demo/, deploys every example flow with its config nodes
// pointed at the emulators (demo credentials stored as credentials), prints the editor URL, and
// stops everything on Ctrl-C. Ports: PORT (editor, 1880), TUYA_PORT (8830), HOBO_PORT (8831).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoFlows } from "./demo-flows.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const userDir = join(root, ".demo");
const port = Number(process.env.PORT || 1880);
const tuyaPort = Number(process.env.TUYA_PORT || 8830);
const hoboPort = Number(process.env.HOBO_PORT || 8831);
const children = [];

function step(text) {
  console.log(`\x1b[36m▸\x1b[0m ${text}`);
}

function runOrExit(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (res.status !== 0) {
    console.error(`demo: "${cmd} ${args.join(" ")}" failed`);
    process.exit(1);
  }
}

function stopAll(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 300).unref();
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

if (!existsSync(join(root, "node_modules", "node-red"))) {
  step("installing dependencies (npm ci)");
  runOrExit("npm", ["ci", "--no-audit", "--no-fund"]);
}
step("building the pack");
runOrExit("npm", ["run", "--silent", "build"]);

step(`starting the emulators (Tuya :${tuyaPort}, HOBOlink :${hoboPort})`);
const emulator = spawn(process.execPath, [join(root, "dist/src/emulator/cli.js"), "--tuya-port", String(tuyaPort), "--hobo-port", String(hoboPort)], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(emulator);
const info = await new Promise((resolveInfo, reject) => {
  createInterface({ input: emulator.stdout }).once("line", (line) => resolveInfo(JSON.parse(line)));
  emulator.once("exit", (code) => reject(new Error(`the emulators exited (${code}): is port ${tuyaPort} or ${hoboPort} in use? set TUYA_PORT / HOBO_PORT`)));
}).catch((err) => {
  console.error(`demo: ${err.message}`);
  stopAll(1);
  return null;
});
if (!info) await new Promise(() => {});

step("preparing the Node-RED user dir .demo/");
mkdirSync(join(userDir, "node_modules", "@bestlab"), { recursive: true });
const link = join(userDir, "node_modules", "@bestlab", "node-red-platform");
rmSync(link, { recursive: true, force: true });
symlinkSync(root, link, "dir");
writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "bestlab-demo", private: true, dependencies: { "@bestlab/node-red-platform": "file:.." } }, null, 2));
writeFileSync(
  join(userDir, "settings.js"),
  `module.exports = {
  uiHost: "127.0.0.1",
  uiPort: ${port},
  flowFile: "flows.json",
  credentialSecret: false,
  contextStorage: { default: { module: "localfilesystem" }, memory: { module: "memory" } },
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
  editorTheme: { tours: false, projects: { enabled: false } },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
`,
);
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".json")).sort();
const { flows, credentials } = buildDemoFlows(
  examples.map((f) => ({ file: f, flow: JSON.parse(readFileSync(join(root, "examples", f), "utf8")) })),
  info,
);
writeFileSync(join(userDir, "flows.json"), JSON.stringify(flows, null, 2));
writeFileSync(join(userDir, "flows_cred.json"), JSON.stringify(credentials, null, 2));

step(`starting Node-RED on http://127.0.0.1:${port}/`);
const red = spawn(process.execPath, [join(root, "node_modules/node-red/red.js"), "-u", userDir, "-s", join(userDir, "settings.js")], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, PORT: String(port) },
});
children.push(red);
red.once("exit", (code) => {
  console.error(`demo: Node-RED exited (${code})${code ? `: is port ${port} in use? set PORT` : ""}`);
  stopAll(code ?? 1);
});
for (let i = 0; i < 300; i++) {
  const ok = await fetch(`http://127.0.0.1:${port}/settings`).then((r) => r.ok, () => false);
  if (ok) break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`
  Node-RED editor:   http://127.0.0.1:${port}/
  Tuya emulator:     ${info.tuya.url}   (access id ${info.tuya.accessId})
  HOBOlink emulator: ${info.hobo.url}   (LI-COR and legacy V3)
  Flows deployed:    ${examples.length} example flows, config nodes pointed at the emulators.
  Press Ctrl-C to stop everything.
`);
