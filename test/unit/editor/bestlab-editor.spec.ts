// The pure helpers of the shared editor code (resources/bestlab-editor.js), run in Node as the
// dialogs run them: catalog keys qualified as the runtime qualifies them, refusal texts, the
// window check per input, codes and device ids, and the data centers the region route serves.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { qualified as runtimeQualified } from "../../../nodes/shared/i18n";
import { resolveTuyaEndpoint, TUYA_REGIONS, tuyaRegionList } from "../../../src/tuya";
import { InputError } from "../../../src/core";

interface Problem {
  key: string;
  params: Record<string, string>;
  message?: string;
  field?: string;
}
interface Editor {
  qualified(key: string): string;
  problemText(p: Problem | null, translate?: (k: string, p?: unknown) => string, lang?: string): string;
  typedValue(type: string | undefined, value: unknown): { value?: unknown; later?: boolean };
  windowProblem(node: Record<string, unknown>, field: string, value: unknown, defaultSpan: string, now?: number): Problem | null;
  codesProblem(type: string | undefined, value: unknown): Problem | null;
  devicesProblem(type: string | undefined, value: unknown): Problem | null;
  isRegion(value: unknown): boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the UMD file as Node loads it
const editor = require("../../../resources/bestlab-editor.js") as Editor;
const NOW = Date.UTC(2026, 5, 15, 12);

describe("resources/bestlab-editor.js (the dialogs' shared helpers)", () => {
  it("qualifies catalog keys as the runtime does (node keys in their set, common and library keys in tuya-config's)", () => {
    for (const key of ["hobo-data.label.span", "tuya-config.picker.noConfig", "common.errors.noStart", "common.editor.testing", "egauge-config.status.ok"]) {
      assert.equal(editor.qualified(key), runtimeQualified(key), key);
    }
    assert.equal(editor.qualified("time.unreadable"), runtimeQualified("common.lib.time.unreadable"));
  });

  it("says a refusal as the runtime does: the library's English text in English, the catalog's otherwise", () => {
    const p: Problem = { key: "time.unreadable", params: { input: '"soon"', name: "span" }, message: "English text" };
    assert.equal(
      editor.problemText(p, () => "translated", "en-US"),
      "English text",
    );
    assert.equal(
      editor.problemText(p, (k) => `de:${k}`, "de"),
      "de:@bestlab/node-red-platform/tuya-config:common.lib.time.unreadable",
    );
    // No catalog text (the key comes back): the English text rather than a key.
    assert.equal(
      editor.problemText(p, (k) => k, "de"),
      "English text",
    );
    assert.equal(
      editor.problemText({ key: "common.errors.noStart", params: {} }, (k) => `text of ${k}`, "en-US"),
      "text of @bestlab/node-red-platform/tuya-config:common.errors.noStart",
    );
    assert.equal(editor.problemText(null), "");
  });

  it("reads typed inputs as the runtime evaluates them: text as given, numbers as numbers, empty as not given, others later", () => {
    assert.deepEqual(editor.typedValue("str", "-1h"), { value: "-1h" });
    assert.deepEqual(editor.typedValue(undefined, "now"), { value: "now" });
    assert.deepEqual(editor.typedValue("num", "1750000000"), { value: 1750000000 });
    assert.deepEqual(editor.typedValue("str", ""), { value: undefined });
    assert.deepEqual(editor.typedValue("msg", "start"), { later: true });
    assert.deepEqual(editor.typedValue("env", "START"), { later: true });
  });

  describe("windowProblem: the runtime's window reading, per input", () => {
    const relative = { window: "relative", end: "now", endType: "str" };
    it("a span: the runtime's spans pass (now-2h, -1.5d, an ISO date), others are refused with the field and text", () => {
      for (const span of ["-1h", "now-2h", " -30m ", "-1.5d", "2026-06-01", "1750000000"])
        assert.equal(editor.windowProblem(relative, "span", span, "-1h", NOW), null, span);
      const p = editor.windowProblem(relative, "span", "soon", "-1h", NOW)!;
      assert.deepEqual([p.field, p.key, p.params.name], ["span", "time.unreadable", "span"]);
      assert.match(p.message!, /^Cannot read "soon" as a span time/);
      assert.equal(editor.windowProblem(relative, "span", "+1h", "-1h", NOW)?.key, "time.reversed");
      // Empty means the node's default span, as at run time.
      assert.equal(editor.windowProblem(relative, "span", "", "-1h", NOW), null);
    });
    it("a problem of another input is not this input's", () => {
      assert.equal(editor.windowProblem({ ...relative, span: "soon" }, "end", "now", "-1h", NOW), null);
      assert.equal(editor.windowProblem({ ...relative, end: "soon" }, "end", "soon", "-1h", NOW)?.field, "end");
    });
    it("absolute: a start is required and read; a reversed window is the end's problem; message-typed inputs are not judged", () => {
      const absolute = { window: "absolute", startType: "str", endType: "str", end: "now" };
      assert.equal(editor.windowProblem(absolute, "start", "", "-1h", NOW)?.key, "common.errors.noStart");
      assert.equal(editor.windowProblem(absolute, "start", "2026-02-30", "-1h", NOW)?.key, "time.unreadable");
      assert.equal(editor.windowProblem(absolute, "start", "2026-06-01 00:00:00", "-1h", NOW), null);
      assert.equal(editor.windowProblem({ ...absolute, start: "-1h" }, "end", "-2h", "-1h", NOW)?.key, "time.reversed");
      assert.equal(editor.windowProblem({ ...absolute, startType: "msg" }, "start", "start", "-1h", NOW), null);
      assert.equal(editor.windowProblem({ ...absolute, start: "-1h", endType: "flow" }, "end", "end", "-1h", NOW), null);
    });
    it("incremental: the look-back is read like a span", () => {
      const incremental = { window: "incremental", end: "now", endType: "str" };
      assert.equal(editor.windowProblem(incremental, "lookback", "-7d", "-1h", NOW), null);
      assert.equal(editor.windowProblem(incremental, "lookback", "a week", "-1h", NOW)?.params.name, "look-back");
    });
  });

  it("codes: text and JSON typed inputs checked by the shared rule, other types left to run time", () => {
    assert.equal(editor.codesProblem("str", "pir, va_temperature"), null);
    assert.equal(editor.codesProblem("str", ""), null);
    assert.equal(editor.codesProblem("str", "pir, va temp")?.params.code, '"va temp"');
    assert.equal(editor.codesProblem("json", '["switch_1", 5]')?.params.code, "5");
    assert.equal(editor.codesProblem("json", '"pir"'), null);
    assert.equal(editor.codesProblem("json", "[oops")?.key, "common.editor.badJson");
    assert.equal(editor.codesProblem("msg", "codes"), null);
  });

  it("device ids: a text list is checked id by id; JSON and message inputs are left to run time", () => {
    assert.equal(editor.devicesProblem("str", "bf0123456789abcdef01, vdevo123"), null);
    assert.deepEqual(editor.devicesProblem("str", "bf0123456789abcdef01, a b"), { key: "common.devices.badId", params: { label: "devices", value: '"a b"' } });
    assert.equal(editor.devicesProblem("str", '{"lamp": "bf01"}'), null);
    assert.equal(editor.devicesProblem("msg", "devices"), null);
  });

  it("works whichever of rules.js and bestlab-editor.js the editor runs first (Node-RED loads a set's script files in no set order)", () => {
    const context = vm.createContext({});
    for (const file of ["bestlab-editor.js", "rules.js"]) vm.runInContext(readFileSync(join(__dirname, "../../../resources", file), "utf8"), context);
    const browserEditor = context.BestlabEditor as Editor;
    assert.equal(browserEditor.codesProblem("str", "a b")?.key, "tuya-log.errors.badCode");
    assert.equal(browserEditor.windowProblem({ window: "relative" }, "span", "soon", "-1h", NOW)?.key, "time.unreadable");
  });

  it("data centers: the region route's list holds every code of the runtime's table once, each resolving to its URL", () => {
    const list = tuyaRegionList();
    assert.deepEqual(
      list.map((r) => r.code),
      ["cn", "us", "us-e", "eu", "eu-w", "in", "sg"],
    );
    const named = list.flatMap((r) => [r.code, ...r.aliases]).sort();
    assert.deepEqual(named, Object.keys(TUYA_REGIONS).sort());
    for (const r of list) for (const code of [r.code, ...r.aliases]) assert.equal(resolveTuyaEndpoint(code), r.url);
    assert.throws(() => resolveTuyaEndpoint("xx"), InputError);
    // Before the list has come, the dialog accepts any code-like value (the runtime judges it on deploy).
    assert.equal(editor.isRegion("eu"), true);
    assert.equal(editor.isRegion(""), false);
  });
});
