/**
 * The input rules (logger serials, device ids) as the library and the nodes' message path use
 * them: loaded from resources/rules.js, the same file the editor dialogs load, so a value the
 * dialog accepts is accepted here and one it refuses is refused here, by one definition.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export interface InputRules {
  isHoboSerial(value: unknown): boolean;
  isTuyaDeviceId(value: unknown): boolean;
}

/** resources/rules.js of the pack: next to src/ under tsx, one level further up from dist/. */
function rulesFile(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "resources", "rules.js");
    if (existsSync(file)) return file;
    dir = dirname(dir);
  }
  throw new Error("resources/rules.js is missing from the pack");
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script shared with the browser
export const rules = require(rulesFile()) as InputRules;
