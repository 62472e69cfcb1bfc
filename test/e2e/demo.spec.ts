/**
 * `npm start` as a user runs it, twice in a row: it builds, starts the emulators and Node-RED on
 * 127.0.0.1, deploys the demo workspace (config nodes on the emulators, secrets stored only as
 * credentials), serves the editor, and on Ctrl-C (SIGINT to its process group, as a terminal
 * sends it) stops every process it started and frees every port. The user dir is a temporary
 * one (DEMO_DIR), so a developer's own .demo/ is left alone.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configTypes, freePort, packTypes, root, waitFor, type FlowNode } from "./support/stack";

function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      res(true);
    });
    socket.once("error", () => res(false));
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start (the demo)", function () {
  this.timeout(300_000);
  const demoDir = mkdtempSync(join(tmpdir(), "bestlab-demo-"));
  after(() => rmSync(demoDir, { recursive: true, force: true }));

  for (const run of ["first", "second"]) {
    it(`${run} run: serves the editor and the demo workspace on the emulators, and Ctrl-C stops everything`, async () => {
      const ports = { PORT: await freePort(), TUYA_PORT: await freePort(), HOBO_PORT: await freePort(), EGAUGE_PORT: await freePort() };
      const output: string[] = [];
      const demo = spawn("npm", ["start", "--silent"], {
        cwd: root,
        detached: true, // its own process group, as a terminal's foreground job
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          DEMO_DIR: demoDir,
          PORT: String(ports.PORT),
          TUYA_PORT: String(ports.TUYA_PORT),
          HOBO_PORT: String(ports.HOBO_PORT),
          EGAUGE_PORT: String(ports.EGAUGE_PORT),
        },
      });
      // The demo exits 0 on SIGINT; npm, which got the SIGINT too, then ends by that signal, as in a terminal.
      const exited = new Promise<string>((res) => demo.once("exit", (code, signal) => res(signal ?? String(code))));
      demo.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
      demo.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
      const pgid = demo.pid!;
      try {
        await waitFor(
          () => {
            if (demo.exitCode !== null) throw new Error(`npm start exited (${demo.exitCode}):\n${output.join("")}`);
            return output.join("").includes("Press Ctrl-C to stop everything");
          },
          () => `npm start to come up:\n${output.join("")}`,
          240_000,
        );
        const url = `http://127.0.0.1:${ports.PORT}`;
        assert.ok(output.join("").includes(`Node-RED editor:   ${url}/`), "the editor URL is not printed");
        const editor = await fetch(`${url}/`);
        assert.equal(editor.status, 200);
        assert.match(await editor.text(), /Node-RED/);

        const flows = (await (await fetch(`${url}/flows`, { headers: { "Node-RED-API-Version": "v1" } })).json()) as FlowNode[];
        const types = new Set(flows.map((n) => n.type));
        for (const t of packTypes.filter((t) => !configTypes.has(t))) assert.ok(types.has(t), `the demo workspace has no ${t} node`);
        const configs = flows.filter((n) => configTypes.has(n.type));
        assert.ok(configs.length > 0, "the demo workspace has no config nodes");
        for (const c of configs) {
          const port = c.type === "tuya-config" ? ports.TUYA_PORT : c.type === "egauge-config" ? ports.EGAUGE_PORT : ports.HOBO_PORT;
          assert.equal(c.type === "egauge-config" ? c.meter : c.endpoint, `http://127.0.0.1:${port}`, `${c.type} ${c.id} does not point at the emulator`);
        }
        const flowFile = readFileSync(join(demoDir, "flows.json"), "utf8");
        const credentials = JSON.parse(readFileSync(join(demoDir, "flows_cred.json"), "utf8")) as Record<string, Record<string, string>>;
        for (const c of configs) assert.ok(credentials[c.id], `${c.id} has no stored credentials`);
        for (const secret of Object.values(credentials).flatMap((c) => Object.values(c))) {
          if (secret.length > 8) assert.ok(!flowFile.includes(secret), "a credential is written into flows.json");
        }
        for (const port of Object.values(ports)) assert.ok(await listening(port), `nothing listens on ${port}`);
      } finally {
        if (groupAlive(pgid)) process.kill(-pgid, "SIGINT");
      }
      assert.ok(["0", "SIGINT"].includes(await exited), `npm start did not exit cleanly on Ctrl-C:\n${output.join("")}`);
      assert.ok(!/demo:.*exited|failed|Error/i.test(output.join("").split("Press Ctrl-C")[1] ?? ""), `errors while stopping:\n${output.join("")}`);
      await waitFor(
        () => !groupAlive(pgid),
        () => "every process of the demo to exit",
        30_000,
      );
      for (const port of Object.values(ports)) assert.equal(await listening(port), false, `port ${port} is still in use after Ctrl-C`);
    });
  }
});
