// HOBOlink pacing with the client's default options, on a fake clock: N requests a minute per URL
// as the service counts (30 legacy, 60 LI-COR), the first N together, never more than N in any
// minute, never more than 75 in flight.
import assert from "node:assert/strict";
import sinon from "sinon";
import { resolveOptions } from "../../../src/hobo/options";
import { HoboTransport } from "../../../src/hobo/transport";

const flavours = [
  {
    flavour: "legacy" as const,
    n: 30,
    options: { flavour: "legacy" as const, clientId: "id", clientSecret: "secret", userId: "1", baseUrl: "http://127.0.0.1:9" },
  },
  { flavour: "licor" as const, n: 60, options: { flavour: "licor" as const, token: "t", baseUrl: "http://127.0.0.1:9" } },
];

describe("hobo pacing (fake clock)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] })));
  afterEach(() => clock.restore());

  for (const { flavour, n, options } of flavours) {
    it(`${flavour}: ${n} windows go out at once, the rest at ${n} a minute, never more than ${n} in a minute`, async () => {
      const transport = new HoboTransport(resolveOptions(options), () => undefined);
      const starts: number[] = [];
      let running = 0;
      let most = 0;
      const answer = async () => {
        starts.push(Date.now());
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 1000));
        running--;
      };
      const path = "/ws/data/file/JSON/user/1";
      const all = Promise.all(Array.from({ length: 3 * n + 5 }, () => transport.limiter.schedule(answer, undefined, path)));
      await clock.runAllAsync();
      await all;
      assert.deepEqual(starts.slice(0, n), Array(n).fill(0), "a burst within N goes out together");
      assert.ok(starts[n] > 60_000, `the (N+1)th waits for the minute: ${starts[n]} ms`);
      for (const t of starts) assert.ok(starts.filter((s) => s >= t && s < t + 60_000).length <= n, `more than ${n} in the minute from ${t}`);
      assert.equal(most, n, "in flight: as many as the window allows");
      // Another URL has its own window: it goes at once while this one's is full.
      const busy = Promise.all(Array.from({ length: n + 1 }, () => transport.limiter.schedule(answer, undefined, path)));
      const before = Date.now();
      let other = NaN;
      const token = transport.limiter.schedule(async () => void (other = Date.now()), undefined, "/ws/auth/token");
      await clock.runAllAsync();
      await Promise.all([busy, token]);
      assert.equal(other, before);
      await transport.close();
    });
  }

  it("allows up to 75 in flight by default and never more, whatever is asked", () => {
    assert.equal(resolveOptions(flavours[0].options).maxConcurrent, 75);
    assert.equal(resolveOptions({ ...flavours[0].options, maxConcurrent: 500 }).maxConcurrent, 75);
  });
});
