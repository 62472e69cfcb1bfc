// The status text under a node fits (Node-RED shows about 32 characters): an error shows its code
// and the start of the service's cause; a config without credentials is a neutral grey ring.
import assert from "node:assert/strict";
import { ApiError, InputError } from "../../src/core/errors";
import { NotConfiguredError } from "../../nodes/shared/not-configured";
import { errorLabel, Status } from "../../nodes/shared/status";

describe("node status texts", () => {
  it("an API error shows its code and a short cause, at most 32 characters", () => {
    assert.equal(errorLabel(new ApiError({ platform: "tuya", code: 1106, serviceMessage: "permission deny" })), "Tuya 1106: permission deny");
    const long = errorLabel(
      new ApiError({ platform: "hobolink", status: 400, code: "VAL-006", serviceMessage: "Invalid time range: the start date must be before the end date" }),
    );
    assert.ok(long.startsWith("HOBOlink VAL-006: Invalid"), long);
    assert.ok(long.length <= 32, long);
    assert.equal(errorLabel(new ApiError({ platform: "tuya", status: 502 })), "Tuya HTTP 502");
    assert.equal(errorLabel(new ApiError({ platform: "egauge", status: 401, code: "AUTH" })), "eGauge AUTH");
    const plain = errorLabel(new InputError('devices: "x" is not a Tuya device id such as eb4af1b9bebf6b1188cama'));
    assert.ok(plain.length <= 32 && plain.endsWith("…"), plain);
  });

  it("a config without credentials: grey ring 'not configured', not red", () => {
    const shown: unknown[] = [];
    const status = new Status({ status: (s: unknown) => shown.push(s) } as never);
    status.error(new NotConfiguredError("The tuya-config has no access id or access secret: open it and enter them"));
    assert.deepEqual(shown, [{ fill: "grey", shape: "ring", text: "not configured" }]);
  });
});
