// bestlab's HoboTokenInfo: expiry from expires_in (600 s when absent), 60 s refresh margin.
import assert from "node:assert/strict";
import { HoboTokenInfo } from "../../../src/hobo";

const NOW = Date.UTC(2025, 0, 1);

describe("hobo HoboTokenInfo", () => {
  it("takes the expiry from expires_in", () => {
    const t = new HoboTokenInfo({ access_token: "abc", token_type: "bearer", expires_in: 300 }, NOW);
    assert.equal(t.expireTime, NOW / 1000 + 300);
    assert.equal(t.tokenType, "bearer");
    assert.equal(t.needRefresh(NOW), false);
    assert.equal(t.needRefresh(NOW + 239_000), false);
    assert.equal(t.needRefresh(NOW + 241_000), true);
  });

  it("assumes 600 s without expires_in, and bearer without token_type", () => {
    const t = new HoboTokenInfo({ access_token: "abc" }, NOW);
    assert.equal(t.expireTime, NOW / 1000 + 600);
    assert.equal(t.tokenType, "bearer");
  });

  it("always needs a refresh without an access token", () => {
    assert.equal(new HoboTokenInfo({}, NOW).needRefresh(NOW), true);
  });

  it("never prints the token", () => {
    assert.doesNotMatch(JSON.stringify(new HoboTokenInfo({ access_token: "secret-token-value" }, NOW)), /secret-token-value/);
  });
});
