/**
 * Both locales are complete: every node set in package.json has an en-US and a de catalog with
 * the same keys (and the same __placeholders__ per key) and a help page for each node type it
 * registers; every key the editor HTML or the runtime code uses exists in both catalogs.
 *
 * A node set without a de locale fails here by name: add nodes/locales/de/<set>.json and
 * nodes/locales/de/<set>.html next to the en-US ones.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { hoboHintCodes } from "../../src/hobo/errors";
import { tuyaHintCodes } from "../../src/tuya/errors";

const ROOT = join(__dirname, "..", "..");
const NODES = join(ROOT, "nodes");
const LOCALES = ["en-US", "de"] as const;

type Catalog = Record<string, unknown>;

/** Set basenames (the catalog and help file names) from package.json's node-red.nodes. */
function nodeSets(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
  return Object.values(pkg["node-red"].nodes).map((file) => basename(file).replace(/\.js$/, ""));
}

function flatten(obj: Catalog, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object") flatten(v as Catalog, key, out);
    else out.set(key, String(v));
  }
  return out;
}

function catalog(lang: string, set: string): Map<string, string> {
  const file = join(NODES, "locales", lang, `${set}.json`);
  assert.ok(existsSync(file), `node set "${set}" has no ${lang} catalog: add nodes/locales/${lang}/${set}.json`);
  return flatten(JSON.parse(readFileSync(file, "utf8")) as Catalog);
}

/** Every key of every catalog of a language (catalog keys start with the set name, so they do not collide). */
function allKeys(lang: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const set of nodeSets()) for (const [k, v] of catalog(lang, set)) out.set(k, v);
  return out;
}

/** i18next plural forms: a key used as "x" exists as "x_one"/"x_other". */
function has(keys: Map<string, string>, key: string): boolean {
  return keys.has(key) || (keys.has(`${key}_one`) && keys.has(`${key}_other`));
}

function placeholders(text: string): string[] {
  return [...new Set(text.match(/__[A-Za-z0-9]+__/g) ?? [])].sort();
}

function sourceFiles(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "locales" ? [] : sourceFiles(join(dir, e.name), ext)) : e.name.endsWith(ext) ? [join(dir, e.name)] : [],
  );
}

/** Keys the editor HTML uses: data-i18n attributes (";"-separated, with [attr] prefixes) and _("...") calls. */
function editorKeys(html: string): string[] {
  const keys: string[] = [];
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) for (const part of m[1].split(";")) keys.push(part.replace(/^\[[^\]]+\]/, ""));
  for (const m of html.matchAll(/\b_\(\s*['"]([^'"]+)['"]/g)) keys.push(m[1]);
  return keys.filter((k) => !k.includes(":"));
}

/** Keys the runtime code (and the editor's shared resources) use: every string literal of the form "<set>.<path>" or "common.<path>". */
function runtimeKeys(source: string, sets: string[]): string[] {
  const head = [...sets, "common"].map((s) => s.replace(/[-]/g, "\\-")).join("|");
  const re = new RegExp(`["'\`]((?:${head})\\.[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)+)["'\`]`, "g");
  return [...source.matchAll(re)].map((m) => m[1]);
}

describe("locales (en-US and de)", () => {
  const sets = nodeSets();

  it("every node set has both catalogs with the same keys and the same placeholders", () => {
    for (const set of sets) {
      const en = catalog("en-US", set);
      const de = catalog("de", set);
      assert.deepEqual([...de.keys()].sort(), [...en.keys()].sort(), `${set}: de and en-US catalogs have different keys`);
      for (const [key, text] of en) assert.deepEqual(placeholders(de.get(key) ?? ""), placeholders(text), `${set}: ${key} has other __placeholders__ in de`);
      for (const [key, text] of de) assert.ok(text.trim() !== "", `${set}: ${key} is empty in de`);
    }
  });

  it("every node type has a help page in both languages", () => {
    for (const set of sets) {
      const editor = readFileSync(join(NODES, `${set}.html`), "utf8");
      const types = [...editor.matchAll(/RED\.nodes\.registerType\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      assert.ok(types.length > 0, `${set}.html registers no node type`);
      for (const lang of LOCALES) {
        const file = join(NODES, "locales", lang, `${set}.html`);
        assert.ok(existsSync(file), `node set "${set}" has no ${lang} help: add nodes/locales/${lang}/${set}.html`);
        const help = readFileSync(file, "utf8");
        for (const type of types) {
          const m = help.match(new RegExp(`data-help-name="${type}">\\s*<p>([^<]{20,})`));
          assert.ok(m, `${lang} help of ${type} is missing or does not start with a <p> summary`);
        }
      }
    }
  });

  it("every service code the library has a hint for has that hint in both catalogs (common.hints.<platform>.<code>)", () => {
    for (const lang of LOCALES) {
      const keys = allKeys(lang);
      const codes = [...tuyaHintCodes().map((c) => `tuya.${c}`), ...hoboHintCodes().map((c) => `hobolink.${c}`)];
      assert.ok(codes.length > 50, "the hint tables are empty: the scan is broken");
      const missing = codes.filter((c) => !keys.has(`common.hints.${c}`));
      assert.deepEqual(missing, [], `${lang} lacks hints: add them under common.hints in nodes/locales/${lang}/tuya-config.json`);
    }
  });

  it("every key the editor uses exists in both catalogs", () => {
    const used = sets.flatMap((set) => editorKeys(readFileSync(join(NODES, `${set}.html`), "utf8")).map((key) => ({ key, where: `nodes/${set}.html` })));
    assert.ok(used.length > 100, `only ${used.length} editor keys found: the scan is broken`);
    for (const lang of LOCALES) {
      const keys = allKeys(lang);
      const missing = used.filter((u) => !has(keys, u.key)).map((u) => `${u.key} (${u.where})`);
      assert.deepEqual(missing, [], `${lang} lacks keys the editor uses`);
    }
  });

  it("every key the runtime and the shared editor code use exists in both catalogs", () => {
    const files = [...sourceFiles(NODES, ".ts"), ...sourceFiles(join(ROOT, "resources"), ".js")];
    const used = files.flatMap((file) => runtimeKeys(readFileSync(file, "utf8"), sets).map((key) => ({ key, where: file.slice(ROOT.length + 1) })));
    for (const lang of LOCALES) {
      const keys = allKeys(lang);
      const missing = used.filter((u) => !has(keys, u.key)).map((u) => `${u.key} (${u.where})`);
      assert.deepEqual(missing, [], `${lang} lacks keys the runtime uses`);
    }
  });
});
