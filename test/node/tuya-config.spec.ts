/**
 * tuya-config through the test helper against the Tuya emulator: the shared client, connection
 * state pushed to users, the admin routes (test, device lists, permission), budget warnings, and
 * closing with requests in flight.
 */
import assert from "node:assert/strict";
import net from "node:net";
import sinon from "sinon";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { registerSecrets } from "../support/emissions";
import { startListener, type Listener } from "../support/listener";
import { useTuyaEmulator } from "../support/tuya-suite";
import { helper } from "../support/node-red";
import { probe, probeNodes } from "../support/probe";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";

type Flow = { id: string; type: string; [key: string]: unknown }[];
type Creds = Record<string, Record<string, string>>;

describe("tuya-config node", () => {
  let emu: TuyaEmulator;

  const emulator = useTuyaEmulator();
  before(() => {
    emu = emulator();
  });
  afterEach(() => sinon.restore());

  const config = (extra: Record<string, unknown> = {}) => ({
    id: "cfg",
    type: "tuya-config",
    name: "emu",
    endpointMode: "custom",
    endpoint: emu.url,
    ...extra,
  });
  const creds = (secret = emu.accessSecret): Creds => ({ cfg: { accessId: emu.accessId, accessSecret: secret } });
  const plug = () => emu.devices[0].id;
  const statusFlow = (extra: Record<string, unknown> = {}, users = ["n1"]): Flow => [
    { id: "t1", type: "tab" },
    config(extra),
    { id: "n1", type: "tuya-status", z: "t1", tuya: "cfg", devices: plug(), devicesType: "str", format: "raw", wires: [["h1"]] },
    ...probeNodes(users),
  ];
  const n1 = probe("n1");
  /** The second user of twoUsersFlow: output h4 (its runs end at the same Complete and Catch nodes). */
  const n2 = probe("n2", { out: "h4" });
  const cfgProbe = probe("cfg");

  it("exposes one shared client, its devices, users and a call counter", async () => {
    await helper.load([tuyaConfig, tuyaStatus], statusFlow(), creds());
    const cfg = (
      helper.getNode("cfg") as unknown as {
        connection: { client: unknown; devices: { list(): Promise<unknown[]> }; users: { size: number }; counterSnapshot(): { total: number } };
      }
    ).connection;
    assert.equal(cfg.client, cfg.client, "the client is created once");
    assert.equal(cfg.users.size, 1, "the tuya-status node registered as a user");
    const list = await cfg.devices.list();
    assert.equal(list.length, emu.devices.length);
    assert.ok(cfg.counterSnapshot().total >= 1);
  });

  /** statusFlow plus a second tuya-status user n2 (output h3) asking for `device`. */
  const twoUsersFlow = (device: string): Flow => [
    ...statusFlow({}, ["n1", "n2"]),
    { id: "n2", type: "tuya-status", z: "t1", tuya: "cfg", devices: device, devicesType: "str", format: "raw", wires: [["h4"]] },
    { id: "h4", type: "helper", z: "t1" },
  ];

  it("pushes its connection state to every node that uses it", async () => {
    await helper.load([tuyaConfig, tuyaStatus], twoUsersFlow(plug()), creds());
    const connected = n2.status((s) => s.text === "connected");
    assert.equal((await n1.run()).caught, undefined);
    assert.deepEqual(await connected, { fill: "green", shape: "ring", text: "connected" });
  });

  it("after a token refresh a node's own red status stays", async () => {
    await helper.load([tuyaConfig, tuyaStatus], twoUsersFlow(plug()), creds());
    assert.equal((await n1.run()).caught, undefined);
    // n2's own request fails (a permission the project lacks): that is n2's error, not the connection's.
    emu.faults.failNext(1, { code: 1106 });
    assert.ok((await n2.run()).caught);
    const own = n2.lastStatus();
    assert.equal(own?.fill, "red", "n2 shows its own error");
    const states: string[] = [];
    (helper.getNode("cfg") as unknown as { connection: { client: { on(e: "state", fn: (s: { state: string }) => void): void } } }).connection.client.on(
      "state",
      (s) => states.push(s.state),
    );
    emu.faults.expireTokens();
    assert.equal((await n1.run()).caught, undefined);
    assert.ok(states.includes("token-refreshed"), `the token was refreshed (${states.join(",")})`);
    assert.equal(n2.lastStatus(), own, "n2 still shows its own error");
  });

  it("pushes an error state with the Tuya code (a wrong secret: 1004)", async () => {
    await helper.load([tuyaConfig, tuyaStatus], statusFlow(), creds("wrongsecret0000000000000000000xx"));
    const { caught } = await n1.run();
    assert.match(String(n1.statuses().find((s) => s.fill === "red" && /1004/.test(String(s.text)))?.text), /Tuya 1004/);
    assert.match(String(caught?.error.message), /1004/);
    registerSecrets("wrongsecret0000000000000000000xx");
  });

  it("tells a node without access id or secret what to enter, and shows it a grey 'not configured' ring, not a red one", async () => {
    await helper.load([tuyaConfig, tuyaStatus], statusFlow(), { cfg: {} });
    assert.deepEqual(n1.lastStatus(), { fill: "grey", shape: "ring", text: "not configured" }, "after deploy");
    const { caught } = await n1.run();
    assert.match(String(caught?.error.message), /no access id or access secret/);
    assert.deepEqual(n1.lastStatus(), { fill: "grey", shape: "ring", text: "not configured" }, "after a message");
    assert.ok(!n1.statuses().some((s) => s.fill === "red"), `a red status: ${JSON.stringify(n1.statuses())}`);
  });

  it("warns once, without secrets, when the monthly budget is nearly used or exceeded", async () => {
    await helper.load([tuyaConfig, tuyaStatus], statusFlow({ budget: 3 }), creds());
    for (let i = 0; i < 4; i++) assert.equal((await n1.run({ payload: i })).caught, undefined);
    const warnings = cfgProbe.warnings();
    const budget = warnings.filter((w) => /budget/i.test(w));
    assert.ok(budget.length >= 1 && budget.length <= 2, `one near and at most one over warning: ${JSON.stringify(warnings)}`);
    assert.equal(new Set(budget).size, budget.length, "no repeated warning");
    for (const w of warnings) assert.ok(!w.includes(emu.accessSecret) && !w.includes(emu.accessId));
  });

  it("closes cleanly with a request in flight: aborted, done, no unhandled rejection", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      await helper.load([tuyaConfig, tuyaStatus], statusFlow(), creds());
      const caught: unknown[] = [];
      helper.getNode("h2").on("input", (m: unknown) => caught.push(m));
      const requesting = n1.status((s) => /status of/.test(String(s.text)));
      emu.faults.setLatency(5000);
      helper.getNode("n1").receive({ payload: 1 });
      await requesting;
      assert.deepEqual(n1.errors(), []);
      const before = emu.stats.requests;
      await helper.unload();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(n1.errors(), [], "closing is not an error");
      assert.deepEqual(caught, []);
      assert.equal(helper.getNode("h1"), null);
      assert.ok(emu.stats.requests >= before);
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
      emu.faults.setLatency(0);
    }
  });

  describe("admin routes", () => {
    const body = (extra: Record<string, unknown> = {}) => ({
      id: "cfg",
      endpointMode: "custom",
      endpoint: emu.url,
      accessId: emu.accessId,
      accessSecret: emu.accessSecret,
      family: "iot-03",
      ...extra,
    });

    it("POST tuya-config/test answers ok with the number of devices", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const res = await helper.request().post("/tuya-config/test").send(body()).expect(200);
      assert.deepEqual(res.body, { ok: true, devices: emu.devices.length });
    });

    it("POST tuya-config/test with a wrong secret: 400 with the 1004 text, without the secret", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const wrong = "typedwrongsecret00000000000000xx";
      registerSecrets(wrong);
      const res = await helper
        .request()
        .post("/tuya-config/test")
        .send(body({ accessSecret: wrong }))
        .expect(400);
      assert.match(res.body.error, /1004/);
      assert.ok(!JSON.stringify(res.body).includes(wrong));
      assert.ok(!JSON.stringify(res.body).includes(emu.accessSecret));
    });

    it("uses the stored secret when the dialog's password is untouched (__PWRD__)", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const res = await helper
        .request()
        .post("/tuya-config/test")
        .send(body({ accessSecret: "__PWRD__" }))
        .expect(200);
      assert.equal(res.body.ok, true);
    });

    describe("the stored secret goes only to the deployed region or endpoint", () => {
      let elsewhere: Listener;
      before(async () => {
        elsewhere = await startListener();
      });
      after(() => elsewhere.close());

      const moved: [string, () => Record<string, unknown>][] = [
        ["another custom endpoint", () => ({ endpoint: elsewhere.url })],
        ["a region instead of the custom endpoint", () => ({ endpointMode: "region", region: "eu" })],
      ];
      for (const [label, target] of moved) {
        for (const route of ["test", "devices"]) {
          it(`POST tuya-config/${route} to ${label} with an untouched secret: 400 asking to enter it again, nothing sent`, async () => {
            await helper.load([tuyaConfig], [config()], creds());
            const requests = emu.stats.requests;
            const res = await helper
              .request()
              .post(`/tuya-config/${route}`)
              .send(body({ accessSecret: "__PWRD__", ...target() }))
              .expect(400);
            assert.match(res.body.error, /Enter the secret again: the endpoint changed/);
            assert.equal(elsewhere.hits, 0, "nothing reached the other endpoint");
            assert.equal(emu.stats.requests, requests, "nothing reached the deployed endpoint either");
          });
        }
      }

      it("a typed secret may go to another endpoint (the user chose to send it)", async () => {
        await helper.load([tuyaConfig], [config()], creds());
        await helper
          .request()
          .post("/tuya-config/test")
          .send(body({ endpoint: elsewhere.url }))
          .expect(400);
        assert.ok(elsewhere.hits > 0, "the typed values were tried there");
      });
    });

    it("POST tuya-config/devices lists the project's devices for the pickers", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const res = await helper.request().post("/tuya-config/devices").send(body()).expect(200);
      const plugEntry = (res.body.devices as { id: string }[]).find((d) => d.id === plug());
      assert.deepEqual(plugEntry, { id: plug(), name: emu.devices[0].name, category: emu.devices[0].category, online: true });
      assert.equal(res.body.devices.length, emu.devices.length);
    });

    it("GET tuya-config/:id/devices uses the deployed node; an unknown id is a 400", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const res = await helper.request().get("/tuya-config/cfg/devices").expect(200);
      assert.equal(res.body.devices.length, emu.devices.length);
      const missing = await helper.request().get("/tuya-config/nope/devices").expect(400);
      assert.match(missing.body.error, /not deployed/);
    });

    it("a bad custom endpoint is a 400 that says what to enter", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      const res = await helper
        .request()
        .post("/tuya-config/test")
        .send(body({ endpoint: "ftp:/x" }))
        .expect(400);
      assert.match(res.body.error, /not an http\(s\) URL/);
    });

    it("a custom http:// endpoint off this machine is a 400 that says to use https; nothing is sent", async () => {
      await helper.load([tuyaConfig], [config()], creds());
      for (const endpoint of ["http://openapi.example.org", "http://10.0.0.8:8830", "http://127.0.0.1.example.org"]) {
        const res = await helper.request().post("/tuya-config/test").send(body({ endpoint })).expect(400);
        assert.match(res.body.error, /plain http.*use https/, endpoint);
      }
    });

    it("a flow file whose region is a plain-http URL of another host is refused the same way, before any connection", async () => {
      const connects = sinon.spy(net.Socket.prototype, "connect");
      await helper.load([tuyaConfig, tuyaStatus], statusFlow({ endpointMode: "region", endpoint: "", region: "http://openapi.example.org" }), creds());
      const { caught: msg } = await n1.run();
      assert.ok(msg);
      assert.match(msg.error.message, /plain http.*use https/);
      assert.equal(msg.errorDetails.name, "InputError");
      const res = await helper
        .request()
        .post("/tuya-config/test")
        .send(body({ endpointMode: "region", endpoint: "", region: "http://10.0.0.8:8830" }))
        .expect(400);
      assert.match(res.body.error, /plain http.*use https/);
      // The helper's own admin request connects to 127.0.0.1; nothing may go to the refused hosts.
      const targets = connects.getCalls().map((c) => JSON.stringify(c.args[0]));
      assert.deepEqual(
        targets.filter((t) => /example\.org|10\.0\.0\.8/.test(t)),
        [],
      );
    });

    it("a deployed config with such an endpoint tells its nodes to use https", async () => {
      await helper.load([tuyaConfig, tuyaStatus], statusFlow({ endpoint: "http://openapi.example.org" }), creds());
      const { caught: msg } = await n1.run();
      assert.ok(msg);
      assert.match(msg.error.message, /use https/);
      assert.equal(msg.errorDetails.name, "InputError");
    });

    it("every route requires tuya-config.write (denied without it)", async () => {
      // The helper runs without adminAuth (its RED.auth lets everything through), so the node API
      // it builds is given a guard that denies unless the request carries the permission asked for.
      type Api = { auth: { needsPermission(p: string): unknown } };
      const util = (helper as unknown as { _registryUtil: { createNodeApi(n: unknown): Api } })._registryUtil;
      const original = util.createNodeApi.bind(util);
      const guard = sinon.spy(
        (permission: string) => (req: { headers: Record<string, string> }, res: { status(n: number): { end(): void } }, next: () => void) =>
          req.headers["x-permission"] === permission ? next() : res.status(401).end(),
      );
      sinon.stub(util, "createNodeApi").callsFake((n: unknown) => ({ ...original(n), auth: { needsPermission: guard } }));
      await helper.load([tuyaConfig], [config()], creds());
      assert.ok(guard.callCount >= 3 && guard.getCalls().every((c) => c.args[0] === "tuya-config.write"));
      await helper.request().post("/tuya-config/test").send(body()).expect(401);
      await helper.request().post("/tuya-config/devices").send(body()).expect(401);
      await helper.request().get("/tuya-config/cfg/devices").expect(401);
      await helper.request().post("/tuya-config/test").set("x-permission", "tuya-config.write").send(body()).expect(200);
    });
  });
});
