/**
 * The browser suite's world: both emulators in-process, a real Node-RED 4.1 (the CLI, as users run
 * it) with the pack installed into a temporary user dir, a listener on the editor's websocket
 * (debug messages and node statuses, as the editor sees them), and headless Debian chromium
 * driven by playwright-core. Screenshots go to the git-ignored screenshots/ folder.
 *
 * The pack is installed as npm would install it: the files `npm pack` would publish are copied
 * into <userDir>/node_modules/@bestlab/node-red-platform (its runtime dependencies linked from
 * this checkout). So a file missing from package.json "files" fails here, and a rebuild of dist/
 * while the suite runs cannot pull files out from under the running Node-RED.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import WebSocket from "ws";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { HoboEmulator } from "../../../src/emulator/hobo";
import { EgaugeEmulator } from "../../../src/emulator/egauge";

export const root = resolve(__dirname, "../../..");
export const screenshotDir = join(root, "screenshots");
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  "node-red": { nodes: Record<string, string> };
}
export const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
/** Every node type the pack registers, from package.json (new types are picked up by themselves). */
export const packTypes = Object.keys(pkg["node-red"].nodes);

/** The pack's config node types: their editor definition says category 'config'. */
export const configTypes = new Set(packTypes.filter((t) => /category:\s*['"]config['"]/.test(readFileSync(join(root, "nodes", `${t}.html`), "utf8"))));

export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** The example flows as shipped: [{file, flow}], sorted by file name. */
export function readExamples(): { file: string; flow: FlowNode[] }[] {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, flow: JSON.parse(readFileSync(join(dir, file), "utf8")) as FlowNode[] }));
}

/** A core file node appending each msg.payload as a line (flows of the e2e suite and the bench). */
export function appendFileNode(id: string, z: string, filename: string): FlowNode {
  return { id, z, type: "file", filename, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", encoding: "none", wires: [[]] };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Polls check() until it returns a truthy value (returned) or the deadline passes (throws what() for the failure). */
export async function waitFor<T>(check: () => T | Promise<T>, what: () => string | Promise<string>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Copies the files `npm pack` would publish into dest and links the runtime dependencies beside them. */
export function installPack(userDir: string): void {
  const listing = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })) as {
    files: { path: string }[];
  }[];
  const dest = join(userDir, "node_modules", ...pkg.name.split("/"));
  for (const { path } of listing[0]!.files) {
    mkdirSync(dirname(join(dest, path)), { recursive: true });
    cpSync(join(root, path), join(dest, path));
  }
  for (const [type, file] of Object.entries(pkg["node-red"].nodes)) {
    for (const f of [file, file.replace(/\.js$/, ".html")]) {
      if (!existsSync(join(dest, f))) throw new Error(`${type}: ${f} is not in the packed files (run npm run build; is it in package.json "files"?)`);
    }
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) linkModule(userDir, dep);
}

/**
 * The third-party nodes the examples wire into (dev dependencies of this checkout), installed
 * into the user dir beside the pack as the palette manager would: a link to each module, which
 * resolves its own dependencies from this checkout's node_modules.
 */
export const THIRD_PARTY_NODES = ["node-red-node-sqlite", "node-red-contrib-influxdb", "@flowfuse/node-red-dashboard"];

function linkModule(userDir: string, name: string): void {
  const link = join(userDir, "node_modules", ...name.split("/"));
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(root, "node_modules", ...name.split("/")), link, "dir");
}

export interface DebugMessage {
  id: string;
  z?: string;
  name?: string;
  msg: string;
  format?: string;
  property?: string;
}
export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

export interface Stack {
  url: string;
  userDir: string;
  tuya: TuyaEmulator;
  hobo: HoboEmulator;
  egauge: EgaugeEmulator;
  red: ChildProcess;
  /** Node-RED's console output, line by line. */
  log: string[];
  /** Debug-node messages (from the editor websocket) since start. */
  debug: DebugMessage[];
  /** The latest status of each node, by node id. */
  statuses: Map<string, NodeStatus>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Flows (and credentials) in the flow file at start. */
  flows?: (tuya: TuyaEmulator, hobo: HoboEmulator) => { flows: unknown[]; credentials: Record<string, unknown> };
  /** Extra settings.js properties, as JavaScript source. */
  settings?: string;
  /** The Node-RED to run: the (aliased) dev dependency whose red.js is started; "node-red" (4.1) unless said. */
  runtime?: string;
  /** Puts the pack into <userDir>/node_modules; the packed files copied from this checkout unless said. */
  install?: (userDir: string) => void;
  /** Node modules (e.g. THIRD_PARTY_NODES) installed into the user dir beside the pack. */
  thirdParty?: string[];
}

/** Starts the emulators and a Node-RED with the pack installed, and waits until its editor and websocket answer. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tuya = new TuyaEmulator();
  const hobo = new HoboEmulator();
  await tuya.start();
  await hobo.start();
  const egauge = new EgaugeEmulator();
  await egauge.start();
  const userDir = mkdtempSync(join(tmpdir(), "bestlab-e2e-"));
  writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "e2e", private: true }));
  (options.install ?? installPack)(userDir);
  for (const name of options.thirdParty ?? []) linkModule(userDir, name);
  const port = await freePort();
  writeFileSync(
    join(userDir, "settings.js"),
    `module.exports = { uiHost: "127.0.0.1", uiPort: ${port}, flowFile: "flows.json", credentialSecret: false,
      diagnostics: { enabled: false }, telemetry: { enabled: false }, editorTheme: { tours: false, projects: { enabled: false } },
      externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
      ${options.settings ?? ""} };`,
  );
  const initial = options.flows?.(tuya, hobo) ?? { flows: [], credentials: {} };
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(initial.flows));
  writeFileSync(join(userDir, "flows_cred.json"), JSON.stringify(initial.credentials));
  const log: string[] = [];
  const red = spawn(
    process.execPath,
    [join(root, "node_modules", options.runtime ?? "node-red", "red.js"), "-u", userDir, "-s", join(userDir, "settings.js")],
    {
      cwd: userDir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const collect = (d: Buffer) =>
    log.push(
      ...d
        .toString()
        .split("\n")
        .filter((l) => l.trim() !== ""),
    );
  red.stdout?.on("data", collect);
  red.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (red.exitCode !== null) throw new Error(`Node-RED exited (${red.exitCode}):\n${log.join("\n")}`);
      return fetch(`${url}/settings`).then(
        (r) => r.ok,
        () => false,
      );
    },
    () => `Node-RED to answer on ${url}:\n${log.join("\n")}`,
    60_000,
  );
  const debug: DebugMessage[] = [];
  const statuses = new Map<string, NodeStatus>();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/comms`);
  await new Promise<void>((res, rej) => {
    ws.once("open", () => res());
    ws.once("error", rej);
  });
  ws.on("message", (data: WebSocket.RawData) => {
    const parsed = JSON.parse(data.toString()) as { topic?: string; data?: unknown }[] | { topic?: string; data?: unknown };
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      if (m.topic === "debug") debug.push(m.data as DebugMessage);
      else if (m.topic?.startsWith("status/")) statuses.set(m.topic.slice("status/".length), (m.data ?? {}) as NodeStatus);
    }
  });
  ws.send(JSON.stringify({ subscribe: "debug" }));
  ws.send(JSON.stringify({ subscribe: "status/#" }));
  return {
    url,
    userDir,
    tuya,
    hobo,
    egauge,
    red,
    log,
    debug,
    statuses,
    async stop() {
      ws.close();
      if (red.exitCode === null) {
        const exited = new Promise((r) => red.once("exit", r));
        red.kill("SIGTERM");
        await exited;
      }
      await Promise.all([tuya.stop(), hobo.stop(), egauge.stop()]);
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** The node types the running Node-RED knows (core and the pack). */
export async function registeredTypes(stack: Stack): Promise<Set<string>> {
  const res = await fetch(`${stack.url}/nodes`, { headers: { Accept: "application/json" } });
  const sets = (await res.json()) as { types: string[]; enabled: boolean; err?: string }[];
  return new Set(sets.filter((s) => s.enabled && !s.err).flatMap((s) => s.types));
}

/**
 * Replaces the running flows through the admin API, as the editor's Deploy does (credentials go
 * inline, as the editor sends them), and waits until the runtime reports them started. Returns
 * the log lines written from the deploy until then.
 */
export async function deploy(stack: Stack, flows: unknown[]): Promise<string[]> {
  const from = stack.log.length;
  const started = () => stack.log.slice(from).some((l) => /\[info\] Started flows/.test(l));
  const res = await fetch(`${stack.url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flows),
  });
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
  await waitFor(
    () => {
      const waiting = stack.log.slice(from).find((l) => /Waiting for missing types/.test(l));
      if (waiting) throw new Error(`the flows use node types Node-RED does not know:\n${stack.log.slice(from).join("\n")}`);
      return started();
    },
    () => `"Started flows" after the deploy:\n${stack.log.slice(from).join("\n")}`,
  );
  return stack.log.slice(from);
}

/** Presses an inject node's button, as the editor does (POST /inject/:id). */
export async function inject(stack: Stack, id: string): Promise<void> {
  const res = await fetch(`${stack.url}/inject/${encodeURIComponent(id)}`, { method: "POST" });
  if (!res.ok) throw new Error(`inject ${id} failed: ${res.status} ${await res.text()}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Opens the editor in headless chromium and waits until it has loaded the node definitions and the flows. */
/** locale: the browser's language (navigator.language), which the editor follows unless the user chose another in its settings. */
export async function openEditor(stack: Stack, options: { width?: number; height?: number; locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "bestlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: options.width ?? 1600, height: options.height ?? 900 },
    ...(options.locale ? { locale: options.locale } : {}),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  let loaded = false;
  await page.exposeFunction("__bestlabFlowsLoaded", () => {
    loaded = true;
  });
  // The editor emits flows:loaded once it has loaded every node definition and imported the flows;
  // the loading bar hides just after. Hook the event as soon as RED.events exists.
  await page.addInitScript(() => {
    const w = window as unknown as { RED?: { events?: { on(e: string, f: () => void): void } }; __bestlabFlowsLoaded(): void };
    const timer = setInterval(() => {
      if (w.RED?.events) {
        clearInterval(timer);
        w.RED.events.on("flows:loaded", () => w.__bestlabFlowsLoaded());
      }
    }, 5);
  });
  await page.goto(`${stack.url}/`);
  await waitFor(
    () => loaded,
    () => "the editor to load the flows (flows:loaded)",
    60_000,
  );
  await page.locator("#red-ui-loading-progress").waitFor({ state: "hidden" });
  return {
    context,
    page,
    consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
