// Recovery (reference §5.3, DESIGN "never send a command twice"): reads are backed off and retried
// on throttling, 429/5xx, proxy pages and broken connections; a command only when the server
// provably did not run it (connection refused, token or clock rejected).
import assert from "node:assert/strict";
import { ApiError } from "../../../src/core/errors";
import type { TuyaFault } from "../../../src/emulator/tuya";
import { freePort } from "../../support/free-port";
import { rejection, rig, type Rig } from "./helpers";

const STATUS = "GET /v1.0/iot-03/devices/{device_id}/status";
const COMMANDS = "POST /v1.0/iot-03/devices/{device_id}/commands";
const OFF = { commands: [{ code: "switch_1", value: false }] };

describe("tuya retry and backoff", () => {
  let r: Rig;
  const status = () => r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
  const command = () => r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, OFF);

  describe("reads", () => {
    beforeEach(async () => {
      r = await rig();
      await r.api.connect();
    });
    afterEach(() => r.close());

    const transient: [string, TuyaFault][] = [
      ["1110 concurrent request over limit", { code: 1110 }],
      ["1111 system is busy", { code: 1111 }],
      ["1199 requests too frequent", { code: 1199 }],
      ["HTTP 429", { httpStatus: 429, code: 1199 }],
      ["HTTP 503 with a JSON body", { httpStatus: 503 }],
      ["an HTML 502 page from a proxy", { html: true }],
      ["a connection dropped before the answer", { drop: true }],
    ];
    for (const [what, fault] of transient) {
      it(`retries after ${what}`, async () => {
        r.emu.faults.failNext(2, { ...fault, path: "/status" });
        assert.equal((await status()).success, true);
        assert.equal(r.emu.stats.byPath[STATUS], 3);
        assert.equal(r.log.debug.filter((m) => /retry \d/.test(m)).length, 2);
      });
    }

    it("waits as Retry-After says (up to the configured cap)", async () => {
      r.emu.faults.failNext(1, { httpStatus: 429, code: 1199, retryAfterSec: 30, path: "/status" });
      assert.equal((await status()).success, true);
      // Without Retry-After the full-jitter delay is at most 5 ms; the 30 s advice is capped at maxDelayMs (20).
      assert.ok(
        r.log.debug.some((m) => /retry 1 in 20 ms/.test(m)),
        r.log.debug.join("\n"),
      );
    });

    it("gives up after the configured attempts with the last error", async () => {
      r.emu.faults.failNext(10, { code: 1111, path: "/status" });
      const err = await rejection(status());
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 1111);
      assert.equal(r.emu.stats.byPath[STATUS], 4);
    });

    it("does not retry an error that will not go away (1106 permission deny)", async () => {
      r.emu.faults.failNext(1, { code: 1106, path: "/status" });
      const err = await rejection(status());
      assert.equal((err as ApiError).code, 1106);
      assert.equal(r.emu.stats.byPath[STATUS], 1);
    });

    it("a POST marked idempotent is retried like a read", async () => {
      r.emu.faults.failNext(1, { drop: true, path: "/commands" });
      const res = await r.api.request({ method: "POST", path: `/v1.0/iot-03/devices/${r.ids.plug}/commands`, body: OFF, idempotent: true });
      assert.equal(res.result, true);
      assert.equal(r.emu.stats.commandsExecuted, 1);
    });
  });

  describe("commands", () => {
    afterEach(() => r.close());

    it("a command whose answer is lost after it ran is NOT retried", async () => {
      r = await rig();
      await r.api.connect();
      r.emu.faults.failNext(1, { dropAfterExecute: true, path: "/commands" });
      const err = await rejection(command());
      assert.ok(err instanceof ApiError);
      assert.match(err.message, /commands are not/);
      assert.equal(r.emu.stats.commandsExecuted, 1);
      assert.equal(r.emu.stats.byPath[COMMANDS], 1);
      assert.equal(r.emu.status(r.ids.plug).find((s) => s.code === "switch_1")?.value, false);
    });

    for (const [what, fault] of [
      ["a connection dropped before the answer", { drop: true }],
      ["an HTML 502", { html: true }],
    ] as [string, TuyaFault][]) {
      it(`a command is not retried after ${what}: it may have run`, async () => {
        r = await rig();
        await r.api.connect();
        r.emu.faults.failNext(1, { ...fault, path: "/commands" });
        await rejection(command());
        assert.equal(r.emu.stats.byPath[COMMANDS], 1);
      });
    }

    for (const code of [1199, 1110, 1111]) {
      it(`a command throttled once (${code}: the gateway refused it) is backed off and sent again, executing once`, async () => {
        r = await rig();
        await r.api.connect();
        r.emu.faults.failNext(1, { code, path: "/commands" });
        assert.equal((await command()).result, true);
        assert.equal(r.emu.stats.byPath[COMMANDS], 2, "sent twice: refused, then run");
        assert.equal(r.emu.stats.commandsExecuted, 1);
        assert.equal(r.emu.status(r.ids.plug).find((s) => s.code === "switch_1")?.value, false);
      });
    }

    it("a command throttled on every try fails with the code, and the hint's 'retried' is true", async () => {
      r = await rig({}, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      await r.api.connect();
      r.emu.faults.failNext(3, { code: 1199, path: "/commands" });
      const err = await rejection(command());
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 1199);
      assert.match(err.message, /backed off and retried/);
      assert.equal(r.emu.stats.byPath[COMMANDS], 3);
      assert.equal(r.emu.stats.commandsExecuted, 0);
    });

    it("a command rejected for its token (1010) runs exactly once, with the new token", async () => {
      r = await rig();
      await r.api.connect();
      r.emu.faults.expireTokens();
      assert.equal((await command()).result, true);
      assert.equal(r.emu.stats.errorsByCode["1010"], 1);
      assert.equal(r.emu.stats.commandsExecuted, 1);
    });

    it("a command refused at connect (ECONNREFUSED) is retried once the server is back, and runs once", async () => {
      const port = await freePort();
      let restarted = false;
      r = await rig(
        { port },
        {
          retry: { attempts: 200, baseDelayMs: 2, maxDelayMs: 10 },
          logger: {
            debug: (m) => {
              if (!restarted && /ECONNREFUSED/.test(m)) {
                restarted = true;
                void r.emu.start();
              }
            },
            warn: () => undefined,
          },
        },
      );
      await r.api.connect();
      await r.emu.stop();
      assert.equal((await command()).result, true);
      assert.equal(restarted, true, "the first try was refused");
      assert.equal(r.emu.stats.commandsExecuted, 1);
      assert.equal(r.emu.stats.byPath[COMMANDS], 1);
    });
  });
});
