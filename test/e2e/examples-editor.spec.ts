/**
 * The example flows as a user meets them in the editor (headless chromium, a real Node-RED 4.1
 * with the pack and the third-party nodes the examples use): importing every example the way
 * Import > Examples does (the shared config nodes' ids exist after the first, so its "Import copy"
 * is taken) puts the nodes on the current flow and leaves one tuya-config and one hobo-config;
 * every example, drawn by the editor, has no two overlapping nodes and no wire running right to
 * left (screenshots example-<title>.png); and the Dashboard 2 example's chart plots the Tuya and
 * HOBO readings at their own timestamps, one series per device and measurement.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import {
  chromiumPath,
  configTypes,
  deploy,
  inject,
  openEditor,
  packTypes,
  readExamples,
  registeredTypes,
  screenshot,
  startStack,
  THIRD_PARTY_NODES,
  waitFor,
  type Browser,
  type FlowNode,
  type Stack,
} from "./support/stack";

interface DrawnNode {
  id: string;
  type: string;
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
interface RedGlobal {
  RED: {
    view: { importNodes(nodes: unknown[], options: Record<string, unknown>): void; redraw(full?: boolean): void };
    workspaces: { active(): string; show(id: string): void; add(): { id: string } };
    nodes: {
      eachConfig(cb: (n: { type: string; id: string; users: unknown[] }) => boolean | void): void;
      eachWorkspace(cb: (w: { id: string; label?: string }) => void): void;
      filterNodes(f: { z?: string; type?: string }): (FlowNode & { x: number; y: number; w: number; h: number; z: string; name?: string })[];
      filterLinks(f: { source?: unknown }): { source: { id: string }; target: { id: string } }[];
      node(id: string): (FlowNode & { x: number; y: number; w: number; h: number }) | undefined;
    };
    state: Record<string, number>;
  };
}

const examples = readExamples();
const title = (file: string) => file.replace(/\.json$/, "");
const slug = (file: string) =>
  title(file)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-");

/** The nodes drawn on a tab, with the geometry the editor computed for them (centre x/y, width, height). */
async function drawnNodes(page: Page, z: string): Promise<DrawnNode[]> {
  return page.evaluate((tab) => {
    const { RED } = window as unknown as RedGlobal;
    return RED.nodes.filterNodes({ z: tab }).map((n) => ({ id: n.id, type: n.type, name: String(n.name ?? ""), x: n.x, y: n.y, w: n.w, h: n.h }));
  }, z);
}

/** The wires between the nodes of a tab: source → target. */
async function drawnWires(page: Page, z: string): Promise<{ source: string; target: string }[]> {
  return page.evaluate((tab) => {
    const { RED } = window as unknown as RedGlobal;
    const ids = new Set(RED.nodes.filterNodes({ z: tab }).map((n) => n.id));
    return RED.nodes
      .filterLinks({})
      .filter((l) => ids.has(l.source.id))
      .map((l) => ({ source: l.source.id, target: l.target.id }));
  }, z);
}

function overlaps(a: DrawnNode, b: DrawnNode): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;
}

describe("the example flows in the editor", function () {
  this.timeout(240_000);
  let stack: Stack;
  let browser: Browser;

  before(async function () {
    if (!existsSync(chromiumPath)) {
      console.log(`    SKIPPED: ${chromiumPath} is not installed (apt-get install -y chromium); the browser tests did not run.`);
      this.skip();
    }
    stack = await startStack({ thirdParty: THIRD_PARTY_NODES });
    browser = await openEditor(stack);
    browser.page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("importing every example (as Import > Examples does) puts the nodes on the current flow and keeps one config node per account", async () => {
    const { page } = browser;
    for (const { file, flow } of examples) {
      const tabsBefore = await page.evaluate(() => {
        let n = 0;
        (window as unknown as RedGlobal).RED.nodes.eachWorkspace(() => n++);
        return n;
      });
      const active = await page.evaluate(() => (window as unknown as RedGlobal).RED.workspaces.active());
      // The Import dialog's call; a conflict (the shared config ids exist already) is answered with its "Import copy".
      await page.evaluate((nodes) => {
        const { RED } = window as unknown as RedGlobal;
        const options = { generateIds: false, addFlow: false };
        try {
          RED.view.importNodes(nodes, options);
        } catch (err) {
          if ((err as { code?: string }).code !== "import_conflict") throw err;
          options.generateIds = true;
          RED.view.importNodes(nodes, options);
        }
      }, flow);
      // The imported nodes hang on the mouse until a click drops them, as after the dialog.
      await page.locator("#red-ui-workspace-chart").click({ position: { x: 400, y: 300 } });
      const after = await page.evaluate((z) => {
        const { RED } = window as unknown as RedGlobal;
        let tabs = 0;
        RED.nodes.eachWorkspace(() => tabs++);
        return { tabs, here: RED.nodes.filterNodes({ z }).length };
      }, active);
      assert.equal(after.tabs, tabsBefore, `${file} opened another tab`);
      assert.ok(after.here >= flow.filter((n) => n.x !== undefined).length, `${file}: its nodes are not on the current flow`);
    }
    const configs = await page.evaluate(() => {
      const counts: Record<string, number> = {};
      (window as unknown as RedGlobal).RED.nodes.eachConfig((n) => {
        counts[n.type] = (counts[n.type] ?? 0) + 1;
      });
      return counts;
    });
    assert.equal(configs["tuya-config"], 1, JSON.stringify(configs));
    assert.equal(configs["hobo-config"], 1, JSON.stringify(configs));
  });

  afterEach(async function () {
    // A failed test may leave dialogs open; cancel them so the next test starts on the workspace.
    if (!browser) return;
    if (this.currentTest?.state === "failed") await screenshot(browser.page, `failed-${this.currentTest.title.split(":")[0]!.replace(/\W+/g, "-")}`);
    for (let i = 0; i < 5 && (await browser.page.locator("#node-dialog-cancel").count()) > 0; i++) {
      await browser.page
        .locator("#node-dialog-cancel")
        .last()
        .click()
        .catch(() => undefined);
      await browser.page.waitForTimeout(300);
    }
  });

  describe("the palette and a new node's dialog", () => {
    const flowTypes = packTypes.filter((t) => !configTypes.has(t));

    it("each node type has a colour of its own (no core node's), a one-line palette label, and the same name on the canvas", async () => {
      const { page } = browser;
      const core = await page.evaluate(() => {
        const { RED } = window as unknown as RedGlobal & {
          RED: { nodes: { registry: { getNodeTypes(): string[] }; getType(t: string): { color?: string; set?: { module?: string } } } };
        };
        return RED.nodes.registry
          .getNodeTypes()
          .map((t) => RED.nodes.getType(t))
          .filter((d) => d?.set?.module === "node-red" && d.color)
          .map((d) => String(d!.color).toLowerCase());
      });
      assert.ok(core.length > 10, "core colours read");
      const colours = new Map<string, string>();
      for (const type of packTypes) {
        const def = await page.evaluate((t) => {
          const d = (
            window as unknown as {
              RED: { nodes: { getType(t: string): { color: string; paletteLabel?: string; label?: unknown; defaults: Record<string, { value?: unknown }> } } };
            }
          ).RED.nodes.getType(t);
          const fresh: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(d.defaults)) fresh[k] = v.value;
          return {
            color: String(d.color).toLowerCase(),
            palette: String(d.paletteLabel ?? t),
            canvas: typeof d.label === "function" ? String((d.label as (this: unknown) => string).call(fresh)) : String(d.label ?? t),
          };
        }, type);
        assert.ok(!core.includes(def.color), `${type}'s colour ${def.color} is a core node's`);
        colours.set(type.split("-")[0]!, def.color);
        if (configTypes.has(type)) continue;
        assert.equal(def.canvas, def.palette, `${type}: the palette says "${def.palette}", a new node on the canvas "${def.canvas}"`);
        const entry = page.locator(`.red-ui-palette-node[data-palette-type="${type}"] .red-ui-palette-label`);
        const lines = await entry.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
        assert.equal(lines, 1, `${type}'s palette label "${def.palette}" wraps onto ${lines} lines`);
      }
      assert.notEqual(colours.get("tuya"), colours.get("hobo"), "Tuya and HOBO nodes share a colour");
      for (const type of flowTypes) {
        const platform = type.split("-")[0]!;
        const colour = await page.evaluate(
          (t) => String((window as unknown as { RED: { nodes: { getType(t: string): { color: string } } } }).RED.nodes.getType(t).color).toLowerCase(),
          type,
        );
        assert.equal(colour, colours.get(platform), `${type} does not share its platform's colour`);
      }
    });

    for (const type of flowTypes) {
      it(`${type}: a new node's dialog shows whole placeholders${type === "tuya-command" ? " and its code/value rows" : type === "tuya-log" ? " and named event types" : ""}`, async () => {
        const { page } = browser;
        await page.evaluate((t) => {
          const { RED } = window as unknown as RedGlobal;
          RED.view.importNodes([{ id: "new-" + t.replace(/\W/g, ""), type: t, x: 300, y: 500 }], {
            generateIds: true,
            applyNodeDefaults: true,
            touchImport: true,
          });
        }, type);
        const id = await page.evaluate((t) => {
          const { RED } = window as unknown as RedGlobal;
          const nodes = RED.nodes.filterNodes({ type: t, z: RED.workspaces.active() });
          return nodes[nodes.length - 1]!.id;
        }, type);
        await page.evaluate(
          (nid) =>
            (window as unknown as { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } }).RED.editor.edit(
              (window as unknown as RedGlobal).RED.nodes.node(nid),
            ),
          id,
        );
        await page.locator(".red-ui-tray .red-ui-tray-body").last().waitFor({ state: "visible" });
        await page.waitForFunction(() => {
          const trays = document.querySelectorAll(".red-ui-tray");
          const top = trays[trays.length - 1] as HTMLElement | undefined;
          return Boolean(top && getComputedStyle(top).right === "0px");
        });
        const cut = await page.evaluate(() => {
          const out: string[] = [];
          const ctx = document.createElement("canvas").getContext("2d")!;
          for (const el of document.querySelectorAll<HTMLInputElement>(".red-ui-tray input[placeholder]")) {
            if (!el.offsetParent || !el.placeholder) continue;
            const style = getComputedStyle(el);
            ctx.font = `${style.fontSize} ${style.fontFamily}`;
            const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            if (ctx.measureText(el.placeholder).width > room + 1)
              out.push(`${el.id || el.className}: "${el.placeholder}" (${Math.round(ctx.measureText(el.placeholder).width)} px in ${Math.round(room)} px)`);
          }
          return out;
        });
        assert.deepEqual(cut, [], `${type}: placeholders cut off`);
        if (type === "tuya-command") {
          // The rows (code, value) with their add button, not the message as command source.
          await page.locator(".red-ui-tray .node-input-rows-list-row .red-ui-editableList-addButton").waitFor({ state: "visible" });
        }
        if (type === "tuya-log") {
          // Event types are named choices (data reports preselected), not a bare "7".
          const chosen = await page.evaluate(() => {
            const $ = (window as unknown as { $: (s: string) => { typedInput(m: string): string } }).$;
            return { type: $("#node-input-eventTypes").typedInput("type"), value: $("#node-input-eventTypes").typedInput("value") };
          });
          assert.deepEqual(chosen, { type: "types", value: "7" });
          await page.locator(".red-ui-tray .red-ui-typedInput-option-trigger:has-text('selected')").click();
          const menu = page.locator(".red-ui-typedInput-options:visible").last();
          await menu.waitFor({ state: "visible" });
          const text = (await menu.textContent()) ?? "";
          for (const name of ["online", "offline", "data reports (7)"]) assert.ok(text.includes(name), `the event type menu lists "${name}": ${text}`);
          await screenshot(page, "tuya-log-event-types");
          await page.keyboard.press("Escape");
        }
        await screenshot(page, `new-${type}`);
        await page.locator("#node-dialog-cancel").click();
        await page.locator("#node-dialog-cancel").waitFor({ state: "detached" });
        // The new node goes again, so the examples' layout checks below see only theirs.
        await page.evaluate((nid) => {
          const w = window as unknown as { RED: { nodes: { remove(id: string): void }; view: { redraw(full?: boolean): void } } };
          w.RED.nodes.remove(nid);
          w.RED.view.redraw(true);
        }, id);
      });
    }
  });

  describe("drawn by the editor", () => {
    let tabs: Map<string, string>;

    before(async () => {
      // The examples deployed one per tab, as the demo workspace has them, and the editor opened afresh.
      const { buildDemoFlows, withInlineCredentials } = await import("../../scripts/demo-flows.mjs");
      const info = { tuya: stack.tuya.describe(), hobo: stack.hobo.describe(), egauge: stack.egauge.describe() };
      const built = buildDemoFlows(examples, info, { fileDir: stack.userDir, knownTypes: await registeredTypes(stack) });
      assert.deepEqual(built.skipped, [], "examples left out: their node types are not installed");
      await deploy(stack, withInlineCredentials(built.flows, built.credentials));
      tabs = new Map(built.flows.filter((n) => n.type === "tab").map((t) => [String(t.label), t.id]));
      await browser.close();
      browser = await openEditor(stack);
      browser.page.setDefaultTimeout(15_000);
    });

    for (const { file } of examples) {
      it(`${title(file)}: no two nodes overlap and every wire runs left to right`, async () => {
        const { page } = browser;
        const z = tabs.get(title(file));
        assert.ok(z, `no tab for ${file}`);
        await page.evaluate((id) => (window as unknown as RedGlobal).RED.workspaces.show(id), z);
        await page.locator(`#red-ui-tab-${z}.active`).waitFor();
        // The editor measures each label on drawing; wait until every node of the tab has its width.
        await waitFor(
          async () => (await drawnNodes(page, z)).every((n) => typeof n.w === "number" && n.w > 0),
          () => `the nodes of ${file} drawn`,
        );
        const nodes = await drawnNodes(page, z);
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const label = (n: DrawnNode) => `${n.type} "${n.name}"`;
        const clashes: string[] = [];
        for (let i = 0; i < nodes.length; i++) {
          for (let j = i + 1; j < nodes.length; j++) if (overlaps(nodes[i]!, nodes[j]!)) clashes.push(`${label(nodes[i]!)} and ${label(nodes[j]!)}`);
        }
        assert.deepEqual(clashes, [], `${file}: overlapping nodes`);
        const backwards = (await drawnWires(page, z))
          .map((w) => ({ s: byId.get(w.source)!, t: byId.get(w.target)! }))
          .filter(({ s, t }) => t.x - t.w / 2 < s.x + s.w / 2)
          .map(({ s, t }) => `${label(s)} → ${label(t)}`);
        assert.deepEqual(backwards, [], `${file}: wires running right to left`);
        await screenshot(page, `example-${slug(file)}`);
      });
    }

    it("the Dashboard 2 chart plots the Tuya and HOBO readings at their own times, one series per device and measurement", async () => {
      const file = "Dashboard chart of Tuya and HOBO readings.json";
      const example = examples.find((e) => e.file === file);
      assert.ok(example, `examples/${file} is missing`);
      const z = tabs.get(title(file))!;
      const prefix = z.replace(/tab$/, "");
      const before = Date.now();
      for (const n of example.flow.filter((n) => n.type === "inject")) await inject(stack, `${prefix}${n.id}`);
      for (const type of ["hobo-data", "tuya-status"]) {
        const id = `${prefix}${example.flow.find((n) => n.type === type)!.id}`;
        await waitFor(
          () => stack.statuses.get(id)?.fill === "green",
          () => `${type} done: ${JSON.stringify(stack.statuses.get(id))}`,
          60_000,
        );
      }
      const page = await browser.context.newPage();
      try {
        await page.goto(`${stack.url}/dashboard/readings`);
        const chart = page.locator(".nrdb-ui-chart, [class*='nrdb-ui-chart']").first();
        await chart.waitFor({ state: "visible", timeout: 30_000 });
        // The points as the chart holds them: ECharts describes its series and their first points
        // (x, y pairs) in the chart element's aria-label; read the series from there.
        const series = await waitFor(
          async () => {
            const aria = (await page.locator("[_echarts_instance_]").first().getAttribute("aria-label")) ?? "";
            const out = aria
              .split(/The \d+ series is a /)
              .slice(1)
              .map((part) => {
                const m = /representing (.+?)\.(?:The first \d+ items are|The data is as follows): (.*)$/.exec(part.trim());
                const numbers = (m?.[2] ?? "").match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)?.map(Number) ?? [];
                const points = [];
                for (let k = 0; k + 1 < numbers.length; k += 2) points.push({ x: numbers[k]!, y: numbers[k + 1]! });
                return { name: m?.[1] ?? "", points };
              });
            return out.length >= 2 && out.every((x) => x.points.length > 0) ? out : undefined;
          },
          async () =>
            `two series with points in the chart: ${await page
              .locator("[_echarts_instance_]")
              .first()
              .getAttribute("aria-label")
              .catch(() => "no chart")}`,
          60_000,
        );
        const names = series.map((x) => x.name);
        assert.ok(names.includes("Greenhouse/Temperature"), `series ${names.join(", ")}`);
        assert.ok(
          names.some((n) => n.startsWith("Lab climate/")),
          `series ${names.join(", ")}`,
        );
        const hobo = series.find((x) => x.name === "Greenhouse/Temperature")!.points.map((p) => p.x);
        const tuya = series.find((x) => x.name.startsWith("Lab climate/"))!.points.map((p) => p.x);
        // The backfill sits at its reading times (10 minutes apart, hours back), not at the moment the messages arrived.
        assert.ok(
          hobo.every((x, k) => k === 0 || x > hobo[k - 1]!),
          `HOBO x values rise: ${hobo.join(", ")}`,
        );
        assert.ok(Math.min(...hobo) < before - 3 * 3_600_000, `the oldest HOBO point is hours before the run: ${Math.min(...hobo)} vs ${before}`);
        assert.ok(
          tuya.every((x) => x >= before - 60_000),
          `the Tuya status points sit at the time it was read: ${tuya.join(", ")}`,
        );
        await screenshot(page, "dashboard-chart");
      } finally {
        await page.close();
      }
    });
  });
});
