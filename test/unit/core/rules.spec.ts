// One definition per input rule: the dialog (its own validate functions, run here with
// resources/rules.js and resources/bestlab-editor.js loaded as the browser loads them), the
// message path (the node code that reads a message: nodes/shared/window.ts for windows, the
// node's code reader for codes) and the library give the same verdict, and the same text, for
// the same input: logger serials, windows (span, start, end), data-point and command codes.
import assert from "node:assert/strict";
import fc from "fast-check";
import sinon from "sinon";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { util as redUtil } from "@node-red/util";
import { InputError, parseTime, parseWindow, rules } from "../../../src/core";
import { normalizeLoggers } from "../../../src/hobo";
import { normalizeCommands, parseLogCodes, TuyaDevices, type TuyaOpenApi } from "../../../src/tuya";
import { readWindow, windowMode, type WindowDef } from "../../../nodes/shared/window";
import { englishText } from "../../../nodes/shared/i18n";
import { loadDialog, verdict } from "../editor/load-dialog";

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;

/** The outcome of a path: accepted, or refused with the message a user reads. */
type Outcome = { ok: true } | { ok: false; text: string };

function accepted(fn: () => unknown): Outcome {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return { ok: false, text: err.message };
  }
}

async function acceptedAsync(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return { ok: false, text: err.message };
  }
}

function fromDialog(v: true | string | false): Outcome {
  return v === true ? { ok: true } : { ok: false, text: typeof v === "string" ? v : "(no text)" };
}

/** RED as the message path uses it: Node-RED's own typed-input evaluation. */
const RED = { util: redUtil } as unknown as NodeAPI;
const node = {} as Node;

/** The window a history node reads for a message, through nodes/shared/window.ts. */
function messagePath(def: WindowDef, msg: Record<string, unknown>, defaultSpan: string): Promise<Outcome> {
  return acceptedAsync(() => readWindow(RED, node, msg as NodeMessage, def, windowMode(def), defaultSpan));
}

// Time texts people type: spans (good, reversed, malformed), dates, timestamps, and noise.
const timeText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("-", "+", "", "now-", "now -", " -", "--"),
      fc.integer({ min: 0, max: 400 }),
      fc.constantFrom("s", "m", "h", "d", "w", "H", "y", "", "x"),
    )
    .map(([s, n, u]) => `${s}${n}${u}`),
  fc.integer({ min: -2000, max: 2000 }).map((d) => new Date(NOW + d * HOUR).toISOString()),
  fc.constantFrom(
    "2026-02-29",
    "2024-02-29 12:00:00",
    "2026-06-15T11:00:00+02:00",
    "2026-13-01",
    "2026-06-15 25:00:00",
    "now",
    "yesterday",
    "1750000000",
    "1750000000000",
    "17500000000",
    "soon",
    " -1h ",
    "-1.5d",
    "0",
    "1e3",
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);

describe("input rules: one definition for dialog, message path and library", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: NOW, toFake: ["Date"] });
  });
  afterEach(() => clock.restore());

  describe("logger serials", () => {
    const hoboData = loadDialog("hobo-data");
    const dialog = (serial: string) => verdict(hoboData, "loggers", { loggersFromType: "list" }, [{ serial }]) === true;
    const library = (serial: string) => accepted(() => normalizeLoggers([serial])).ok;
    const serialLike = fc.oneof(
      fc.stringMatching(/^\d{1,12}$/),
      fc.stringMatching(/^ ?[0-9a-z._-]{0,11} ?$/),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("abc", "21092695", " 21092695 ", "123456", "12345", "12345678901", "2109269a", "0000000", "２１０９２６９５"),
    );

    it("the same verdict everywhere (property, 1,000 inputs)", () => {
      fc.assert(
        fc.property(serialLike, (serial) => {
          fc.pre(serial.trim() !== "" && !serial.includes(","));
          const rule = rules.isHoboSerial(serial);
          assert.equal(dialog(serial), rule, `dialog vs rule for ${JSON.stringify(serial)}`);
          assert.equal(library(serial), rule, `library vs rule for ${JSON.stringify(serial)}`);
        }),
        { numRuns: 1000 },
      );
    });

    it("refuses 'abc' and accepts 6-10 digits", () => {
      assert.equal(rules.isHoboSerial("abc"), false);
      assert.equal(library("abc"), false);
      assert.equal(dialog("abc"), false);
      for (const ok of ["123456", "21092695", "1234567890"]) assert.equal(library(ok) && dialog(ok), true, ok);
    });
  });

  describe("windows", () => {
    // Every history dialog: hobo-data, tuya-log and egauge-data (in history mode), with its default span.
    const dialogs = [
      { type: "hobo-data", extra: {}, span: "-1h" },
      { type: "tuya-log", extra: {}, span: "-24h" },
      { type: "egauge-data", extra: { mode: "history" }, span: "-1h" },
    ].map((d) => ({ ...d, def: loadDialog(d.type) }));

    it("a relative span: the same verdict and text in each dialog and the message path, the same verdict in the library (property, 500 inputs)", async () => {
      await fc.assert(
        fc.asyncProperty(timeText, async (span) => {
          const library = accepted(() => parseWindow(span, "now", Date.now()));
          for (const d of dialogs) {
            const def = { window: "relative", span, end: "now", endType: "str" };
            const shown = fromDialog(verdict(d.def, "span", { ...d.extra, ...def }, span));
            const runtime = await messagePath(def, {}, d.span);
            assert.deepEqual(shown, runtime, `${d.type}: dialog vs message path for span ${JSON.stringify(span)}`);
            // The library has no "span": it reads the same text as a relative start.
            assert.equal(runtime.ok, library.ok, `${d.type}: message path vs library for span ${JSON.stringify(span)}`);
          }
        }),
        { numRuns: 500 },
      );
    });

    it("an absolute start and end: the same verdict and text in each dialog, the message path (msg.start, msg.end) and the library (property, 500 inputs)", async () => {
      await fc.assert(
        fc.asyncProperty(timeText, timeText, async (start, end) => {
          const library = accepted(() => parseWindow(start, end, Date.now()));
          const runtime = await messagePath({ window: "absolute", start: "start", startType: "msg", end: "end", endType: "msg" }, { start, end }, "-1h");
          assert.deepEqual(runtime, library, `message path vs library for ${JSON.stringify([start, end])}`);
          for (const d of dialogs) {
            const values = { ...d.extra, window: "absolute", start, startType: "str", end, endType: "str" };
            // The dialog marks the input at fault: the start when it is unreadable, else the end.
            const startVerdict = verdict(d.def, "start", values, start);
            const shown = fromDialog(startVerdict !== true ? startVerdict : verdict(d.def, "end", values, end));
            assert.deepEqual(shown, library, `${d.type}: dialog vs library for ${JSON.stringify([start, end])}`);
          }
        }),
        { numRuns: 500 },
      );
    });

    it("the runtime's English text in an English editor, the catalog's in a German one", () => {
      const refused = accepted(() => parseTime("soon", { name: "span" }));
      assert.equal(refused.ok, false);
      const en = loadDialog("hobo-data");
      assert.equal(verdict(en, "span", { window: "relative" }, "soon"), (refused as { text: string }).text);
      const de = loadDialog("hobo-data", { lang: "de", translate: (key, params) => `${key} ${JSON.stringify(params)}` });
      assert.equal(
        verdict(de, "span", { window: "relative" }, "soon"),
        `@bestlab/node-red-platform/tuya-config:common.lib.time.unreadable {"input":"\\"soon\\"","name":"span"}`,
      );
    });

    it("a start or end only a message gives is not judged by the dialog; an absolute window without a start is refused with the runtime's text", () => {
      const d = loadDialog("tuya-log");
      assert.equal(verdict(d, "start", { window: "absolute", startType: "msg", end: "now", endType: "str" }, "start"), true);
      assert.equal(verdict(d, "end", { window: "relative", span: "-1h", endType: "msg" }, "end"), true);
      assert.equal(verdict(d, "start", { window: "absolute", startType: "str", end: "now", endType: "str" }, ""), englishText("common.errors.noStart"));
      // Other modes do not judge the absolute inputs, and egauge-data only judges its window in history mode.
      assert.equal(verdict(d, "start", { window: "relative", span: "-1h" }, ""), true);
      assert.equal(verdict(loadDialog("egauge-data"), "span", { mode: "rates", window: "relative" }, "soon"), true);
    });
  });

  describe("codes", () => {
    const codeLike = fc.oneof(
      fc.stringMatching(/^[a-z_]{1,12}[0-9]?$/),
      fc.stringMatching(/^ ?[A-Za-z0-9_. -]{0,10} ?$/),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("switch_1", "va_temperature", "cur_power", "bright_value_v2", "a.b", "with space", "ü", "x".repeat(64), "x".repeat(65), "-", "."),
    );
    const log = loadDialog("tuya-log");
    const command = loadDialog("tuya-command");
    // A client that refuses to be called: a code that passes the checks reaches it (and would be sent).
    const sent = new Error("sent");
    const offline = { family: "iot-03", get: () => Promise.reject(sent), post: () => Promise.reject(sent) } as unknown as TuyaOpenApi;
    const devices = new TuyaDevices(offline, { family: "iot-03" });
    const libraryLogs = (codes: string[]) =>
      devices.collectLogs("bf0123456789abcdef01", { start: NOW - HOUR, end: NOW, now: NOW, codes }).then(
        () => ({ ok: true }) as Outcome,
        (err: unknown) =>
          err === sent
            ? ({ ok: true } as Outcome)
            : accepted(() => {
                throw err;
              }),
      );

    it("data-point codes (tuya-log): the same verdict and text in the dialog (text and JSON), the message path and the library (property, 500 inputs)", async () => {
      await fc.assert(
        fc.asyncProperty(codeLike, codeLike, async (a, b) => {
          fc.pre(a.trim() !== "" && b.trim() !== "" && !a.includes(",") && !b.includes(","));
          const runtime = accepted(() => parseLogCodes([a, b]));
          const library = await libraryLogs([a, b]);
          assert.deepEqual(library, runtime, `library vs message path for ${JSON.stringify([a, b])}`);
          assert.deepEqual(
            fromDialog(verdict(log, "codes", { codesType: "json" }, JSON.stringify([a, b]))),
            runtime,
            `dialog (JSON) for ${JSON.stringify([a, b])}`,
          );
          const bothTrimmable = a.trim() === a && b.trim() === b;
          if (bothTrimmable)
            assert.deepEqual(
              fromDialog(verdict(log, "codes", { codesType: "str" }, `${a}, ${b}`)),
              accepted(() => parseLogCodes(`${a}, ${b}`)),
              `dialog (text) for ${a}, ${b}`,
            );
        }),
        { numRuns: 500 },
      );
    });

    it("command codes (tuya-command rows): the same verdict in the dialog, the message path and the library (property, 500 inputs)", () => {
      fc.assert(
        fc.property(codeLike, (code) => {
          fc.pre(code !== "");
          const rule = rules.isTuyaCode(code);
          assert.equal(verdict(command, "rows", { commandsType: "rows" }, [{ code, value: 1 }]) === true, rule, `dialog for ${JSON.stringify(code)}`);
          assert.equal(accepted(() => normalizeCommands([{ code, value: 1 }])).ok, rule, `library for ${JSON.stringify(code)}`);
          assert.equal(accepted(() => normalizeCommands({ [code]: 1 })).ok, rule, `a message's {code: value} for ${JSON.stringify(code)}`);
        }),
        { numRuns: 500 },
      );
    });
  });
});
