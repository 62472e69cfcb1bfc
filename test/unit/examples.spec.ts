/**
 * The conventions every example flow (examples/*.json, Import > Examples) keeps, so importing any
 * set of them works as a user expects (README "Writing an example"): a readable title as file
 * name; no tab node, so "Import to current flow" puts the nodes on the current flow; one shared
 * config node per pack config type (fixed id `bestlab-<type>`, identical in every file, no
 * credentials), so importing all of them leaves one of each; nothing that reaches a node of the
 * pack fires by itself; relative file paths; a comment first and a Catch node for errors.
 * The browser suite (test/e2e/examples-editor.spec.ts) checks the drawn layout.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

type FlowNode = Record<string, unknown> & { id: string; type: string; wires?: string[][] };

const root = resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
const packTypes = new Set(Object.keys(pkg["node-red"].nodes));
const files = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".json"))
  .sort();
const examples = files.map((file) => ({ file, flow: JSON.parse(readFileSync(join(root, "examples", file), "utf8")) as FlowNode[] }));
const isConfig = (n: FlowNode) => n.x === undefined && n.type !== "tab" && n.type !== "group";

/** Nodes downstream of `from` (itself excluded). */
function downstream(flow: FlowNode[], from: FlowNode): FlowNode[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = [...(from.wires ?? []).flat()];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(byId.get(id)?.wires ?? []).flat());
  }
  return [...seen].map((id) => byId.get(id)!).filter(Boolean);
}

describe("the example flows' conventions", () => {
  it("there are examples, and their file names are readable titles (words and spaces, no hyphens)", () => {
    assert.ok(files.length >= 9, files.join(", "));
    for (const f of files) assert.match(f, /^[A-Za-z][A-Za-z0-9]*( [A-Za-z0-9]+)*\.json$/, `${f}: name it as its title, e.g. "Tuya status to CSV file.json"`);
  });

  for (const { file, flow } of examples) {
    describe(file, () => {
      it("has no tab or subflow node, and its flow nodes name no flow (z)", () => {
        assert.deepEqual(
          flow.filter((n) => n.type === "tab" || n.type.startsWith("subflow")).map((n) => n.id),
          [],
        );
        assert.deepEqual(
          flow.filter((n) => "z" in n).map((n) => n.id),
          [],
        );
      });

      it("uses the shared config nodes of the pack: id bestlab-<type>, no credentials", () => {
        for (const n of flow.filter(isConfig)) {
          if (packTypes.has(n.type)) assert.equal(n.id, `bestlab-${n.type}`, `${n.type} ${n.id}`);
          assert.ok(!("credentials" in n), `${n.id} carries credentials`);
        }
        const ids = flow.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, "duplicate ids");
      });

      it("fires nothing by itself into a node of the pack (inject: once off, no repeat, no cron)", () => {
        for (const inject of flow.filter((n) => n.type === "inject")) {
          const automatic = inject.once === true || Boolean(inject.repeat) || Boolean(inject.crontab);
          if (!automatic) continue;
          const pack = downstream(flow, inject).filter((n) => packTypes.has(n.type));
          assert.deepEqual(
            pack.map((n) => n.type),
            [],
            `inject "${String(inject.name)}" fires by itself into the pack's nodes`,
          );
        }
      });

      it("writes files at relative paths, never /tmp", () => {
        for (const n of flow) {
          for (const key of ["filename", "db"]) {
            const path = n[key];
            if ((n.type === "file" || n.type === "file in" || n.type === "sqlitedb") && typeof path === "string" && path) {
              assert.ok(!path.startsWith("/") && !/^[A-Za-z]:/.test(path), `${n.type} ${n.id}: ${path} is absolute`);
            }
          }
        }
      });

      it("starts with a comment that says what to set up, and catches errors into a debug node", () => {
        const first = flow.find((n) => n.x !== undefined);
        assert.equal(first?.type, "comment", "the first node is a comment");
        assert.ok(String(first.info).length > 80, "the comment has a description");
        const usesConfig = flow.some((n) => isConfig(n) && packTypes.has(n.type));
        if (usesConfig) assert.match(String(first.info), /Setup:/, "the comment says what to set up");
        const catchNode = flow.find((n) => n.type === "catch");
        assert.ok(catchNode, "a Catch node");
        assert.ok(
          downstream(flow, catchNode).some((n) => n.type === "debug"),
          "the Catch node feeds a debug node",
        );
      });
    });
  }

  it("share each config node: the same properties in every file, so importing them all keeps one", () => {
    const byId = new Map<string, { file: string; node: FlowNode }>();
    for (const { file, flow } of examples) {
      for (const n of flow.filter(isConfig)) {
        const seen = byId.get(n.id);
        if (seen) assert.deepEqual(n, seen.node, `${n.id} differs between ${seen.file} and ${file}`);
        else byId.set(n.id, { file, node: n });
      }
    }
    const packConfigs = [...byId.values()].filter(({ node }) => packTypes.has(node.type));
    assert.deepEqual(
      packConfigs.map(({ node }) => node.type).sort(),
      [...new Set(packConfigs.map(({ node }) => node.type))].sort(),
      "one config node per pack config type",
    );
  });
});
