/**
 * The Flow Library scorecard against the package as built (run `npm run build` first; npm test
 * does). Offline re-implementation first, then the real node-red-dev with its catalogue stubbed,
 * when the npm registry can supply it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { exampleTypes, packageChecks, parseNodeHtml, type NodeDefinition, type PackageJson, type RegistrySnapshot } from "./package-checks";

const root = resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
const snapshot = JSON.parse(readFileSync(join(__dirname, "registry-snapshot.json"), "utf8")) as RegistrySnapshot;
const nodeMap = pkg["node-red"]?.nodes ?? {};

describe("scorecard (offline re-implementation of node-red-dev validate)", () => {
  for (const check of packageChecks(pkg, snapshot)) {
    it(`${check.id}: ${check.text}`, () => assert.ok(check.ok, `${check.id} failed: ${check.text}`));
  }

  const found: NodeDefinition[] = [];
  for (const [set, jsPath] of Object.entries(nodeMap)) {
    describe(`node set ${set} (${jsPath})`, () => {
      const js = join(root, jsPath);
      const html = js.replace(/\.js$/, ".html");
      it("has its compiled .js and the .html beside it", () => {
        assert.ok(existsSync(js), `${jsPath} is missing: run npm run build`);
        assert.ok(existsSync(html), `${html} is missing`);
      });
      it("registers its node type with literals the scorecard can read", () => {
        const defs = parseNodeHtml(readFileSync(html, "utf8"));
        assert.ok(defs.length > 0, `no RED.nodes.registerType('type', {...}) found in ${html}: the scorecard would skip this node`);
        assert.ok(
          defs.some((d) => d.type === set),
          `the set name ${set} should match a registered type (found ${defs.map((d) => d.type).join(", ")})`,
        );
        for (const d of defs) {
          assert.equal(typeof d.category, "string", `${d.type}: category must be a literal`);
          if (d.category !== "config") {
            assert.equal(typeof d.color, "string", `${d.type}: color must be a literal`);
            assert.equal(typeof d.inputs, "number", `${d.type}: inputs must be a literal`);
            assert.equal(typeof d.outputs, "number", `${d.type}: outputs must be a literal`);
            assert.equal(typeof d.icon, "string", `${d.type}: icon must be a literal`);
            if (!d.icon!.includes("/")) {
              assert.ok(existsSync(join(js, "..", "icons", d.icon!)), `${d.type}: icon ${d.icon} is not in ${join(jsPath, "..", "icons")}`);
            }
          }
        }
        found.push(...defs);
      });
      it("has its message catalogue and help in locales/en-US", () => {
        const base = join(js, "..", "locales", "en-US", set);
        assert.ok(existsSync(`${base}.json`), `${base}.json is missing`);
        assert.ok(existsSync(`${base}.html`), `${base}.html is missing`);
        JSON.parse(readFileSync(`${base}.json`, "utf8"));
        assert.match(readFileSync(`${base}.html`, "utf8"), new RegExp(`data-help-name=["']${set}["']`));
      });
    });
  }

  it("N02: examples/ holds JSON flows (arrays) that use every non-config node type", () => {
    const { types, files } = exampleTypes(join(root, "examples"));
    const flowTypes = Object.keys(nodeMap).length ? found.filter((d) => d.category !== "config").map((d) => d.type) : [];
    if (flowTypes.length) assert.ok(files.length > 0, "examples/ has no .json flows");
    const missing = flowTypes.filter((t) => !types.has(t));
    assert.deepEqual(missing, [], `node types without an example: ${missing.join(", ")}`);
  });
});

describe("scorecard (the real node-red-dev validate, catalogue stubbed)", function () {
  this.timeout(240_000);
  // D03 asks the registry for each dependency's latest version (npm-check); a lookup that fails
  // under load reads as "not at latest", so one failed run gets a second look before it counts.
  this.retries(1);
  it("reports no failed check", function () {
    const out = join(root, ".test-output", "scorecard.json");
    const res = spawnSync(
      "npx",
      // The stub goes into node-red-dev's own NODE_OPTIONS, not npx's (npx would load it too and fail).
      ["-y", "-p", "node-red-dev@0.1.6", "-c", `NODE_OPTIONS="--require ./tools/stub-catalogue.cjs" node-red-dev validate -p . -o ${out}`],
      { cwd: root, encoding: "utf8", timeout: 200_000 },
    );
    if (res.status !== 0 && /E404|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|network/i.test(`${res.stderr}${res.stdout}`)) {
      this.skip(); // node-red-dev could not be fetched here; the offline checks above still ran
    }
    assert.equal(res.status, 0, `node-red-dev exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
    const card = JSON.parse(readFileSync(out, "utf8")) as Record<string, { test?: boolean }>;
    const failed = Object.entries(card)
      .filter(([, v]) => v && typeof v === "object" && v.test === false)
      .map(([k]) => k);
    assert.deepEqual(failed, [], `node-red-dev reports failed checks: ${failed.join(", ")}\n${res.stdout}\n${res.stderr}`);
  });
});
