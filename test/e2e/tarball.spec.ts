/**
 * The pack as users get it: `npm pack` on a clean clone of HEAD (support/tarball.ts), the tarball
 * installed with npm into fresh user dirs of Node-RED 4.1 and 3.1 (the real CLI). Through the admin
 * API: every node type of package.json loads without an error and is in the palette, every example
 * imports from Import > Examples, deploys (all of them together, as a user importing each would)
 * and runs against the emulators with nothing logged as an error; and the tarball's
 * bestlab-emulator command serves both clouds.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { EmulatorInfo } from "../../scripts/demo-flows.mjs" with { "resolution-mode": "import" };
import { configTypes, deploy, freePort, inject, packTypes, pkg, startStack, waitFor, type FlowNode, type NodeStatus, type Stack } from "./support/stack";
import { installTarball, packFromCleanClone, type Packed } from "./support/tarball";

const runtimes = [
  { title: "Node-RED 4.1", module: "node-red", version: /^4\.1\./ },
  { title: "Node-RED 3.1", module: "node-red-3", version: /^3\.1\./ },
];
const flowTypes = packTypes.filter((t) => !configTypes.has(t));

/** Nodes downstream of the given ones through their wires, not past a switch (its rules decide). */
function downstream(flow: FlowNode[], from: string[]): Set<string> {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = [...from];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (node && node.type !== "switch") queue.push(...((node.wires as string[][] | undefined) ?? []).flat());
  }
  return seen;
}

/** Log lines that report a problem (Node-RED's notice about unencrypted credentials aside). */
const problems = (lines: string[]) => lines.filter((l) => /\[(error|warn)\]/.test(l) && !/unencrypted credentials/.test(l));
/**
 * Problems at start that concern the pack: every error, and the warnings naming the pack or its
 * types (Node-RED's own start-up warnings, and those of the other node modules it finds beside
 * the node-red dependency, are not the pack's).
 */
const startProblems = (lines: string[]) =>
  lines.filter((l) => /\[error\]/.test(l) || (/\[warn\]/.test(l) && [pkg.name, ...packTypes].some((t) => l.includes(t))));
/** A pack node's status once its message is done: a green dot, or a yellow ring (a warning such as "no data"); never red. */
const settled = (s: NodeStatus | undefined) => (s?.fill === "green" && s.shape === "dot") || (s?.fill === "yellow" && s.shape === "ring");

describe("the packed tarball (npm pack of a clean clone)", function () {
  this.timeout(300_000);
  let packed: Packed;
  // Node-RED also loads the node modules installed beside itself (this checkout's dev install, with
  // node-red-contrib-influxdb), so the InfluxDB examples really write: a stand-in 1.x write endpoint
  // answers them, as in examples.spec.
  let influx: Server;

  before(async () => {
    packed = packFromCleanClone();
    influx = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => influx.listen(0, "127.0.0.1", r));
  });
  after(async () => {
    await new Promise((r) => influx?.close(r));
  });

  it("holds every node, the emulator command and the examples; no tests, maps, TypeScript sources or .d.ts beside the nodes and emulators", () => {
    const has = new Set(packed.files);
    for (const [type, file] of Object.entries(pkg["node-red"].nodes)) {
      for (const f of [file, file.replace(/\.js$/, ".html")]) assert.ok(has.has(f), `${type}: ${f} is not in the tarball`);
    }
    const shipped = JSON.parse(readFileSync(join(packed.clone, "package.json"), "utf8")) as { bin: Record<string, string>; main: string };
    assert.ok(has.has(shipped.main), `main ${shipped.main} is not in the tarball`);
    assert.ok(has.has(shipped.bin["bestlab-emulator"]!), "the bestlab-emulator command is not in the tarball");
    assert.ok(has.has("dist/src/emulator/cli.js"), "the compiled emulators are not in the tarball");
    const examples = packed.files.filter((f) => /^examples\/[^/]+\.json$/.test(f));
    assert.ok(examples.length > 0, "no examples/*.json in the tarball");
    const unwanted = packed.files.filter(
      (f) =>
        /\.map$|(^|\/)test\/|\.spec\.|^dist\/(nodes|src\/emulator)\/.*\.d\.ts$|^(src|nodes|scripts|bench)\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)),
    );
    assert.deepEqual(unwanted, [], "files that do not belong in the tarball");
  });

  for (const runtime of runtimes) {
    describe(`installed with npm into a fresh ${runtime.title} user dir`, () => {
      let stack: Stack;

      before(async () => {
        stack = await startStack({ runtime: runtime.module, install: (userDir) => installTarball(packed.tarball, userDir) });
      });
      after(async () => {
        await stack?.stop();
      });

      it(`is ${runtime.title}, with the pack from the tarball`, async () => {
        const settings = (await (await fetch(`${stack.url}/settings`)).json()) as { version: string };
        assert.match(settings.version, runtime.version);
        const installed = JSON.parse(readFileSync(join(stack.userDir, "node_modules", ...pkg.name.split("/"), "package.json"), "utf8")) as {
          _resolved?: string;
        };
        const lock = JSON.parse(readFileSync(join(stack.userDir, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
        assert.match(String(lock.packages[`node_modules/${pkg.name}`]?.resolved ?? installed._resolved), /\.tgz$/);
      });

      it("loads every node type of package.json without errors and shows it in the palette", async () => {
        const res = await fetch(`${stack.url}/nodes`, { headers: { Accept: "application/json" } });
        const sets = ((await res.json()) as { module: string; types: string[]; enabled: boolean; err?: string; name: string }[]).filter(
          (s) => s.module === pkg.name,
        );
        assert.deepEqual(
          sets.filter((s) => s.err).map((s) => `${s.name}: ${s.err}`),
          [],
          "node sets that failed to load",
        );
        assert.deepEqual(
          sets.filter((s) => !s.enabled).map((s) => s.name),
          [],
          "node sets not enabled",
        );
        const listed = new Set(sets.flatMap((s) => s.types));
        assert.deepEqual(
          packTypes.filter((t) => !listed.has(t)),
          [],
          "node types missing from the palette",
        );
        // The editor builds the palette from this HTML: each type registers itself there.
        const html = await (await fetch(`${stack.url}/nodes`, { headers: { Accept: "text/html" } })).text();
        assert.deepEqual(
          packTypes.filter((t) => !new RegExp(`registerType\\(\\s*["']${t}["']`).test(html)),
          [],
          "node types without an editor definition",
        );
        assert.deepEqual(startProblems(stack.log), [], "Node-RED logged problems with the pack at start");
      });

      it("imports every example from Import > Examples, deploys them together and runs them against the emulators", async () => {
        const { buildDemoFlows, withInlineCredentials } = await import("../../scripts/demo-flows.mjs");
        const names = packed.files.filter((f) => /^examples\/[^/]+\.json$/.test(f)).map((f) => f.slice("examples/".length, -".json".length));
        const examples: { file: string; flow: FlowNode[] }[] = [];
        for (const name of names) {
          const res = await fetch(`${stack.url}/library/examples/flows/${pkg.name}/${name}`);
          assert.equal(res.status, 200, `${name} is not offered under Import > Examples`);
          examples.push({ file: `${name}.json`, flow: (await res.json()) as FlowNode[] });
        }
        const info: EmulatorInfo = {
          tuya: stack.tuya.describe(),
          hobo: stack.hobo.describe(),
          egauge: stack.egauge.describe(),
          influx: { hostname: "127.0.0.1", port: (influx.address() as { port: number }).port },
        };
        const built = buildDemoFlows(examples, info, { fileDir: stack.userDir });
        const from = stack.log.length;
        assert.deepEqual(problems(await deploy(stack, withInlineCredentials(built.flows, built.credentials))), [], "problems logged while deploying");

        const flows = built.flows as FlowNode[];
        const injects = flows.filter((n) => n.type === "inject").map((n) => n.id);
        const reached = downstream(flows, injects);
        const packNodes = flows.filter((n) => flowTypes.includes(n.type) && reached.has(n.id));
        assert.ok(packNodes.length > 0, "no inject reaches a node of the pack");
        for (const id of injects) await inject(stack, id);
        const state = () =>
          JSON.stringify({ statuses: Object.fromEntries(packNodes.map((n) => [n.id, stack.statuses.get(n.id)])), log: stack.log.slice(from) }, null, 1);
        await waitFor(
          () => {
            const failed = packNodes.find((n) => stack.statuses.get(n.id)?.fill === "red");
            if (failed) throw new Error(`${failed.type} ${failed.id} failed: ${state()}`);
            return packNodes.every((n) => settled(stack.statuses.get(n.id)));
          },
          () => `every pack node the injects reach to show a green dot (or a yellow ring, "no data"): ${state()}`,
          120_000,
        );
        assert.deepEqual(problems(stack.log.slice(from)), [], "problems logged while the examples ran");
      });

      it("installs the bestlab-emulator command: npx bestlab-emulator serves both emulators", async () => {
        const [tuyaPort, hoboPort] = [await freePort(), await freePort()];
        // Its own process group, so the stop below reaches the emulators behind npx too.
        const child = spawn("npx", ["--no", "--", "bestlab-emulator", "--tuya-port", String(tuyaPort), "--hobo-port", String(hoboPort)], {
          cwd: stack.userDir,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        try {
          const line = await Promise.race([
            once(createInterface({ input: child.stdout! }), "line").then(([l]) => l as string),
            once(child, "exit").then(([code]) => Promise.reject(new Error(`bestlab-emulator exited (${String(code)}): ${stderr}`))),
          ]);
          const info = JSON.parse(line) as EmulatorInfo;
          assert.equal(info.tuya.url, `http://127.0.0.1:${tuyaPort}`);
          assert.equal(info.hobo.url, `http://127.0.0.1:${hoboPort}`);

          // One real request to each, with the clients of the installed pack (its library face).
          const lib = createRequire(join(stack.userDir, "package.json"))(pkg.name) as typeof import("../../src");
          const api = new lib.TuyaOpenApi({ endpoint: info.tuya.url, accessId: info.tuya.accessId, accessSecret: info.tuya.accessSecret });
          try {
            const points = await new lib.TuyaDevices(api).status(info.tuya.devices[0]!.id);
            assert.ok(points.length > 0, "the Tuya emulator answered no data points");
          } finally {
            await api.close();
          }
          const hobo = lib.createHoboClient({ flavour: "licor", baseUrl: info.hobo.url, token: info.hobo.licor.token });
          try {
            const { rows } = await hobo.fetchAll({ loggers: info.hobo.loggers[0]!.serial, start: "-1d" });
            assert.ok(rows.length > 0, "the HOBOlink emulator answered no readings");
          } finally {
            await hobo.close();
          }
        } finally {
          if (child.exitCode === null) {
            const exited = once(child, "exit");
            process.kill(-child.pid!, "SIGTERM");
            await exited;
          }
        }
      });
    });
  }
});
