/**
 * The editor in a real browser (headless Debian chromium) against a real Node-RED 4.1 with the pack
 * installed and the demo workspace (every example flow, pointed at the emulators) deployed:
 * every node in the palette; every edit dialog opening cleanly with its help, showing the node's
 * values, marking the node invalid when a required value is cleared, and round-tripping its values
 * through save and reopen; a new tuya-config made in the dialog, its "test connection" against the
 * emulator (and its error text for a wrong secret); the device picker; and, after Deploy, green
 * node status and readings in the Debug sidebar. Screenshots go to screenshots/ (git-ignored).
 * Skipped, with a clear message, when chromium is not installed (CI installs it).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { parseTime } from "../../src/core/time";
import { tuyaRegionList } from "../../src/tuya/regions";
import {
  chromiumPath,
  configTypes,
  deploy,
  openEditor,
  packTypes,
  readExamples,
  registeredTypes,
  root,
  screenshot,
  startStack,
  waitFor,
  type Browser,
  type Stack,
} from "./support/stack";

type EditorNode = Record<string, unknown> & { id: string; type: string; z?: string; x?: number; w?: number; valid?: boolean };
interface RedGlobal {
  RED: {
    nodes: {
      getType(t: string): { category: string; defaults: Record<string, { required?: boolean; type?: string; value?: unknown }> } | undefined;
      filterNodes(f: { type: string }): EditorNode[];
      filterLinks(f: { target?: EditorNode; source?: EditorNode }): { source: EditorNode; target: EditorNode }[];
      eachConfig(cb: (n: EditorNode) => boolean | void): void;
      node(id: string): EditorNode | undefined;
      getNodeHelp(t: string): string | undefined;
      dirty(): boolean;
    };
    editor: { editConfig(name: string, type: string, id: string, prefix?: string): void };
    workspaces: { show(id: string): void };
    view: { reveal(id: string): void; redraw(full?: boolean): void };
    history: { pop(): void; depth(): number };
    sidebar: { show(id: string): void };
  };
  $: (selector: string) => {
    val(): unknown;
    is(s: string): boolean;
    typedInput(m: string, v?: unknown): unknown;
    length: number;
    css(p: string): string;
    text(): string;
  };
}

/** Properties the editor keeps for itself (not node configuration). */
const EDITOR_KEYS = new Set(["valid", "validationErrors", "w"]);

/** The configuration of an editor node: its type's defaults, plus where it sits and how it is wired (no editor internals). */
async function snapshot(page: Page, id: string): Promise<EditorNode> {
  return page.evaluate((nid) => {
    const { RED } = window as unknown as RedGlobal;
    const n = RED.nodes.node(nid)!;
    const keys = [...Object.keys(RED.nodes.getType(n.type)!.defaults), "id", "type", "x", "y", "z", "w", "wires", "valid", "validationErrors"];
    return JSON.parse(JSON.stringify(Object.fromEntries(keys.filter((k) => k in n).map((k) => [k, n[k]]))));
  }, id);
}

/** The first node of a type in the workspace (flow nodes, then config nodes), optionally one that an inject node feeds. */
async function nodeOf(
  page: Page,
  type: string,
  options: { fedByInject?: boolean; feedsDebug?: boolean; format?: string } = {},
): Promise<EditorNode | undefined> {
  const id = await page.evaluate(
    ({ t, fed, debug, format }) => {
      const { RED } = window as unknown as RedGlobal;
      const candidates = RED.nodes
        .filterNodes({ type: t })
        .filter((n) => !fed || RED.nodes.filterLinks({ target: n }).some((l) => l.source.type === "inject"))
        .filter((n) => !debug || RED.nodes.filterLinks({ source: n }).some((l) => l.target.type === "debug"))
        .filter((n) => !format || (n as unknown as { format?: string }).format === format);
      let found = candidates[0]?.id;
      if (!found && !fed) {
        RED.nodes.eachConfig((n) => {
          if (n.type === t && !found) found = n.id;
          return true;
        });
      }
      return found;
    },
    { t: type, fed: Boolean(options.fedByInject), debug: Boolean(options.feedsDebug), format: options.format },
  );
  return id ? snapshot(page, id) : undefined;
}

/** The top edit tray, once its slide-in transition has settled. */
async function trayOpen(page: Page): Promise<void> {
  await page.locator(".red-ui-tray").last().waitFor({ state: "visible" });
  await page.waitForFunction(() => {
    const trays = document.querySelectorAll(".red-ui-tray");
    const top = trays[trays.length - 1] as HTMLElement | undefined;
    return Boolean(top && getComputedStyle(top).right === "0px" && top.querySelector(".red-ui-tray-body"));
  });
}

/** Opens the edit dialog the way a user does: double-click on the canvas, or the config node's edit in the Configuration sidebar. */
async function openDialog(page: Page, node: EditorNode): Promise<void> {
  if (configTypes.has(node.type)) {
    await page.evaluate(({ id, type }) => (window as unknown as RedGlobal).RED.editor.editConfig("", type, id), { id: node.id, type: node.type });
  } else {
    await page.evaluate(
      ({ id, z }) => {
        const { RED } = window as unknown as RedGlobal;
        if (z) RED.workspaces.show(z);
        RED.view.reveal(id);
      },
      { id: node.id, z: node.z },
    );
    const shape = page.locator(`g[id="${node.id}"] .red-ui-flow-node`).first();
    await shape.waitFor({ state: "visible" });
    await shape.dblclick();
  }
  await trayOpen(page);
}

async function closeDialog(page: Page, button: "ok" | "cancel"): Promise<void> {
  const target = page.locator(".red-ui-tray").last().locator(`#node-dialog-${button}, #node-config-dialog-${button}`);
  const id = await target.getAttribute("id");
  await target.click();
  await page.locator(`#${id}`).waitFor({ state: "detached" });
}

/** What the open dialog shows for each of the type's defaults that has an input of its own. */
async function dialogValues(page: Page, type: string): Promise<Record<string, unknown>> {
  return page.evaluate(
    ({ t, config }) => {
      const { RED, $ } = window as unknown as RedGlobal;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(RED.nodes.getType(t)!.defaults)) {
        const sel = `#${config ? "node-config-input" : "node-input"}-${key}`;
        const el = document.querySelector(sel) as HTMLInputElement | null;
        if (!el) continue;
        if (el.type === "checkbox") out[key] = el.checked;
        else if (el.classList.contains("red-ui-typedInput")) out[key] = $(sel).typedInput("value");
        else out[key] = $(sel).val();
      }
      return out;
    },
    { t: type, config: configTypes.has(type) },
  );
}

/** Makes the open dialog's node invalid by clearing or breaking a required value, the way a user would. */
async function breakRequiredValue(page: Page, type: string): Promise<string> {
  switch (type) {
    case "tuya-config":
      await page.locator("#node-config-input-endpointMode").selectOption("custom");
      await page.locator("#node-config-input-endpoint").fill("");
      return "endpoint (custom URL cleared)";
    case "hobo-config":
      await page.locator("#node-config-input-endpoint").fill("not a url");
      return "endpoint (not a URL)";
    case "egauge-config":
      await page.locator("#node-config-input-meter").fill("not a meter");
      return "meter (neither a URL nor a device name)";
    case "hobo-data":
      await page.locator("#node-input-window").selectOption("relative");
      await page.locator("#node-input-span").fill("soon");
      return "span (not a span)";
    case "tuya-request":
      await page.locator("#node-input-path").fill("no-leading-slash");
      return "path (no leading /)";
    default: {
      // Every flow node needs its config node: choose none ("Add new ..." saves as empty).
      const key = await page.evaluate((t) => {
        const defaults = (window as unknown as RedGlobal).RED.nodes.getType(t)!.defaults;
        return Object.keys(defaults).find((k) => defaults[k]!.required && defaults[k]!.type);
      }, type);
      assert.ok(key, `${type} has no required config node property to clear; add a case to breakRequiredValue`);
      await page.locator(`#node-input-${key}`).selectOption("_ADD_");
      return `${key} (config node cleared)`;
    }
  }
}

describe("the editor in a real browser", function () {
  this.timeout(180_000);
  let stack: Stack;
  let browser: Browser;
  let skippedExamples: { file: string; missing: string[] }[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) {
      console.log(`    SKIPPED: ${chromiumPath} is not installed (apt-get install -y chromium); the browser tests did not run.`);
      this.skip();
    }
    // The demo script is ESM (plain node runs it); a CommonJS spec loads it with import().
    const { buildDemoFlows, withInlineCredentials } = await import("../../scripts/demo-flows.mjs");
    stack = await startStack();
    const built = buildDemoFlows(
      readExamples(),
      { tuya: stack.tuya.describe(), hobo: stack.hobo.describe(), egauge: stack.egauge.describe() },
      { fileDir: stack.userDir, knownTypes: await registeredTypes(stack) },
    );
    skippedExamples = built.skipped;
    await deploy(stack, withInlineCredentials(built.flows, built.credentials));
    browser = await openEditor(stack);
    browser.page.setDefaultTimeout(15_000);
  });

  afterEach(async function () {
    // A failed test may leave dialogs open; cancel them so the next test starts on the workspace.
    if (!browser) return;
    if (this.currentTest?.state === "failed") await screenshot(browser.page, `failed-${this.currentTest.title.split(":")[0]!.replace(/\W+/g, "-")}`);
    for (let i = 0; i < 5 && (await browser.page.locator("#node-dialog-cancel, #node-config-dialog-cancel").count()) > 0; i++) {
      await closeDialog(browser.page, "cancel").catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("loads without console errors and shows every node of the pack in its palette category", async () => {
    const { page, consoleErrors } = browser;
    assert.deepEqual(consoleErrors, [], "console errors while loading the editor");
    for (const type of packTypes) {
      const category = await page.evaluate((t) => (window as unknown as RedGlobal).RED.nodes.getType(t)?.category, type);
      assert.ok(category, `${type} is not registered in the editor (see the Node-RED log:\n${stack.log.join("\n")})`);
      if (configTypes.has(type)) {
        assert.equal(category, "config", `${type} should be a config node`);
        continue;
      }
      assert.equal(category, "bestlab", `${type} should be in the bestlab category`);
      const entry = page.locator(`#red-ui-palette-container-bestlab .red-ui-palette-node[data-palette-type="${type}"]`);
      await entry.waitFor({ state: "visible" });
      const label = (await entry.locator(".red-ui-palette-label").textContent())?.trim();
      assert.ok(label, `${type} has no palette label`);
    }
    // The README's picture: the bestlab palette category in view, on a tab that uses both clouds if there is one.
    await page.evaluate(() => {
      const { RED } = window as unknown as RedGlobal;
      // (no named helpers in here: the bundler would wrap them in a __name() the page does not have)
      const tuya = new Set(RED.nodes.filterNodes({ type: "tuya-command" }).map((n) => n.z));
      const both = RED.nodes
        .filterNodes({ type: "hobo-data" })
        .map((n) => n.z)
        .find((z) => tuya.has(z));
      if (both) RED.workspaces.show(both);
    });
    // Fold the core categories so the bestlab one shows.
    await page.locator("#red-ui-palette .red-ui-component-footer button:has(i.fa-angle-double-up)").click();
    const bestlab = page.locator("#red-ui-palette-base-category-bestlab");
    await bestlab.waitFor({ state: "hidden" });
    const settled = () => !(window as unknown as RedGlobal).$(":animated").length; // no jQuery slide running
    await page.waitForFunction(settled);
    await page.locator("#red-ui-palette-header-bestlab").click();
    await bestlab.waitFor({ state: "visible" });
    await page.waitForFunction(settled);
    await screenshot(page, "workspace");
    if (skippedExamples.length) console.log(`    note: examples left out of the workspace (unknown types): ${JSON.stringify(skippedExamples)}`);
  });

  for (const type of packTypes) {
    it(`${type}: help, a clean dialog that shows the values, marks a missing value invalid, and round-trips`, async () => {
      const { page, consoleErrors } = browser;
      const before = consoleErrors.length;
      const help = await page.evaluate((t) => (window as unknown as RedGlobal).RED.nodes.getNodeHelp(t) ?? "", type);
      assert.match(help, /<h3>/, `${type} has no help text (nodes/locales/en-US/${type}.html)`);
      let node = (await nodeOf(page, type))!;
      assert.ok(node, `the demo workspace has no ${type} node to edit (does an example use it?)`);

      // Opens cleanly and shows the node's values.
      await openDialog(page, node);
      node = await snapshot(page, node.id); // now drawn: with its width
      const shown = await dialogValues(page, type);
      assert.ok(Object.keys(shown).length > 0, `${type}'s dialog has no inputs for its properties`);
      for (const [key, value] of Object.entries(shown)) {
        const stored = node[key];
        if (typeof stored === "boolean") assert.equal(value, stored, `${type}: the dialog shows ${key}=${String(value)}, the node has ${String(stored)}`);
        else if (stored !== undefined && typeof stored !== "object")
          assert.equal(String(value ?? ""), String(stored), `${type}: the dialog shows ${key}="${String(value)}", the node has "${String(stored)}"`);
      }
      // Its help, in the Help sidebar from the tray's book button.
      await page.locator(".red-ui-tray").last().locator(".red-ui-tray-footer-left button:has(i.fa-book)").click();
      const firstHelpWords = help
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim()
        .slice(0, 40);
      await waitFor(
        () =>
          page.evaluate(
            (w) => [...document.querySelectorAll(".red-ui-help")].some((e) => (e.textContent ?? "").replace(/\s+/g, " ").includes(w)),
            firstHelpWords,
          ),
        () => `the Help sidebar to show ${type}'s help ("${firstHelpWords}")`,
      );
      await screenshot(page, `dialog-${type}`);

      // Save with a new name: every other value stays as it was.
      const nameInput = page.locator(configTypes.has(type) ? "#node-config-input-name" : "#node-input-name");
      assert.equal(await nameInput.count(), 1, `${type}'s dialog has no name input`);
      await nameInput.fill("E2E renamed");
      await closeDialog(page, "ok");
      const saved = await snapshot(page, node.id);
      assert.equal(saved.name, "E2E renamed");
      for (const [key, value] of Object.entries(node)) {
        if (EDITOR_KEYS.has(key) || key === "name") continue;
        if (key === "x" && typeof node.w === "number" && typeof saved.w === "number") {
          // A longer label widens the node; the editor keeps its left edge where it was.
          assert.equal(saved.x! - saved.w / 2, node.x! - node.w / 2, `${type}'s left edge moved after save`);
          continue;
        }
        assert.deepEqual(saved[key], value, `${type}.${key} changed after save without edits`);
      }
      assert.equal(saved.valid, true, `${type} is invalid after a save without edits: ${JSON.stringify(saved.validationErrors)}`);

      // Reopen: the dialog shows the saved values.
      await openDialog(page, saved);
      assert.deepEqual(await dialogValues(page, type), { ...shown, name: "E2E renamed" }, `${type}'s dialog does not show the saved values`);

      // Clear a required value: saved, but marked invalid (on the canvas too); undo restores it.
      const what = await breakRequiredValue(page, type);
      await closeDialog(page, "ok");
      const broken = await snapshot(page, node.id);
      assert.equal(broken.valid, false, `${type} stays valid with ${what}`);
      if (!configTypes.has(type)) await page.locator(`g[id="${node.id}"] .red-ui-flow-node-error:not(.hide)`).waitFor({ state: "visible" });
      await screenshot(page, `invalid-${type}`);
      await page.evaluate(() => (window as unknown as RedGlobal).RED.history.pop());
      const restored = await snapshot(page, node.id);
      assert.equal(restored.valid, true, `${type} is still invalid after undo`);
      assert.equal(restored.name, "E2E renamed");
      // Undo the rename too, so later screenshots show the workspace as shipped.
      await page.evaluate(() => (window as unknown as RedGlobal).RED.history.pop());
      // The label's width is measured again on a later redraw, so geometry is compared by the left edge.
      const undone = await snapshot(page, node.id);
      const { x: ux, w: uw, ...undoneRest } = undone;
      const { x: nx, w: nw, ...nodeRest } = node;
      assert.deepEqual(undoneRest, nodeRest, `${type} is not as it was after undoing the edits`);
      if (typeof uw === "number" && typeof nw === "number") assert.equal(ux! - uw / 2, nx! - nw / 2, `${type}'s left edge moved after undo`);

      assert.deepEqual(consoleErrors.slice(before), [], `console errors while editing ${type}`);
    });
  }

  it("in a German browser the dialogs and the help sidebar are German (tuya-status, hobo-data)", async () => {
    const german = await openEditor(stack, { locale: "de-DE" });
    try {
      const { page } = german;
      page.setDefaultTimeout(15_000);
      const cases = [
        { type: "tuya-status", label: "node-input-devices", text: "Geräte", help: "Liest die aktuellen Datenpunkte (Status)" },
        { type: "hobo-data", label: "node-input-loggersFrom", text: "Logger", help: "Liest Messwerte von HOBO-Loggern" },
      ];
      for (const c of cases) {
        const node = await nodeOf(page, c.type);
        assert.ok(node, `the demo workspace has no ${c.type} node`);
        await openDialog(page, node);
        const label = (await page.locator(`label[for="${c.label}"]`).first().textContent())?.trim();
        assert.equal(label, c.text, `${c.type}'s dialog label in German`);
        const window = c.type === "hobo-data" ? await page.locator('#node-input-window option[value="incremental"]').textContent() : undefined;
        if (window !== undefined) assert.equal(window?.trim(), "seit der letzten erfolgreichen Abfrage");
        await page.locator(".red-ui-tray").last().locator(".red-ui-tray-footer-left button:has(i.fa-book)").click();
        await waitFor(
          () =>
            page.evaluate((w) => [...document.querySelectorAll(".red-ui-help")].some((e) => (e.textContent ?? "").replace(/\s+/g, " ").includes(w)), c.help),
          () => `the Help sidebar to show ${c.type}'s German help ("${c.help}")`,
        );
        await screenshot(page, `dialog-de-${c.type}`);
        await closeDialog(page, "cancel");
      }
    } finally {
      await german.close();
    }
  });

  it("makes a new tuya-config in the dialog: test connection fails with the error for a wrong secret and succeeds against the emulator; the device picker lists the emulator's devices", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    const info = stack.tuya.describe();
    const user = await nodeOf(page, "tuya-status");
    assert.ok(user, "the demo workspace has no tuya-status node");
    await openDialog(page, user);
    await page.locator("#node-input-btn-tuya-add").click();
    await trayOpen(page);
    await page.locator("#node-config-input-name").fill("E2E Tuya");
    await page.locator("#node-config-input-endpointMode").selectOption("custom");
    await page.locator("#node-config-input-endpoint").fill(info.url);
    await page.locator("#node-config-input-accessId").fill(info.accessId);
    await page.locator("#node-config-input-accessSecret").fill("not-the-secret");
    // The data centers are the runtime's table, served by the admin route.
    const regionOptions = page.locator("#node-config-input-region option");
    await waitFor(
      async () => (await regionOptions.count()) === tuyaRegionList().length,
      async () => `the runtime's ${tuyaRegionList().length} data centers in the region list; it has ${await regionOptions.count()}`,
    );
    assert.deepEqual(
      await regionOptions.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
      tuyaRegionList().map((r) => r.code),
    );
    const result = page.locator("#node-config-tuya-test-result");
    await page.locator("#node-config-tuya-test").click();
    const failure = await testResult(page, "#node-config-tuya-test-result", "fail");
    assert.match(failure, /1004|sign/i, `a wrong secret should be reported as Tuya's sign error, got "${failure}"`);
    assert.ok(!failure.includes("not-the-secret"), "the error text repeats the secret");
    await screenshot(page, "tuya-config-test-failed");
    // The browser logs the route's 400 answer to the failed test as a console error: that one is expected.
    const expected = consoleErrors.splice(before).filter((e) => !/status of 400 .*\/tuya-config\/test\)$/.test(e));
    assert.deepEqual(expected, [], "console errors in the tuya-config dialog before the failed test's answer");

    await page.locator("#node-config-input-accessSecret").fill(info.accessSecret);
    await page.locator("#node-config-tuya-test").click();
    await testResult(page, "#node-config-tuya-test-result", "ok");
    assert.match((await result.textContent()) ?? "", new RegExp(`${info.devices.length} devices`));
    await screenshot(page, "tuya-config-test-ok");
    await closeDialog(page, "ok");

    // Back in the tuya-status dialog, the new config is chosen; its device picker (before any deploy) lists the devices.
    const chosen = await page.locator("#node-input-tuya").inputValue();
    const created = await page.evaluate((id) => (window as unknown as RedGlobal).RED.nodes.node(id)?.name, chosen);
    assert.equal(created, "E2E Tuya", "the new tuya-config is not the one chosen");
    await pickDevices(page, "device-picker-new-config");
    await closeDialog(page, "cancel");
    assert.deepEqual(consoleErrors.slice(before), [], "console errors in the tuya-config dialog");
  });

  it("the device picker of a deployed tuya-config lists the emulator's devices and fills the devices input", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    const user = await nodeOf(page, "tuya-status");
    assert.ok(user, "the demo workspace has no tuya-status node");
    await openDialog(page, user);
    await pickDevices(page, "device-picker");
    await closeDialog(page, "cancel");
    assert.deepEqual(consoleErrors.slice(before), [], "console errors in the device picker");
  });

  /** Presses "Pick devices" in the open dialog, checks the list against the emulator's devices, and picks the first. */
  async function pickDevices(page: Page, shot: string): Promise<void> {
    const info = stack.tuya.describe();
    await page.locator("#node-input-tuya-pick").click();
    const options = page.locator("#node-input-tuya-picklist option");
    await waitFor(
      async () => (await options.count()) === info.devices.length,
      async () => `${info.devices.length} devices in the picker; it says "${await page.locator("#node-input-tuya-pickstatus").textContent()}"`,
    );
    const texts = await options.allTextContents();
    for (const d of info.devices)
      assert.ok(
        texts.some((t) => t.includes(d.name)),
        `the picker does not list ${d.name}`,
      );
    await page.locator("#node-input-tuya-picklist").selectOption(info.devices[0]!.id);
    const devices = await page.evaluate(() => (window as unknown as RedGlobal).$("#node-input-devices").typedInput("value"));
    assert.match(String(devices), new RegExp(info.devices[0]!.id), "picking a device does not fill the devices input");
    await screenshot(page, shot);
  }

  /** Waits for a test-connection result ("ok" or "fail") and checks what the user sees: Node-RED's colour, the state's icon, a text. */
  async function testResult(page: Page, selector: string, state: "ok" | "fail"): Promise<string> {
    const result = page.locator(selector);
    await waitFor(
      async () => /bestlab-test-(ok|fail)/.test((await result.getAttribute("class")) ?? ""),
      async () => `the test result in ${selector}; it shows "${await result.textContent()}"`,
    );
    const shown = await result.evaluate((el) => ({
      cls: el.className,
      icon: el.querySelector("i.fa")?.className ?? "",
      color: getComputedStyle(el).color,
      expected: getComputedStyle(document.documentElement)
        .getPropertyValue(el.classList.contains("bestlab-test-ok") ? "--red-ui-text-color-success" : "--red-ui-text-color-error")
        .trim(),
      text: el.textContent?.trim() ?? "",
    }));
    assert.ok(
      shown.cls.includes(`bestlab-test-${state}`),
      `${selector}: expected the test to ${state === "ok" ? "succeed" : "fail"}; it shows "${shown.text}"`,
    );
    assert.match(shown.icon, state === "ok" ? /fa-check/ : /fa-exclamation-triangle/, `${selector} shows no ${state} icon`);
    // The colour is the theme's own success or error colour.
    const probe = await page.evaluate((c) => {
      const el = document.createElement("span");
      el.style.color = c;
      document.body.appendChild(el);
      const rgb = getComputedStyle(el).color;
      el.remove();
      return rgb;
    }, shown.expected);
    assert.equal(shown.color, probe, `${selector} is not drawn in the theme's ${state} colour`);
    assert.ok(shown.text, `${selector} shows no text`);
    return shown.text;
  }

  /** The text of a key in a node set's English catalog. */
  function english(set: string, path: string): string {
    let at: unknown = JSON.parse(readFileSync(join(root, `nodes/locales/en-US/${set}.json`), "utf8"));
    for (const part of path.split(".")) at = (at as Record<string, unknown>)[part];
    return String(at);
  }

  it("hobo-config's test connection succeeds against the emulator", async () => {
    const { page } = browser;
    const node = await nodeOf(page, "hobo-config");
    assert.ok(node);
    await openDialog(page, node);
    await page.locator("#node-config-hobo-test").click();
    assert.equal(
      await testResult(page, "#node-config-hobo-test-result", "ok"),
      english("hobo-config", "hobo-config.status.ok"),
      "HOBOlink test connection failed",
    );
    await screenshot(page, "hobo-config-test-ok");
    await closeDialog(page, "cancel");
  });

  it("egauge-config's test connection succeeds against the emulator, and fails with the meter's error for a wrong password", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    const node = await nodeOf(page, "egauge-config");
    assert.ok(node, "the demo workspace has no egauge-config");
    await openDialog(page, node);
    await page.locator("#node-config-egauge-test").click();
    const ok = await testResult(page, "#node-config-egauge-test-result", "ok");
    assert.match(ok, new RegExp(english("egauge-config", "egauge-config.status.ok").split("__")[0]!), "eGauge test connection failed");
    await screenshot(page, "egauge-config-test-ok");
    await page.locator("#node-config-input-password").fill("not-the-password");
    await page.locator("#node-config-egauge-test").click();
    const failure = await testResult(page, "#node-config-egauge-test-result", "fail");
    assert.ok(!failure.includes("not-the-password"), "the error text repeats the password");
    await closeDialog(page, "cancel");
    const expected = consoleErrors.splice(before).filter((e) => !/status of 400 .*\/egauge-config\/test\)$/.test(e));
    assert.deepEqual(expected, [], "console errors in the egauge-config dialog");
  });

  it("a span the runtime cannot read is refused in the history dialogs with the runtime's own message", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    // What the runtime's done(err) says for it (nodes/shared/window.ts reads the span with this parser).
    const runtimeText = (() => {
      try {
        parseTime("soon", { name: "span" });
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error("the runtime accepts the span 'soon'");
    })();
    for (const type of ["hobo-data", "tuya-log"]) {
      const node = await nodeOf(page, type);
      assert.ok(node, `the demo workspace has no ${type}`);
      await openDialog(page, node);
      await page.locator("#node-input-window").selectOption("relative");
      const span = page.locator("#node-input-span");
      await span.fill("soon");
      await span.blur();
      await waitFor(
        async () => ((await span.getAttribute("class")) ?? "").includes("input-error"),
        () => `${type}'s span input to be marked invalid`,
      );
      await span.hover();
      const tip = page.locator(".red-ui-popover").filter({ hasText: "soon" });
      await tip.first().waitFor({ state: "visible" });
      assert.equal((await tip.first().textContent())?.trim(), runtimeText, `${type}: the dialog's tooltip is not the runtime's message`);
      await screenshot(page, `span-refused-${type}`);
      // A span the runtime reads (now-2h is one the old dialog check refused) is accepted.
      await span.fill("now-2h");
      await span.blur();
      await waitFor(
        async () => !((await span.getAttribute("class")) ?? "").includes("input-error"),
        () => `${type}'s span "now-2h" to be accepted`,
      );
      await closeDialog(page, "cancel");
    }
    assert.deepEqual(consoleErrors.slice(before), [], "console errors in the history dialogs");
  });

  it("hobo-data's Max rows shows the limit an empty field means: 100,000 all at once, 10,000 per window", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    const node = await nodeOf(page, "hobo-data");
    assert.ok(node, "the demo workspace has no hobo-data");
    await openDialog(page, node);
    const output = page.locator("#node-input-output");
    const maxRows = page.locator("#node-input-maxRows");
    const shown: Record<string, string | null> = {};
    for (const mode of ["window", "all", "window"]) {
      await output.selectOption(mode);
      shown[mode] = await maxRows.getAttribute("placeholder");
    }
    assert.deepEqual(shown, { window: "10000", all: "100000" });
    await screenshot(page, "hobo-data-max-rows-per-window");
    await closeDialog(page, "cancel");
    assert.deepEqual(consoleErrors.slice(before), [], "console errors in the hobo-data dialog");
  });

  it("after Deploy, pressing an inject turns the node green and the Debug sidebar shows the readings", async () => {
    const { page, consoleErrors } = browser;
    const before = consoleErrors.length;
    // Deploy the edits made above (the default full deploy); with nothing changed, Deploy's "Restart Flows".
    if (await page.evaluate(() => (window as unknown as RedGlobal).RED.nodes.dirty())) {
      await page.locator("#red-ui-header-button-deploy").click();
      const confirm = page.locator("#red-ui-deploy-dialog-confirm-deploy-deploy");
      await page
        .locator(".red-ui-notification:has-text('Successfully deployed'), #red-ui-deploy-dialog-confirm-deploy-deploy")
        .first()
        .waitFor({ state: "visible" });
      if (await confirm.isVisible()) await confirm.click();
      await page.locator(".red-ui-notification:has-text('Successfully deployed')").first().waitFor({ state: "visible" });
    } else {
      await page.locator("#red-ui-header-button-deploy-options").click();
      await page.locator("#deploymenu-item-reload").click();
      await page.locator(".red-ui-notification:has-text('restarted')").first().waitFor({ state: "visible" });
    }
    await page.evaluate(() => (window as unknown as RedGlobal).RED.sidebar.show("debug"));

    // What the demo's debug nodes show: tuya-status records (device, sensor, value), hobo-data's batch size (payload.length).
    const readings: Record<string, RegExp> = { "tuya-status": /sensor.*value|value.*sensor/, "hobo-data": /payload\.length : number ?[1-9]\d*/ };
    for (const type of ["tuya-status", "hobo-data"]) {
      // Not every such node feeds a debug node (the Dashboard example's feeds a chart), and a Tuya
      // one must send records (the InfluxDB example's sends points): take one that does both.
      const format = type === "tuya-status" ? "records" : undefined;
      const node = await nodeOf(page, type, { fedByInject: true, feedsDebug: true, format });
      assert.ok(node, `the workspace has no ${type} that an inject feeds and that feeds a debug node${format ? ` with ${format}` : ""}`);
      const injectId = await page.evaluate((id) => {
        const { RED } = window as unknown as RedGlobal;
        return RED.nodes.filterLinks({ target: RED.nodes.node(id)! }).find((l) => l.source.type === "inject")?.source.id;
      }, node.id);
      assert.ok(injectId, `no inject feeds the ${type} node`);
      // The debug node this node feeds, and its messages in the sidebar (the header names the node).
      const debugName = await page.evaluate((id) => {
        const { RED } = window as unknown as RedGlobal;
        const target = RED.nodes.filterLinks({ source: RED.nodes.node(id)! }).find((l) => l.target.type === "debug")?.target;
        return target ? String(target.name || target.id) : undefined;
      }, node.id);
      assert.ok(debugName, `no debug node is wired to the ${type} node`);
      const messages = page.locator(".red-ui-debug-msg").filter({ has: page.locator(".red-ui-debug-msg-name", { hasText: debugName }) });
      const debugBefore = await messages.count();
      await page.evaluate(
        ({ id, z }) => {
          const { RED } = window as unknown as RedGlobal;
          if (z) RED.workspaces.show(z);
          RED.view.reveal(id);
        },
        { id: injectId, z: node.z },
      );
      await page.locator(`g[id="${injectId}"] .red-ui-flow-node-button`).click();
      await page.locator(`g[id="${node.id}"] .red-ui-flow-node-status-dot-green`).waitFor({ state: "visible" });
      const status = await page.locator(`g[id="${node.id}"] .red-ui-flow-node-status-label`).textContent();
      assert.ok(status?.trim(), `${type} shows a green dot without text`);
      await waitFor(
        async () => (await messages.count()) > debugBefore,
        () => `a message from debug node "${debugName}" after the ${type} inject`,
      );
      const message = messages.nth(debugBefore);
      // Open the message, and its first element: the readings themselves.
      for (let level = 0; level < 2; level++) {
        const handle = message.locator(".red-ui-debug-msg-element.collapsed .red-ui-debug-msg-object-handle").first();
        if (await handle.count()) await handle.click();
      }
      const text = ((await message.textContent()) ?? "").replace(/\s+/g, " ");
      assert.match(text, readings[type] ?? /\S/, `the Debug sidebar does not show ${type}'s readings: "${text}"`);
      for (const close of await page.locator(".red-ui-notification button:has-text('Close')").all()) await close.click().catch(() => undefined);
      await page
        .locator(".red-ui-notification")
        .first()
        .waitFor({ state: "hidden" })
        .catch(() => undefined);
      await screenshot(page, `deployed-${type}`);
    }
    assert.deepEqual(consoleErrors.slice(before), [], "console errors after deploy");
  });
});
