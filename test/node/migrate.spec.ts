/**
 * Config versions (nodes/shared/migrate.ts): every node type's runtime defaults and version are
 * its editor's; a current config goes through unchanged; migrating twice is migrating once; and
 * each 0 -> 1 step turns the first wave's shapes into today's with the same meaning. The
 * per-node specs (migrate-tuya, migrate-hobo, migrate-egauge) deploy the old configs and
 * compare what they do with their current equivalents.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import pkg from "../../package.json";
import { MIGRATIONS, migrate, versionOf, type MigratedType } from "../../nodes/shared/migrate";
import { newNode } from "./migrate-editor";

const TYPES = Object.keys(pkg["node-red"].nodes) as MigratedType[];

/** A property value as flows hold them (JSON). */
const jsonValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

describe("config versions (migrate)", () => {
  it("every node type of the pack has a migration", () => {
    assert.deepEqual([...TYPES].sort(), Object.keys(MIGRATIONS).sort());
  });

  for (const type of TYPES) {
    describe(type, () => {
      it("its defaults and version are the editor's (a new setting needs its default here, and a step if an absent one meant something else before)", () => {
        const { version, ...defaults } = newNode(type);
        assert.equal(version, MIGRATIONS[type].version, `nodes/${type}.html gives a new node version ${String(version)}`);
        assert.deepEqual(
          MIGRATIONS[type].defaults,
          defaults,
          `the defaults in nodes/shared/migrate-${type.split("-")[0]}.ts are not those of nodes/${type}.html`,
        );
        assert.equal(MIGRATIONS[type].steps.length, MIGRATIONS[type].version, "one step per version");
      });

      it("a new node's config goes through unchanged, and the given config is not changed", () => {
        const config = { id: "n1", type, z: "t1", wires: [["h1"]], ...newNode(type) };
        const copy = structuredClone(config);
        assert.deepEqual(migrate(type, config), copy);
        assert.deepEqual(config, copy);
      });

      it("migrating twice is migrating once, whatever the config holds; the result is current and keeps every given property", () => {
        const fresh = Object.keys(newNode(type));
        const keys = fresh.filter((k) => k !== "version");
        const config = fc.dictionary(fc.constantFrom(...keys, "id", "extra"), jsonValue);
        const version = fc.option(fc.constantFrom(0, 1, "1", -1, 2.5, "x"), { nil: undefined });
        fc.assert(
          fc.property(config, version, (c, v) => {
            const given = v === undefined ? c : { ...c, version: v };
            const once = migrate(type, given);
            assert.deepEqual(migrate(type, once), once);
            assert.equal(versionOf(once), MIGRATIONS[type].version);
            for (const key of fresh) assert.ok(once[key as keyof typeof once] !== undefined, `${key} is set`);
            assert.ok(!("id" in c) || (once as Record<string, unknown>).id === c.id);
          }),
          { numRuns: 150 },
        );
      });
    });
  }

  describe("versions", () => {
    it("no version is version 0 (the first wave); a version this pack does not know yet keeps its number and properties", () => {
      assert.equal(versionOf({}), 0);
      assert.equal(versionOf({ version: "1" }), 1);
      assert.equal(versionOf({ version: -3 }), 0);
      const later = migrate("tuya-command", { version: 7, commandsType: "later" });
      assert.equal(later.version, 7);
      assert.equal(later.commandsType, "later");
      assert.equal((later as Record<string, unknown>).commands, "", "absent properties still take today's defaults");
    });

    it("a current config is not taken for an old one: an absent command source there is today's default (the rows)", () => {
      assert.equal((migrate("tuya-command", { version: 1 }) as Record<string, unknown>).commandsType, "rows");
      assert.equal((migrate("tuya-command", {}) as Record<string, unknown>).commandsType, "msg");
    });
  });

  describe("the 0 -> 1 steps", () => {
    const v0 = (type: MigratedType, config: Record<string, unknown>) => migrate(type, config) as Record<string, unknown>;

    it("tuya-config: no endpoint mode is custom with an endpoint URL, else region; no rate or concurrency keeps the client's own", () => {
      assert.equal(v0("tuya-config", { endpoint: " http://127.0.0.1:9 " }).endpointMode, "custom");
      assert.equal(v0("tuya-config", { endpoint: "", region: "eu" }).endpointMode, "region");
      assert.equal(v0("tuya-config", { endpointMode: "region", endpoint: "http://127.0.0.1:9" }).endpointMode, "region", "a mode given stays");
      assert.deepEqual([v0("tuya-config", {}).rps, v0("tuya-config", {}).concurrency], ["", ""]);
      assert.deepEqual([v0("tuya-config", { rps: "5", concurrency: 2 }).rps, v0("tuya-config", { rps: "5", concurrency: 2 }).concurrency], ["5", 2]);
    });

    it("tuya-command: no command source is msg.payload", () => {
      assert.deepEqual([v0("tuya-command", {}).commandsType, v0("tuya-command", {}).commands], ["msg", "payload"]);
      assert.deepEqual([v0("tuya-command", { commandsType: "rows", rows: [{ code: "a", value: 1 }] }).commandsType], ["rows"]);
      assert.equal(v0("tuya-command", { commandsType: "msg" }).commands, "payload", "the first dialog's property");
    });

    it("tuya-log: text event types become the named choices; what they cannot hold stays text", () => {
      const step = (eventTypes: unknown, eventTypesType?: string) => {
        const m = v0("tuya-log", { eventTypes, eventTypesType });
        return [m.eventTypesType, m.eventTypes];
      };
      assert.deepEqual(step("7", "str"), ["types", "7"]);
      assert.deepEqual(step("online, report, 1"), ["types", "1,7"]);
      assert.deepEqual(step(undefined), ["types", "7"]);
      assert.deepEqual(step("all", "str"), ["types", "1,2,3,4,5,6,7,8,9,10"]);
      assert.deepEqual(step("soon", "str"), ["str", "soon"], "refused at run time as before");
      assert.deepEqual(step("devices.types", "msg"), ["msg", "devices.types"]);
      assert.deepEqual(step("1,2", "types"), ["types", "1,2"]);
    });

    it("tuya-events: no format is records and no types all of them; an empty JSON device list is empty text", () => {
      const m = v0("tuya-events", { devices: " ", devicesType: "json" });
      assert.deepEqual([m.format, m.types, m.devices, m.devicesType], ["records", "", "", "str"]);
      const kept = v0("tuya-events", { devices: '["a"]', devicesType: "json", format: "messages", types: "status" });
      assert.deepEqual([kept.format, kept.types, kept.devices, kept.devicesType], ["messages", "status", '["a"]', "json"]);
    });

    it("hobo-config: no flavour stays none (refused as before, not taken for LI-COR)", () => {
      assert.equal(v0("hobo-config", {}).flavour, "");
      assert.equal(v0("hobo-config", { flavour: "legacy" }).flavour, "legacy");
    });

    it("hobo-data: serials given as numbers become text; other entries stay", () => {
      const m = v0("hobo-data", { loggers: [{ serial: 21092695, name: "Roof" }, { serial: " 21150777 " }, null] });
      assert.deepEqual(m.loggers, [{ serial: "21092695", name: "Roof" }, { serial: " 21150777 " }, null]);
    });

    it("egauge-data: no resolution is auto", () => {
      assert.equal(v0("egauge-data", {}).resolution, "auto");
      assert.equal(v0("egauge-data", { resolution: "900" }).resolution, "900");
      assert.equal(v0("egauge-data", { version: 1 }).resolution, "60");
    });
  });
});
