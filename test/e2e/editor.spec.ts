/**
 * The editor in a real browser (headless Debian chromium): every node in the palette, every edit
 * dialog opening cleanly with its help, validating and round-tripping its values, and the demo
 * flows deploying and running against the emulators. Skipped, with a clear message, when chromium
 * is not installed (CI installs it).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { chromiumPath, openEditor, root, screenshot, startStack, type Browser, type Stack } from "./support/stack";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
const types = Object.keys(pkg["node-red"].nodes);

type RedWindow = {
  RED: {
    nodes: {
      getType(t: string): { category: string; defaults: Record<string, { required?: boolean; type?: string }> } | undefined;
      filterNodes(f: { type: string }): { id: string }[];
      node(id: string): Record<string, unknown> & { valid?: boolean };
      getNodeHelp(t: string): string | undefined;
    };
    editor: { edit(n: unknown): void };
    view: { redraw(full?: boolean): void };
  };
};

describe("the editor in a real browser", function () {
  this.timeout(180_000);
  let stack: Stack;
  let browser: Browser;

  before(async function () {
    if (!existsSync(chromiumPath)) {
      console.log(`    SKIPPED: ${chromiumPath} is not installed (apt-get install -y chromium); the browser tests did not run.`);
      this.skip();
    }
    // The demo script is ESM (plain node runs it); a CommonJS spec loads it with import().
    const { buildDemoFlows } = await import("../../scripts/demo-flows.mjs");
    stack = await startStack((tuya, hobo) => {
      const examples = readdirSync(join(root, "examples"))
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ file: f, flow: JSON.parse(readFileSync(join(root, "examples", f), "utf8")) }));
      return buildDemoFlows(examples, { tuya: tuya.describe(), hobo: hobo.describe() });
    });
    browser = await openEditor(stack);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows every flow node in the BESTLab palette category", async () => {
    const { page } = browser;
    for (const type of types) {
      const category = await page.evaluate((t) => (window as unknown as RedWindow).RED.nodes.getType(t)?.category, type);
      assert.ok(category, `${type} is not registered in the editor`);
      if (category === "config") continue;
      assert.equal(category, "bestlab", `${type} should be in the bestlab category`);
      const entry = page.locator(`#red-ui-palette-container-bestlab .red-ui-palette-node[data-palette-type="${type}"]`);
      assert.equal(await entry.count(), 1, `${type} is missing from the palette`);
    }
    await screenshot(page, "workspace");
  });

  for (const type of types) {
    it(`${type}: help, a clean edit dialog, and values that round-trip`, async () => {
      const { page, consoleErrors } = browser;
      const before = consoleErrors.length;
      const help = await page.evaluate((t) => (window as unknown as RedWindow).RED.nodes.getNodeHelp(t) ?? "", type);
      assert.ok(help.includes("<h3>") || help.length > 200, `${type} has no help text`);
      const id = await page.evaluate((t) => (window as unknown as RedWindow).RED.nodes.filterNodes({ type: t })[0]?.id, type);
      assert.ok(id, `the demo flows have no ${type} node to edit`);
      const original = await page.evaluate((nid) => JSON.parse(JSON.stringify((window as unknown as RedWindow).RED.nodes.node(nid))), id);
      await page.evaluate((nid) => {
        const w = window as unknown as RedWindow;
        w.RED.editor.edit(w.RED.nodes.node(nid));
      }, id);
      await page.locator(".red-ui-tray").first().waitFor({ state: "visible" });
      await page.waitForTimeout(400); // the tray slides in; the screenshot wants it settled
      await screenshot(page, `dialog-${type}`);
      const nameInput = page.locator(original.type && types.includes(String(original.type)) && (await page.locator("#node-config-input-name").count()) ? "#node-config-input-name" : "#node-input-name");
      if (await nameInput.count()) await nameInput.fill("E2E renamed");
      await page.locator("#node-dialog-ok, #node-config-dialog-ok").first().click();
      await page.locator(".red-ui-tray").first().waitFor({ state: "detached" });
      const saved = await page.evaluate((nid) => JSON.parse(JSON.stringify((window as unknown as RedWindow).RED.nodes.node(nid))), id);
      for (const [key, value] of Object.entries(original)) {
        if (["name", "changed", "dirty", "_def", "_", "valid", "validationErrors", "selected", "moved", "w", "h", "resize", "l", "_config", "_orig", "status"].includes(key)) continue;
        if (value === null || typeof value !== "object") assert.deepEqual(saved[key], value, `${type}.${key} changed after save without edits`);
      }
      if (await nameInput.count().catch(() => 0)) assert.equal(saved.name, "E2E renamed");
      assert.deepEqual(consoleErrors.slice(before), [], `console errors while editing ${type}`);
    });
  }
});
