/**
 * Bench jobs run as plain JavaScript, as users run the compiled pack: each job script is bundled
 * with esbuild (the project's TypeScript inlined, packages left to require) into bench/.build/,
 * next to the checkout's resources/, so the measured process carries no TypeScript loader (tsx's
 * adds about 33 MB resident to a job's peak memory; the peer's job is built the same way).
 */
import { buildSync } from "esbuild";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { basename, join } from "node:path";

const built = new Map<string, string>();

/** The job script as one JavaScript file (built once per bench run). */
export function compiled(script: string): string {
  let file = built.get(script);
  if (!file) {
    file = join(__dirname, ".build", basename(script).replace(/\.ts$/, ".js"));
    buildSync({
      entryPoints: [script],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      outfile: file,
      packages: "external",
      logLevel: "error",
    });
    built.set(script, file);
  }
  return file;
}

/** Starts a job and reads its JSON line; compiledJs: args[0] is plain JavaScript (compiled()), run without tsx. */
export async function firstLine(args: string[], env: NodeJS.ProcessEnv = {}, compiledJs = false) {
  const child = spawn(process.execPath, [...(compiledJs ? [] : ["--import", "tsx"]), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  // A job that exits without its line (it failed: its stderr says why) fails the bench, not hangs it.
  const exited = once(child, "exit").then(([code]) => Promise.reject(new Error(`${args.join(" ")} exited (${String(code)}) without its result line`)));
  exited.catch(() => undefined);
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), "line"), exited])) as [string];
  return { child, value: JSON.parse(line) as Record<string, unknown> };
}
