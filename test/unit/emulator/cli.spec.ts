/**
 * `npm run emulator`: one JSON line describing both emulators, then a clean stop on SIGTERM/SIGINT.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "../../..");

async function startCli(args: string[] = []) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { child, info: JSON.parse(line) };
}

describe("emulator CLI", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`prints one JSON line with both clouds and stops cleanly on ${signal}`, async () => {
      const { child, info } = await startCli();
      assert.match(info.tuya.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(info.tuya.accessId && info.tuya.accessSecret);
      assert.ok(info.tuya.devices.length >= 4 && info.tuya.devices.every((d: { id: string; name: string; category: string }) => d.id && d.name && d.category));
      assert.match(info.hobo.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(info.hobo.legacy.clientId && info.hobo.legacy.clientSecret && info.hobo.legacy.userId);
      assert.ok(info.hobo.licor.token);
      assert.ok(info.hobo.loggers.some((l: { serial: string }) => l.serial === "21092695"));
      // Both answer on their URLs.
      assert.equal((await fetch(`${info.tuya.url}/_emulator/stats`)).status, 200);
      assert.equal((await fetch(`${info.hobo.url}/_emulator/stats`)).status, 200);
      child.kill(signal);
      const [code] = await once(child, "exit");
      assert.equal(code, 0);
    });
  }

  it("rejects a port that is not a number", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/emulator/cli.ts"), "--tuya-port", "abc"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, "exit");
    assert.equal(code, 1);
    assert.match(stderr, /--tuya-port must be a port number/);
  });
});
