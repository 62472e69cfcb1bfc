/**
 * The config nodes pass their clients' debug lines (one per request) to Node-RED only where a
 * logger in settings.js writes debug lines (nodes/shared/connection.ts debugLogging): Node-RED
 * builds a log record for every node.debug() call before its loggers drop it.
 */
import { strict as assert } from "node:assert";
import type { NodeAPI } from "node-red";
import { debugLogging } from "../../nodes/shared/connection";

const red = (logging: unknown) => ({ settings: { logging } }) as unknown as NodeAPI;

describe("debug lines of the clients (nodes/shared/connection.ts debugLogging)", () => {
  it("off at Node-RED's default level and at info; on where any logger is at debug or trace", () => {
    assert.equal(debugLogging(red(undefined)), false);
    assert.equal(debugLogging(red({ console: { level: "info", metrics: false, audit: false } })), false);
    assert.equal(debugLogging(red({ console: { level: "warn" }, file: { level: "error" } })), false);
    assert.equal(debugLogging(red({ console: { level: "debug" } })), true);
    assert.equal(debugLogging(red({ console: { level: "info" }, myLogger: { level: "trace" } })), true);
  });
});
