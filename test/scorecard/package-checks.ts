/**
 * The Flow Library scorecard (node-red-dev validate 0.1.6), re-implemented offline: the same
 * package checks (P01, P03-P07), node checks (N02, with the tool's own HTML parsing via acorn)
 * and dependency checks (D01, D03), against the package as built.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as acorn from "acorn";
import semver from "semver";

export interface Check {
  id: string;
  ok: boolean;
  text: string;
}

export interface PackageJson {
  name: string;
  license?: string;
  repository?: unknown;
  bugs?: unknown;
  keywords?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  "node-red"?: { version?: string; nodes?: Record<string, string> };
}

export interface RegistrySnapshot {
  nodeRed: { latest: string; maintenance: string[]; latestEnginesNode: string };
  latest: Record<string, string>;
}

export interface NodeDefinition {
  type: string;
  category?: string;
  color?: string;
  icon?: string;
  inputs?: number;
  outputs?: number;
}

export function packageChecks(pkg: PackageJson, snap: RegistrySnapshot): Check[] {
  const nr = pkg["node-red"] ?? {};
  const versions = [snap.nodeRed.latest, ...snap.nodeRed.maintenance];
  const minNode = semver.minVersion(snap.nodeRed.latestEnginesNode)?.version ?? "0.0.0";
  const deps = Object.entries(pkg.dependencies ?? {});
  return [
    { id: "P01", ok: Boolean(pkg.license), text: "license present" },
    { id: "P03", ok: Boolean(pkg.repository || pkg.bugs), text: "repository or bugs link" },
    { id: "P04", ok: pkg.name.startsWith("@") || !/^(node-red|nodered)(?!-contrib-)/.test(pkg.name), text: `valid (scoped) name ${pkg.name}` },
    { id: "P05", ok: (pkg.keywords ?? []).includes("node-red"), text: "node-red keyword" },
    {
      id: "P06",
      ok: Boolean(nr.version) && versions.some((v) => semver.satisfies(v, nr.version ?? "")),
      text: `node-red.version ${nr.version} satisfied by ${versions.join(" or ")}`,
    },
    {
      id: "P07",
      ok: Boolean(pkg.engines?.node) && semver.satisfies(minNode, pkg.engines?.node ?? ""),
      text: `engines.node ${pkg.engines?.node} allows Node ${minNode}`,
    },
    { id: "D01", ok: deps.length <= 6, text: `${deps.length} runtime dependencies (at most 6)` },
    ...deps.map(([name, range]) => ({
      id: "D03",
      ok: Boolean(snap.latest[name]) && semver.satisfies(snap.latest[name], range),
      text: `${name}@${range} allows latest ${snap.latest[name] ?? "(not in snapshot)"}`,
    })),
  ];
}

/** Every registerType('<literal>', {<object literal>}) in the HTML's text/javascript blocks, as node-red-dev finds them. */
export function parseNodeHtml(html: string): NodeDefinition[] {
  const defs: NodeDefinition[] = [];
  const blocks = html.matchAll(/<script[^>]*type=["']text\/javascript["'][^>]*>([\s\S]*?)<\/script>/gi);
  for (const [, code] of blocks) {
    const ast = acorn.parse(code, { ecmaVersion: "latest" });
    walk(ast, (node) => {
      if (node.type !== "CallExpression") return;
      const call = node as unknown as acorn.CallExpression;
      const callee = call.callee;
      if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier" || callee.property.name !== "registerType") return;
      const [typeArg, defArg] = call.arguments;
      if (typeArg?.type !== "Literal" || typeof typeArg.value !== "string" || defArg?.type !== "ObjectExpression") return;
      const def: NodeDefinition = { type: typeArg.value };
      for (const prop of defArg.properties) {
        if (prop.type !== "Property" || prop.key.type !== "Identifier" || prop.value.type !== "Literal") continue;
        (def as unknown as Record<string, unknown>)[prop.key.name] = prop.value.value;
      }
      defs.push(def);
    });
  }
  return defs;
}

function walk(node: unknown, visit: (n: { type: string }) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  const n = node as { type?: string };
  if (typeof n.type === "string") visit(n as { type: string });
  for (const value of Object.values(node)) if (value && typeof value === "object") walk(value, visit);
}

/** All node types used in examples/ (recursively), as N02 reads them. Non-array files are skipped like the tool does. */
export function exampleTypes(dir: string): { types: Set<string>; files: string[] } {
  const types = new Set<string>();
  const files: string[] = [];
  if (!existsSync(dir)) return { types, files };
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const sub = exampleTypes(path);
      sub.types.forEach((t) => types.add(t));
      files.push(...sub.files);
    } else if (entry.endsWith(".json")) {
      files.push(path);
      const flow = JSON.parse(readFileSync(path, "utf8")) as unknown;
      if (Array.isArray(flow)) for (const n of flow) if (n && typeof n.type === "string") types.add(n.type);
    }
  }
  return { types, files };
}
