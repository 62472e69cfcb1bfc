/**
 * `npm run emulator`: one JSON line describing both emulators, then a clean stop on SIGTERM/SIGINT.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { examplePorts } from "../../../src/emulator/cli";
import { freePort } from "../../support/free-port";
import { TestClient } from "./tuya-test-client";

const root = resolve(__dirname, "../../..");

async function startCli(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { child, info: JSON.parse(line) };
}

describe("emulator CLI", () => {
  it("bestlab-emulator's default ports are the ones the example flows' config nodes point at", () => {
    const local = readdirSync(join(root, "examples"))
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => (JSON.parse(readFileSync(join(root, "examples", f), "utf8")) as { type: string; endpoint?: string }[]).map((n) => ({ f, ...n })))
      .filter((n) => n.type.endsWith("-config") && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(n.endpoint ?? ""));
    assert.ok(local.length > 0, "no example points a config node at a local emulator");
    for (const n of local) {
      const cloud = n.type.replace(/-config$/, "") as keyof typeof examplePorts;
      assert.equal(new URL(n.endpoint!).port, String(examplePorts[cloud]), `${n.f}: ${n.type} endpoint ${n.endpoint}`);
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`prints one JSON line with both clouds and stops cleanly on ${signal}`, async () => {
      const { child, info } = await startCli();
      assert.match(info.tuya.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.tuya.mqUrl, `${info.tuya.url.replace(/^http/, "ws")}/`);
      assert.ok(info.tuya.accessId && info.tuya.accessSecret);
      assert.ok(info.tuya.devices.length >= 4 && info.tuya.devices.every((d: { id: string; name: string; category: string }) => d.id && d.name && d.category));
      assert.match(info.hobo.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(info.hobo.legacy.clientId && info.hobo.legacy.clientSecret && info.hobo.legacy.userId);
      assert.ok(info.hobo.licor.token);
      assert.ok(info.hobo.loggers.some((l: { serial: string }) => l.serial === "21092695"));
      assert.match(info.egauge.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(info.egauge.user && info.egauge.password);
      assert.ok(info.egauge.registers.some((r: { name: string; type: string }) => r.name === "Grid" && r.type === "P"));
      // Both answer on their URLs.
      assert.equal((await fetch(`${info.tuya.url}/_emulator/stats`)).status, 200);
      assert.equal((await fetch(`${info.hobo.url}/_emulator/stats`)).status, 200);
      assert.equal((await fetch(`${info.egauge.url}/api/auth/unauthorized`)).status, 401);
      child.kill(signal);
      const [code] = await once(child, "exit");
      assert.equal(code, 0);
    });
  }

  it("takes the ports from npm's npm_config_* when run as `npm run emulator --tuya-port=N`", async () => {
    const [tuyaPort, hoboPort] = [await freePort(), await freePort()];
    const { child, info } = await startCli([], { npm_config_tuya_port: String(tuyaPort), npm_config_hobo_port: String(hoboPort) });
    try {
      assert.equal(info.tuya.url, `http://127.0.0.1:${tuyaPort}`);
      assert.equal(info.hobo.url, `http://127.0.0.1:${hoboPort}`);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("rejects a port that is not a number", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), "--tuya-port", "abc"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, "exit");
    assert.equal(code, 1);
    assert.match(stderr, /--tuya-port must be a port number/);
  });

  it("--tuya-qps and --latency set the throttle per template and the round trip of both clouds", async () => {
    const { child, info } = await startCli(["--tuya-qps", "0", "--tuya-qps", "GET /v1.0/iot-03/devices/{device_id}/status=1", "--latency", "150"]);
    try {
      const started = performance.now();
      await fetch(`${info.hobo.url}/ws/auth/token`, { method: "POST" });
      assert.ok(performance.now() - started >= 150, "the HOBOlink answer waited for the latency");
      // One status call a second allowed, every other template unlimited.
      const k = new TestClient(info.tuya.url, info.tuya.accessId, info.tuya.accessSecret);
      await k.connect();
      const id = info.tuya.devices[0].id as string;
      const status = await Promise.all([1, 2, 3].map(() => k.get(`/v1.0/iot-03/devices/${id}/status`)));
      assert.deepEqual(status.map((r) => r.success).sort(), [false, false, true]);
      const details = await Promise.all([1, 2, 3].map(() => k.get(`/v1.0/iot-03/devices/${id}`)));
      assert.ok(details.every((r) => r.success));
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("--hobo-port: prints the documented shape, listens there, and its credentials work", async () => {
    const port = await freePort();
    const { child, info } = await startCli(["--hobo-port", String(port)]);
    try {
      const { hobo } = info as { hobo: Record<string, unknown> };
      assert.deepEqual(Object.keys(hobo), ["url", "legacy", "licor", "loggers"]);
      assert.equal(hobo.url, `http://127.0.0.1:${port}`);
      const legacy = hobo.legacy as Record<string, string>;
      assert.deepEqual(Object.keys(legacy), ["clientId", "clientSecret", "userId"]);
      assert.deepEqual(Object.keys(hobo.licor as object), ["token"]);
      const loggers = hobo.loggers as Record<string, string>[];
      assert.deepEqual(
        loggers.map((l) => [Object.keys(l), l.serial, l.kind]),
        [
          [["serial", "name", "kind"], "21092695", "weather"],
          [["serial", "name", "kind"], "21150777", "water-level"],
          [["serial", "name", "kind"], "21309641", "mx-temp-rh"],
        ],
      );
      assert.ok(loggers.every((l) => l.name.length > 0));

      // The printed legacy credentials get a token; the printed LI-COR token reads data.
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: legacy.clientId, client_secret: legacy.clientSecret });
      const tokenRes = await fetch(`${hobo.url as string}/ws/auth/token`, { method: "POST", body: form });
      assert.equal(tokenRes.status, 200);
      const end = new Date(Date.now() - 3600_000);
      const start = new Date(end.getTime() - 3600_000);
      const utc = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");
      const q = new URLSearchParams({ loggers: "21309641", start_date_time: utc(start), end_date_time: utc(end) });
      const data = await fetch(`${hobo.url as string}/v1/data?${q}`, { headers: { Authorization: `Bearer ${(hobo.licor as { token: string }).token}` } });
      assert.equal(data.status, 200);
      assert.ok(((await data.json()) as { data: unknown[] }).data.length > 0);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});
