/**
 * The HOBOlink backfill through a flow, as a user runs it:
 *   tsx bench/hobo-node.ts DAYS   (the emulator's JSON line in env HOBO_EMULATOR)
 * A real Node-RED 4.1 (the CLI, node_modules/node-red/red.js) in its own process, with a
 * temporary user dir where the pack is installed as the e2e suite installs it (the packed files
 * copied, runtime dependencies linked; dist/ must be built). The flow: inject → hobo-data
 * (absolute window of DAYS days ending a day ago, raw, one message per window, the emulator's
 * loggers) → a function node turning observation_list into JSON lines → a file node appending
 * them to rows.jsonl; a complete node scoped to hobo-data writes a done marker, a catch node
 * writes errors.log. Nothing in the flow keeps a message (no debug node).
 * The inject is pressed through the admin API; ms runs from that POST to the done marker (the
 * file polled, not a time). peakMB is the Node-RED process's VmHWM, startMB its resident memory
 * with the flows started, before the inject. Prints one JSON line: ms, rows, peakMB, startMB.
 */
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendFileNode, freePort, installPack, root, waitFor } from "../test/e2e/support/stack";
import type { BenchEmulator } from "./hobo-client";

const DAY = 86_400_000;

/**
 * BENCH_RED_HEAP=256 starts Node-RED as its docs advise for small devices (node --max-old-space-size=256);
 * BENCH_RED_FLAGS adds node flags for a look inside (e.g. "--trace-gc", "--heapsnapshot-signal=SIGUSR2").
 */
function heapFlags(): string[] {
  const mb = Number(process.env.BENCH_RED_HEAP);
  const extra = (process.env.BENCH_RED_FLAGS ?? "").split(" ").filter((f) => f !== "");
  return [...(Number.isFinite(mb) && mb > 0 ? [`--max-old-space-size=${mb}`] : []), ...extra];
}
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** A /proc/<pid>/status field in MB (VmHWM: the peak resident memory, VmRSS: the current one). */
function statusMB(pid: number, field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Lines in a file (newline bytes), read as a stream: the file can be hundreds of MB. */
async function countLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  }
  return n;
}

const text = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim() : "");
const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

function flows(emu: BenchEmulator, dir: string, start: number, end: number) {
  const file = (id: string, name: string) => appendFileNode(id, "bench-t1", join(dir, name));
  return {
    flows: [
      { id: "bench-t1", type: "tab", label: "bench" },
      // Generous bounds, as in hobo-client.ts: the one-process emulator writes 20 MB answers one after another.
      { id: "bench-cfg", type: "hobo-config", flavour: "legacy", endpoint: emu.url, timeout: 120, totalTime: 600 },
      { id: "bench-go", z: "bench-t1", type: "inject", props: [{ p: "payload", v: "done", vt: "str" }], repeat: "", once: false, wires: [["bench-hobo"]] },
      {
        id: "bench-hobo",
        z: "bench-t1",
        type: "hobo-data",
        hobo: "bench-cfg",
        loggers: emu.loggers.map((serial) => ({ serial })),
        loggersFromType: "list",
        window: "absolute",
        start: utc(start),
        startType: "str",
        end: utc(end),
        endType: "str",
        format: "raw",
        output: "window",
        wires: [["bench-lines"]],
      },
      {
        id: "bench-lines",
        z: "bench-t1",
        type: "function",
        outputs: 1,
        wires: [["bench-rows"]],
        func: `const rows = (msg.payload && msg.payload.observation_list) || [];\nmsg.payload = rows.map((r) => JSON.stringify(r)).join("\\n");\nreturn msg.payload ? msg : null;`,
      },
      file("bench-rows", "rows.jsonl"),
      { id: "bench-complete", z: "bench-t1", type: "complete", scope: ["bench-hobo"], uncaught: false, wires: [["bench-done"]] },
      file("bench-done", "done"),
      { id: "bench-catch", z: "bench-t1", type: "catch", scope: null, uncaught: false, wires: [["bench-errors"]] },
      file("bench-errors", "errors.log"),
    ],
    credentials: { "bench-cfg": { ...emu.legacy } },
  };
}

async function main(): Promise<void> {
  const days = Number(process.argv[2]);
  const emu = JSON.parse(process.env.HOBO_EMULATOR ?? "{}") as BenchEmulator;
  const end = Math.floor(Date.now() / 60_000) * 60_000 - DAY;
  const start = end - days * DAY;
  const dir = mkdtempSync(join(tmpdir(), "hobo-bench-"));
  const log: string[] = [];
  let red: ReturnType<typeof spawn> | undefined;
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "hobo-bench", private: true }));
    installPack(dir);
    const port = await freePort();
    // As test/e2e/support/stack.ts writes it.
    writeFileSync(
      join(dir, "settings.js"),
      `module.exports = { uiHost: "127.0.0.1", uiPort: ${port}, flowFile: "flows.json", credentialSecret: false,
      diagnostics: { enabled: false }, telemetry: { enabled: false }, editorTheme: { tours: false, projects: { enabled: false } },
      externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } } };`,
    );
    const flow = flows(emu, dir, start, end);
    writeFileSync(join(dir, "flows.json"), JSON.stringify(flow.flows));
    writeFileSync(join(dir, "flows_cred.json"), JSON.stringify(flow.credentials));
    const child = spawn(process.execPath, [...heapFlags(), join(root, "node_modules", "node-red", "red.js"), "-u", dir, "-s", join(dir, "settings.js")], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    red = child;
    const collect = (d: Buffer) => {
      // BENCH_RED_LOG=1 passes Node-RED's console through (stderr; stdout is the JSON line's).
      if (process.env.BENCH_RED_LOG) process.stderr.write(d);
      log.push(
        ...d
          .toString()
          .split("\n")
          .filter((l) => l.trim() !== ""),
      );
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${log.join("\n")}`);
        if (log.some((l) => /Waiting for missing types|^Error:/.test(l))) throw new Error(`the flow did not start:\n${log.join("\n")}`);
        return log.some((l) => /\[info\] Started flows/.test(l));
      },
      () => `Node-RED to start its flows:\n${log.join("\n")}`,
      120_000,
    );
    const startMB = statusMB(child.pid!, "VmRSS");
    const from = log.length;
    const began = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/inject/bench-go`, { method: "POST" });
    if (!res.ok) throw new Error(`inject failed: ${res.status} ${await res.text()}`);
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      if (existsSync(join(dir, "done"))) break;
      const errors = text(join(dir, "errors.log"));
      if (errors) throw new Error(`the flow failed: ${errors}`);
      if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${log.slice(-30).join("\n")}`);
      const logged = log.slice(from).find((l) => /\[error\]/.test(l));
      if (logged) throw new Error(`Node-RED logged: ${logged}`);
      if (Date.now() > deadline) throw new Error(`no done marker after 30 min:\n${log.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ms = performance.now() - began;
    // The file node may still be appending the last window's lines: wait until the file stops growing.
    for (let last = -1; sizeOf(join(dir, "rows.jsonl")) !== last;) {
      last = sizeOf(join(dir, "rows.jsonl"));
      await new Promise((r) => setTimeout(r, 500));
    }
    const peakMB = statusMB(child.pid!, "VmHWM");
    const errors = text(join(dir, "errors.log"));
    if (errors) throw new Error(`the flow failed: ${errors}`);
    const rows = await countLines(join(dir, "rows.jsonl"));
    process.stdout.write(JSON.stringify({ ms, rows, peakMB, startMB }) + "\n");
  } finally {
    if (red && red.exitCode === null) {
      const exited = new Promise((r) => red!.once("exit", r));
      red.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
