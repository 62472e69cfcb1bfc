/**
 * The pack as npm publishes it: this checkout's HEAD cloned into a temporary directory, packed
 * there by `npm pack` (its prepack script builds dist/ from the committed sources, nothing from
 * this checkout's dist/ gets in), then installed from the .tgz with `npm install`, as a user
 * installs a downloaded tarball. Uncommitted changes are not in it: commit first.
 *
 * The clone borrows this checkout's node_modules (a symlink) instead of running `npm ci`: the same
 * lockfile's packages, without reinstalling (and rebuilding sqlite3) for every run. npm never packs
 * node_modules, so the tarball is the same either way.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./stack";

export interface Packed {
  /** The clean clone the tarball was packed from. */
  clone: string;
  tarball: string;
  /** The tarball's file paths, relative to the package root. */
  files: string[];
}

let packing: Packed | undefined;

/** Clones HEAD and packs it, once per test run (spec files share it); removed when the process exits. */
export function packFromCleanClone(): Packed {
  if (packing) return packing;
  const dir = mkdtempSync(join(tmpdir(), "bestlab-pack-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const clone = join(dir, "clone");
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  execFileSync("git", ["clone", "--quiet", "--shared", "--no-checkout", root, clone], { stdio: "pipe" });
  execFileSync("git", ["checkout", "--quiet", "--detach", head], { cwd: clone, stdio: "pipe" });
  symlinkSync(realpathSync(join(root, "node_modules")), join(clone, "node_modules"), "dir");
  // The build's output goes to stdout, so the tarball's name is taken from the directory, not from npm's --json.
  execFileSync("npm", ["pack", "--pack-destination", dir, "--no-fund", "--no-audit"], { cwd: clone, stdio: "pipe" });
  const name = execFileSync("npm", ["pkg", "get", "name", "version", "--json"], { cwd: clone, encoding: "utf8" });
  const { name: pkgName, version } = JSON.parse(name) as { name: string; version: string };
  const tarball = join(dir, `${pkgName.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ""));
  packing = { clone, tarball, files };
  return packing;
}

/** `npm install <tarball>` in a Node-RED user dir (which has its package.json), as a user does. */
export function installTarball(tarball: string, userDir: string): void {
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: userDir, stdio: "pipe" });
}
