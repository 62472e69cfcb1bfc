// npm start: the whole pack running locally, no accounts or hardware. Installs the dependencies
// if needed (npm ci), builds the pack, starts the Tuya and HOBOlink emulators on 127.0.0.1,
// starts Node-RED (the dev dependency) with the pack installed into the git-ignored user dir
// .demo/, deploys the demo workspace (every example flow, its config nodes pointed at the
// emulators with their demo credentials stored as credentials), prints the editor URL, and
// stops everything on Ctrl-C. Ports: PORT (editor, 1880), TUYA_PORT (8830), HOBO_PORT (8831), EGAUGE_PORT (8832).
// test/e2e/demo.spec.ts runs it twice, as a user would.
// Each run starts from the example flows again; files the flows write go to .demo/data/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoFlows, withInlineCredentials } from "./demo-flows.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// DEMO_DIR (default .demo/) lets the tests run the demo without touching yours.
const userDir = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : join(root, ".demo");
const dataDir = join(userDir, "data");
const port = Number(process.env.PORT || 1880);
const tuyaPort = Number(process.env.TUYA_PORT || 8830);
const hoboPort = Number(process.env.HOBO_PORT || 8831);
const egaugePort = Number(process.env.EGAUGE_PORT || 8832);
const editorUrl = `http://127.0.0.1:${port}`;
const children = [];
/** A path as the user would type it: relative inside the checkout, absolute outside. */
const shown = (p) => (p.startsWith(root + "/") ? relative(root, p) : p);
let stopping = false;

function step(text) {
  console.log(`\x1b[36m▸\x1b[0m ${text}`);
}

function fail(text) {
  console.error(`\x1b[31mdemo:\x1b[0m ${text}`);
  return stopAll(1);
}

function runOrExit(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (res.status !== 0) {
    console.error(`demo: "${cmd} ${args.join(" ")}" failed`);
    process.exit(1);
  }
}

/** Stops every child (SIGTERM, then SIGKILL after 10 s), waits until they have exited, then exits. */
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (running.length) step("stopping Node-RED and the emulators");
  await Promise.all(
    running.map(
      (child) =>
        new Promise((done) => {
          const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(force);
            done();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

/** Spawns a long-running child that stops the demo when it dies on its own. */
function startChild(name, args, stdio) {
  const child = spawn(process.execPath, args, { cwd: root, stdio, env: { ...process.env, PORT: String(port) } });
  children.push(child);
  child.once("exit", (code, signal) => {
    if (!stopping) fail(`${name} exited (${signal ?? code}) while the demo was running`);
  });
  return child;
}

async function waitUntil(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (stopping) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (!existsSync(join(root, "node_modules", "node-red"))) {
  step("installing dependencies (npm ci)");
  runOrExit("npm", ["ci", "--no-audit", "--no-fund"]);
}
step("building the pack");
runOrExit("npm", ["run", "--silent", "build"]);

step(`starting the emulators (Tuya on 127.0.0.1:${tuyaPort}, HOBOlink on 127.0.0.1:${hoboPort}, eGauge on 127.0.0.1:${egaugePort})`);
const emulator = startChild(
  "the emulators",
  [join(root, "dist/src/emulator/cli.js"), "--tuya-port", String(tuyaPort), "--hobo-port", String(hoboPort), "--egauge-port", String(egaugePort)],
  ["ignore", "pipe", "inherit"],
);
const info = await new Promise((resolveInfo, reject) => {
  createInterface({ input: emulator.stdout }).once("line", (line) => resolveInfo(JSON.parse(line)));
  emulator.once("exit", () =>
    reject(new Error(`the emulators did not start: is port ${tuyaPort}, ${hoboPort} or ${egaugePort} in use? Set TUYA_PORT / HOBO_PORT / EGAUGE_PORT`)),
  );
}).catch((err) => fail(err.message));
if (!info) await new Promise(() => {});

step(`preparing the Node-RED user dir ${shown(userDir)}/ (the pack linked in, as npm install would)`);
mkdirSync(join(userDir, "node_modules", "@bestlab"), { recursive: true });
mkdirSync(dataDir, { recursive: true });
const link = join(userDir, "node_modules", "@bestlab", "node-red-platform");
rmSync(link, { recursive: true, force: true });
symlinkSync(root, link, "dir");
writeFileSync(
  join(userDir, "package.json"),
  JSON.stringify({ name: "bestlab-demo", private: true, dependencies: { "@bestlab/node-red-platform": `file:${relative(userDir, root) || "."}` } }, null, 2) +
    "\n",
);
writeFileSync(
  join(userDir, "settings.js"),
  `// Written by scripts/demo.mjs on every npm start.
module.exports = {
  uiHost: "127.0.0.1",
  uiPort: parseInt(process.env.PORT, 10) || ${port},
  flowFile: "flows.json",
  credentialSecret: false,
  // Persistent context: the incremental polls (hobo-data "since last run", tuya-log) keep their
  // high-water marks in .demo/context/ across restarts.
  contextStorage: { default: { module: "localfilesystem" }, memory: { module: "memory" } },
  // Function nodes may require("@bestlab/node-red-platform") to use the clients directly.
  functionExternalModules: true,
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
  editorTheme: { tours: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
`,
);
// Start from an empty workspace; the demo flows are deployed through the admin API once Node-RED
// knows which node types it has (an example using a type this build lacks is left out).
writeFileSync(join(userDir, "flows.json"), "[]\n");
rmSync(join(userDir, "flows_cred.json"), { force: true });

step(`starting Node-RED on ${editorUrl}/`);
startChild("Node-RED", [join(root, "node_modules/node-red/red.js"), "-u", userDir, "-s", join(userDir, "settings.js")], ["ignore", "inherit", "inherit"]);
try {
  await waitUntil(
    () =>
      fetch(`${editorUrl}/settings`).then(
        (r) => r.ok,
        () => false,
      ),
    `Node-RED on ${editorUrl} (is port ${port} in use? set PORT)`,
  );
  if (stopping) await new Promise(() => {});
  const sets = await (await fetch(`${editorUrl}/nodes`, { headers: { Accept: "application/json" } })).json();
  const knownTypes = new Set(sets.filter((s) => s.enabled).flatMap((s) => s.types));
  const examples = readdirSync(join(root, "examples"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  const { flows, credentials, skipped } = buildDemoFlows(
    examples.map((f) => ({ file: f, flow: JSON.parse(readFileSync(join(root, "examples", f), "utf8")) })),
    info,
    { fileDir: dataDir, knownTypes },
  );
  const res = await fetch(`${editorUrl}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(withInlineCredentials(flows, credentials)),
  });
  if (!res.ok) throw new Error(`deploying the demo flows failed: ${res.status} ${await res.text()}`);
  for (const s of skipped) console.log(`demo: left out ${s.file}: this build has no ${s.missing.join(", ")} node`);
  console.log(`
  Node-RED editor:   ${editorUrl}/
  Tuya emulator:     ${info.tuya.url}   (access id ${info.tuya.accessId}, ${info.tuya.devices.length} devices)
  Tuya events:       ${info.tuya.mqUrl}   (message service for tuya-events; sensors report every 15 s)
  HOBOlink emulator: ${info.hobo.url}   (LI-COR token and legacy V3 OAuth, ${info.hobo.loggers.length} loggers)
  eGauge emulator:   ${info.egauge.url}   (user ${info.egauge.user}, password ${info.egauge.password}, ${info.egauge.registers.length} registers)
  Demo workspace:    ${examples.length - skipped.length} example flows, config nodes pointed at the emulators;
                     files the flows write land in ${shown(dataDir)}/
  Press Ctrl-C to stop everything.
`);
} catch (err) {
  await fail(err.message);
}
