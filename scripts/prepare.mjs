// npm's "prepare" (package.json runs this file only when it exists, so an install from an unpacked
// tarball, which has no scripts/, is left alone). npm runs prepare after `npm install` in a checkout
// and when it installs the pack from git: it clones, installs the devDependencies (TypeScript among
// them), runs prepare, then packs. Both need dist/ compiled. `npm pack` and `npm publish` run
// prepare too, right after "prepack" has built: no second build there.
import { existsSync } from "node:fs";

if (existsSync("tsconfig.json") && !["pack", "publish"].includes(process.env.npm_command ?? "")) {
  await import("./build.mjs");
}
