// One definition per input rule: the dialog (resources/rules.js, run here as the browser runs
// it, from the hobo-data dialog's own validate function), the message path (hobo-data through
// the library's normalizeLoggers) and the library give the same verdict for the same input.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import fc from "fast-check";
import { InputError, rules } from "../../../src/core";
import { normalizeLoggers } from "../../../src/hobo";

/** The hobo-data dialog's loggers validate(), with rules.js loaded as the editor loads it (a plain script). */
function dialogValidator(): (serial: string) => boolean {
  const window: Record<string, unknown> = {};
  vm.runInNewContext(readFileSync("resources/rules.js", "utf8"), window);
  const html = readFileSync("nodes/hobo-data.html", "utf8");
  const script = html.slice(html.indexOf("RED.nodes.registerType('hobo-data'"), html.indexOf("</script>", html.indexOf("RED.nodes.registerType('hobo-data'")));
  let def: { defaults: { loggers: { validate(this: unknown, v: unknown): unknown } } } | undefined;
  vm.runInNewContext(script, { ...window, BestlabRules: window.BestlabRules, RED: { nodes: { registerType: (_t: string, d: typeof def) => (def = d) }, _: (k: string) => k }, $: () => ({}) });
  assert.ok(def, "the dialog registered its definition");
  return (serial) => def!.defaults.loggers.validate.call({ loggersFromType: "list" }, [{ serial }]) === true;
}

function libraryAccepts(serial: string): boolean {
  try {
    normalizeLoggers([serial]);
    return true;
  } catch (err) {
    assert.ok(err instanceof InputError);
    return false;
  }
}

const serialLike = fc.oneof(
  fc.stringMatching(/^\d{1,12}$/),
  fc.stringMatching(/^ ?[0-9a-z._-]{0,11} ?$/),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("abc", "21092695", " 21092695 ", "123456", "12345", "12345678901", "2109269a", "0000000", "２１０９２６９５"),
);

describe("input rules: one definition for dialog, message path and library", () => {
  const dialog = dialogValidator();

  it("logger serials: the same verdict everywhere (property, 1,000 inputs)", () => {
    fc.assert(
      fc.property(serialLike, (serial) => {
        fc.pre(serial.trim() !== "" && !serial.includes(","));
        const verdict = rules.isHoboSerial(serial);
        assert.equal(dialog(serial), verdict, `dialog vs rule for ${JSON.stringify(serial)}`);
        assert.equal(libraryAccepts(serial), verdict, `library vs rule for ${JSON.stringify(serial)}`);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses 'abc' and accepts 6-10 digits", () => {
    assert.equal(rules.isHoboSerial("abc"), false);
    assert.equal(libraryAccepts("abc"), false);
    assert.equal(dialog("abc"), false);
    for (const ok of ["123456", "21092695", "1234567890"]) assert.equal(libraryAccepts(ok) && dialog(ok), true, ok);
  });
});
