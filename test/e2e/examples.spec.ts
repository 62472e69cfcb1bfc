/**
 * The example flows (examples/*.json, offered under Import > Examples) in a real Node-RED 4.1 with
 * the pack installed: together they use every flow node type of the pack; each is listed in the
 * editor's examples library, deploys without errors or warnings, and works against the emulators:
 * pressing its inject buttons (POST /inject/:id, as the editor does) turns every pack node it
 * reaches green, brings messages to its debug nodes and writes its files, and nothing reaches
 * the debug nodes behind its Catch nodes.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { EmulatorInfo } from "../../scripts/demo-flows.mjs" with { "resolution-mode": "import" };
import { TuyaDevices, TuyaOpenApi } from "../../src/tuya";
import {
  configTypes,
  deploy,
  inject,
  packTypes,
  pkg,
  readExamples,
  registeredTypes,
  root,
  startStack,
  THIRD_PARTY_NODES,
  waitFor,
  type FlowNode,
  type NodeStatus,
  type Stack,
} from "./support/stack";

const flowTypes = packTypes.filter((t) => !configTypes.has(t));
const examples = readExamples();

/** A pack node's status after a success: a green dot (a green ring only says the config node is connected). */
function succeeded(status: NodeStatus | undefined): boolean {
  return status?.fill === "green" && status.shape === "dot";
}

/** Nodes a message from the injects certainly reaches: downstream through every node but switches (whose rules decide). */
function reached(flow: FlowNode[]): Set<string> {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = flow.filter((n) => n.type === "inject").map((n) => n.id);
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (!node || node.type === "switch") continue;
    for (const port of (node.wires as string[][] | undefined) ?? []) queue.push(...port);
  }
  return seen;
}

/** Nodes downstream of the Catch nodes (they only hear of errors). */
function behindCatch(flow: FlowNode[]): Set<string> {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = flow.filter((n) => n.type === "catch").flatMap((n) => ((n.wires as string[][] | undefined) ?? []).flat());
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...((byId.get(id)?.wires as string[][] | undefined) ?? []).flat());
  }
  return seen;
}

describe("the example flows in a running Node-RED", function () {
  this.timeout(180_000);
  let stack: Stack;
  let known: Set<string>;
  let info: EmulatorInfo;

  /** The line protocol an InfluxDB 1.x server received on POST /write, one entry per request. */
  const influxWrites: { db: string | null; lines: string[] }[] = [];
  let influx: Server;

  before(async function () {
    // A stand-in InfluxDB 1.x write endpoint: the influxdb batch node really writes, and the lines are checked.
    influx = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        if (req.method === "POST" && url.pathname === "/write") {
          influxWrites.push({ db: url.searchParams.get("db"), lines: Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean) });
          res.writeHead(204).end();
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => influx.listen(0, "127.0.0.1", r));
    stack = await startStack({ thirdParty: THIRD_PARTY_NODES });
    known = await registeredTypes(stack);
    info = {
      tuya: stack.tuya.describe(),
      hobo: stack.hobo.describe(),
      egauge: stack.egauge.describe(),
      influx: { hostname: "127.0.0.1", port: (influx.address() as { port: number }).port },
    };
  });

  after(async () => {
    await stack?.stop();
    await new Promise((r) => influx?.close(r));
  });

  it("have the third-party nodes they wire into installed (sqlite, influxdb, Dashboard 2)", () => {
    for (const type of ["sqlite", "sqlitedb", "influxdb batch", "influxdb", "ui-chart", "ui-base"])
      assert.ok(known.has(type), `${type} is not registered:\n${stack.log.join("\n")}`);
  });

  it("use every flow node type of the pack at least once", () => {
    assert.ok(examples.length > 0, "examples/ has no flows");
    const used = new Set(examples.flatMap(({ flow }) => flow.map((n) => n.type)));
    const unused = flowTypes.filter((t) => !used.has(t));
    assert.deepEqual(unused, [], `no example uses ${unused.join(", ")}`);
  });

  it("are offered under Import > Examples with their file names", async () => {
    const res = await fetch(`${stack.url}/library/examples/flows/${pkg.name}`);
    assert.equal(res.status, 200, `the examples library has no entry for ${pkg.name}`);
    const listed = ((await res.json()) as { fn?: string }[]).map((e) => e.fn).filter(Boolean);
    for (const { file, flow } of examples) {
      const name = file.replace(/\.json$/, "");
      assert.ok(listed.includes(name), `${name} is not listed (listed: ${listed.join(", ")})`);
      const entry = await fetch(`${stack.url}/library/examples/flows/${pkg.name}/${encodeURIComponent(name)}`);
      assert.deepEqual(await entry.json(), flow, `${name} is not served as shipped`);
    }
  });

  for (const { file, flow } of examples) {
    it(`${file}: deploys cleanly and works against the emulators`, async () => {
      const { buildDemoFlows, withInlineCredentials, exampleTypes } = await import("../../scripts/demo-flows.mjs");
      const missing = exampleTypes(flow).filter((t) => !known.has(t));
      assert.deepEqual(missing, [], `${file} uses node types this Node-RED does not have (not registered in package.json "node-red".nodes?)`);

      const built = buildDemoFlows([{ file, flow }], info, { fileDir: stack.userDir });
      const id = (exampleId: string) => `ex1-${exampleId}`;
      const original = (deployedId: string | undefined) => String(deployedId ?? "").replace(/^ex1-/, "");
      const debugFrom = stack.debug.length;
      const logLines = await deploy(stack, withInlineCredentials(built.flows, built.credentials));
      const problems = logLines.filter((l) => /\[(error|warn)\]/.test(l) && !/Using unencrypted credentials/.test(l));
      assert.deepEqual(problems, [], `${file} logged problems while deploying`);

      for (const n of flow.filter((n) => n.type === "inject")) await inject(stack, id(n.id));

      const reach = reached(flow);
      const errorsOnly = behindCatch(flow);
      const packNodes = flow.filter((n) => flowTypes.includes(n.type) && reach.has(n.id));
      const debugNodes = flow.filter((n) => n.type === "debug" && reach.has(n.id) && !errorsOnly.has(n.id));
      const files = built.flows.filter((n) => n.type === "file" && reach.has(original(String(n.id)))).map((n) => String(n.filename));
      assert.ok(packNodes.length > 0, `${file}: no inject reaches a node of the pack`);

      const newDebug = () => stack.debug.slice(debugFrom);
      const describeState = () =>
        JSON.stringify(
          {
            statuses: Object.fromEntries(packNodes.map((n) => [n.id, stack.statuses.get(id(n.id))])),
            debug: newDebug().map((m) => ({ ...m, msg: String(m.msg).slice(0, 300) })),
            log: stack.log.slice(-20),
          },
          null,
          1,
        );
      await waitFor(
        () => {
          const failed = packNodes.find((n) => stack.statuses.get(id(n.id))?.fill === "red");
          if (failed) throw new Error(`${file}: ${failed.type} "${String(failed.name ?? failed.id)}" failed: ${describeState()}`);
          const errors = newDebug().filter((m) => errorsOnly.has(original(m.id)));
          if (errors.length) throw new Error(`${file}: the Catch path got ${errors.map((m) => m.msg).join("\n")}`);
          return (
            packNodes.every((n) => succeeded(stack.statuses.get(id(n.id)))) &&
            debugNodes.every((d) => newDebug().some((m) => m.id === id(d.id))) &&
            files.every((f) => existsSync(f) && readFileSync(f, "utf8").trim() !== "")
          );
        },
        () => `${file}: every reached pack node green, every debug node fed, every file written: ${describeState()}`,
        60_000,
      );
      const errors = newDebug().filter((m) => errorsOnly.has(original(m.id)));
      assert.deepEqual(
        errors.map((m) => m.msg),
        [],
        `${file}: errors reached the Catch path`,
      );
    });
  }

  /** Deploys one example alone and returns a function that presses one of its injects. */
  async function deployOne(file: string): Promise<(injectId: string) => Promise<void>> {
    const example = examples.find((e) => e.file === file)!;
    const { buildDemoFlows, withInlineCredentials } = await import("../../scripts/demo-flows.mjs");
    const built = buildDemoFlows([example], info, { fileDir: stack.userDir, knownTypes: known });
    assert.deepEqual(built.skipped, [], `${file} uses node types this Node-RED does not have`);
    await deploy(stack, withInlineCredentials(built.flows, built.credentials));
    return (injectId) => inject(stack, `ex1-${injectId}`);
  }
  const dp = (deviceId: string, code: string) => () => stack.tuya.status(deviceId).find((d) => d.code === code)?.value;

  // The buttons change the emulated devices: the commands really arrive, once, as the flows say.
  const deviceChecks: { file: string; title: string; run(press: (id: string) => Promise<void>): Promise<void> }[] = [
    {
      file: "Tuya switch a plug.json",
      title: "the Lab plug follows the off and on buttons",
      async run(press) {
        const plug = dp("eb4af1b9bebf6b1188cama", "switch_1");
        await press("tcs-off");
        await waitFor(
          () => plug() === false,
          () => `switch_1 false, it is ${String(plug())}`,
        );
        await press("tcs-on");
        await waitFor(
          () => plug() === true,
          () => `switch_1 true, it is ${String(plug())}`,
        );
      },
    },
    {
      file: "Tuya request any OpenAPI call.json",
      title: "the POST button switches the Desk light on",
      async run(press) {
        const light = dp("eb2375e73d1af7e74eifad", "switch_led");
        // The emulated light starts on: switch it off first (with the pack's client), so the button has something to do.
        const api = new TuyaOpenApi({ endpoint: info.tuya.url, accessId: info.tuya.accessId, accessSecret: info.tuya.accessSecret });
        try {
          await new TuyaDevices(api).sendCommands("eb2375e73d1af7e74eifad", { switch_led: false });
        } finally {
          await api.close();
        }
        assert.equal(light(), false);
        await press("trq-post");
        await waitFor(
          () => light() === true,
          () => `switch_led true, it is ${String(light())}`,
        );
      },
    },
  ];
  // What the storage examples leave behind, read back the way the stores do.
  deviceChecks.push(
    {
      file: "Tuya status to CSV file.json",
      title: "the core csv node writes the records with ISO times under one header, no function node",
      async run(press) {
        const example = examples.find((e) => e.file === "Tuya status to CSV file.json")!;
        assert.deepEqual(
          example.flow.filter((n) => n.type === "function"),
          [],
        );
        const csv = join(stack.userDir, "tuya-status.csv");
        rmSync(csv, { force: true }); // the header comes once per deploy: start a fresh file
        await press("tsf-inject");
        await waitFor(
          () => existsSync(csv) && readFileSync(csv, "utf8").split("\n").length > 2,
          () => `${csv} with rows`,
        );
        const [header, ...rows] = readFileSync(csv, "utf8").trim().split("\n");
        assert.equal(header, "time,deviceName,sensor,value,unit");
        for (const row of rows) assert.match(row, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,Lab (climate|plug),\w+,/, `a CSV row: ${row}`);
      },
    },
    {
      file: "HOBO backfill to InfluxDB.json",
      title: "the influxdb batch node writes every point to InfluxDB as line protocol (measurement, tags, value, the reading's time)",
      async run(press) {
        const from = influxWrites.length;
        const before = Date.now();
        await press("hbi-inject");
        await waitFor(
          () => stack.statuses.get("ex1-hbi-data")?.fill === "green" && influxWrites.length > from,
          () => `writes to InfluxDB: ${JSON.stringify(stack.statuses.get("ex1-hbi-data"))}`,
          120_000,
        );
        const lines = influxWrites.slice(from).flatMap((w) => w.lines);
        assert.ok(influxWrites.slice(from).every((w) => w.db === "bestlab"));
        assert.ok(lines.length > 7 * 288, `${lines.length} lines`);
        for (const line of lines.slice(0, 500)) {
          const m = /^hobolink,((?:[^ \\]|\\.)+) value=(\S+) (\d+)$/.exec(line); // tags escape their spaces
          assert.ok(m, `line protocol: ${line}`);
          assert.match(m[1]!, /device=\d+/);
          const ns = BigInt(m[3]!);
          const ms = Number(ns / 1_000_000n);
          assert.ok(ms <= before && ms > before - 8 * 86_400_000, `a reading time in the last week: ${line}`);
        }
      },
    },
    {
      file: "HOBO readings to SQLite.json",
      title: "node-red-node-sqlite binds each reading's msg.params into its prepared INSERT; count reads them back",
      async run(press) {
        const db = join(stack.userDir, "readings.db");
        await waitFor(
          () => existsSync(db),
          () => `${db} created on deploy`,
        );
        const debugFrom = stack.debug.length;
        await press("hsq-inject");
        await waitFor(
          () => stack.statuses.get("ex1-hsq-data")?.fill === "green",
          () => `hobo-data done: ${JSON.stringify(stack.statuses.get("ex1-hsq-data"))}`,
        );
        // sqlite3 from this checkout (the module the sqlite node runs on) reads the file back.
        const sqlite3 = createRequire(join(root, "node_modules/node-red-node-sqlite/package.json"))("sqlite3") as {
          Database: new (file: string) => { all(sql: string, cb: (err: Error | null, rows: Record<string, unknown>[]) => void): void; close(): void };
        };
        const rows = await waitFor(
          () =>
            new Promise<Record<string, unknown>[] | undefined>((resolve) => {
              const conn = new sqlite3.Database(db);
              conn.all("SELECT * FROM readings", (err, r) => {
                conn.close();
                resolve(!err && r.length > 0 ? r : undefined);
              });
            }),
          () => "rows in the readings table",
        );
        const loggers = new Set(rows.map((r) => r.device));
        assert.deepEqual([...loggers].sort(), ["21092695", "21309641"]);
        for (const r of rows) {
          assert.equal(typeof r.time, "number");
          assert.ok(typeof r.sensor === "string" && r.sensor !== "" && typeof r.name === "string" && r.value !== null, JSON.stringify(r));
          assert.ok((r.time as number) > Date.now() - 3 * 3_600_000, `a recent reading time (epoch ms): ${JSON.stringify(r)}`);
        }
        await press("hsq-count");
        await waitFor(
          () => stack.debug.slice(debugFrom).some((m) => m.id === "ex1-hsq-debug" && /readings/.test(m.msg)),
          () => "the count in the debug sidebar",
        );
        const counted = JSON.parse(
          stack.debug
            .slice(debugFrom)
            .filter((m) => m.id === "ex1-hsq-debug")
            .at(-1)!.msg,
        ) as { device: string; readings: number }[];
        assert.equal(
          counted.reduce((n, c) => n + c.readings, 0),
          rows.length,
        );
      },
    },
  );
  for (const check of deviceChecks) {
    it(`${check.file}: ${check.title}`, async function () {
      if (!examples.some((e) => e.file === check.file)) {
        console.log(`    SKIPPED: examples/${check.file} does not exist`);
        this.skip();
      }
      await check.run(await deployOne(check.file));
    });
  }
});
