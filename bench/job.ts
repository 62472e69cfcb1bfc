/**
 * Bench jobs run as plain JavaScript, as users run the compiled pack: each job script is bundled
 * with esbuild (the project's TypeScript inlined, packages left to require) into bench/.build/,
 * next to the checkout's resources/, so the measured process carries no TypeScript loader (tsx's
 * adds about 33 MB resident to a job's peak memory; the peer's job is built the same way).
 */
import { buildSync } from "esbuild";
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
