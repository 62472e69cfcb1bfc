/**
 * The browser suite's world: both emulators in-process, a real Node-RED 4.1 (the CLI, as users run
 * it) with the built pack linked into a temporary user dir, and headless Debian chromium driven by
 * playwright-core. Screenshots go to the git-ignored screenshots/ folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { HoboEmulator } from "../../../src/emulator/hobo";

export const root = resolve(__dirname, "../../..");
export const screenshotDir = join(root, "screenshots");
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

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

export interface Stack {
  url: string;
  userDir: string;
  tuya: TuyaEmulator;
  hobo: HoboEmulator;
  red: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

/** Starts the emulators and a Node-RED with the pack; flows(tuya, hobo) gives the flows and credentials to deploy at start. */
export async function startStack(
  flows: (tuya: TuyaEmulator, hobo: HoboEmulator) => { flows: unknown[]; credentials: Record<string, unknown> } = () => ({ flows: [], credentials: {} }),
): Promise<Stack> {
  const tuya = new TuyaEmulator();
  const hobo = new HoboEmulator();
  await tuya.start();
  await hobo.start();
  const userDir = mkdtempSync(join(tmpdir(), "bestlab-e2e-"));
  mkdirSync(join(userDir, "node_modules", "@bestlab"), { recursive: true });
  symlinkSync(root, join(userDir, "node_modules", "@bestlab", "node-red-platform"), "dir");
  writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "e2e", private: true }));
  const port = await freePort();
  writeFileSync(
    join(userDir, "settings.js"),
    `module.exports = { uiHost: "127.0.0.1", uiPort: ${port}, flowFile: "flows.json", credentialSecret: false,
      diagnostics: { enabled: false }, telemetry: { enabled: false }, editorTheme: { tours: false, projects: { enabled: false } },
      externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } } };`,
  );
  const initial = flows(tuya, hobo);
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(initial.flows));
  writeFileSync(join(userDir, "flows_cred.json"), JSON.stringify(initial.credentials));
  const log: string[] = [];
  const red = spawn(process.execPath, [join(root, "node_modules/node-red/red.js"), "-u", userDir, "-s", join(userDir, "settings.js")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  red.stdout?.on("data", (d: Buffer) => log.push(...d.toString().split("\n")));
  red.stderr?.on("data", (d: Buffer) => log.push(...d.toString().split("\n")));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/settings`).then((r) => r.ok, () => false)) break;
    if (red.exitCode !== null) throw new Error(`Node-RED exited:\n${log.join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    userDir,
    tuya,
    hobo,
    red,
    log,
    async stop() {
      if (red.exitCode === null) {
        const exited = new Promise((r) => red.once("exit", r));
        red.kill("SIGTERM");
        await exited;
      }
      await Promise.all([tuya.stop(), hobo.stop()]);
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** Replaces the running flows (and credentials) through the admin API, as the editor's Deploy does. */
export async function deploy(stack: Stack, flows: unknown[]): Promise<void> {
  const res = await fetch(`${stack.url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flows),
  });
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function openEditor(stack: Stack, options: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "bestlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  await page.goto(`${stack.url}/`);
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { nodes?: { getType?: (t: string) => unknown }; editor?: unknown } };
    return Boolean(w.RED?.nodes?.getType && w.RED.editor && document.querySelector(".red-ui-palette-node"));
  });
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
