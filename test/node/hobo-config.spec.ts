/**
 * hobo-config through the test helper against the HOBOlink emulator: the shared client (lazy,
 * one per config, closed on redeploy), the connection state pushed to its users, and the
 * editor's test route for typed (undeployed) values, which never answers with a secret.
 */
import assert from "node:assert/strict";
import type { Request, Response } from "express";
import type { Node } from "node-red";
import sinon from "sinon";
import { HoboEmulator } from "../../src/emulator/hobo";
import { emissionTranscript, registerSecrets } from "../support/emissions";
import { useHoboEmulator } from "../support/hobo-suite";
import { startListener, type Listener } from "../support/listener";
import { helper } from "../support/node-red";
import { probe, probeNodes } from "../support/probe";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";

type Flow = Parameters<typeof helper.load>[1];
/** Flow JSON as written in tests (the helper's type knows only NodeDef properties). */
const asFlow = (nodes: Record<string, unknown>[]): Flow => nodes as unknown as Flow;
type Connection = { client: { flavour: string; close(): Promise<void> }; users: { size: number }; flavour?: string };
/** The deployed hobo-config's connection (what flow nodes use). */
const connectionOf = (id: string) => (helper.getNode(id) as Node & { connection: Connection }).connection;

describe("hobo-config node", () => {
  let emu: HoboEmulator;
  // Registered first, so stubs are restored before the suite's hooks unload the flow.
  afterEach(() => sinon.restore());
  const emulator = useHoboEmulator();
  before(() => {
    emu = emulator();
  });

  const legacyCreds = () => ({ clientId: emu.legacy.clientId, clientSecret: emu.legacy.clientSecret, userId: emu.legacy.userId });

  async function load(flavour: string, credentials: Record<string, string>, withUser = false): Promise<void> {
    const flow: Record<string, unknown>[] = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "hobo-config", name: "Lab", flavour, endpoint: emu.url },
    ];
    if (withUser) {
      flow.push({
        id: "n1",
        type: "hobo-data",
        z: "t1",
        hobo: "cfg",
        loggers: [{ serial: "21309641" }],
        window: "relative",
        span: "-30m",
        format: "records",
        wires: [["h1"]],
      });
      flow.push(...probeNodes("n1"));
    }
    await helper.load([hoboConfig, hoboData], asFlow(flow), { cfg: credentials });
  }

  it("exposes flavour and users, and creates one client lazily", async () => {
    const requests = emu.stats.requests;
    await load("legacy", legacyCreds());
    const cfg = connectionOf("cfg");
    assert.equal(cfg.flavour, "legacy");
    assert.equal(cfg.users.size, 0);
    assert.equal(emu.stats.requests, requests, "nothing is requested at deploy");
    const client = cfg.client;
    assert.equal(client.flavour, "legacy");
    assert.equal(cfg.client, client, "the same client every time");
  });

  for (const flavour of ["licor", "legacy"]) {
    it(`${flavour} without credentials: its users show a grey 'not configured' ring from deploy on, and a message still fails with what to enter`, async () => {
      const requests = emu.stats.requests;
      await load(flavour, {}, true);
      const grey = { fill: "grey", shape: "ring", text: "not configured" };
      const n1 = probe("n1");
      assert.deepEqual(n1.lastStatus(), grey);
      const { caught } = await n1.run({ payload: 1 });
      assert.match(String(caught?.error.message), flavour === "licor" ? /no API token/ : /client id, client secret or user id/);
      assert.deepEqual(n1.errors().length, 1);
      assert.deepEqual(n1.lastStatus(), grey);
      assert.equal(emu.stats.requests, requests, "nothing was requested");
    });
  }

  it("an unknown flavour: flavour undefined and the client getter throws a clear error", async () => {
    await load("soap", { token: "x" });
    const cfg = connectionOf("cfg");
    assert.equal(cfg.flavour, undefined);
    assert.throws(() => cfg.client, /service "soap" is unknown/);
  });

  it("a non-URL endpoint override is refused with a clear error", async () => {
    await helper.load([hoboConfig], asFlow([{ id: "cfg", type: "hobo-config", flavour: "licor", endpoint: "ftp://nope" }]), {
      cfg: { token: emu.licor.token },
    });
    assert.throws(() => connectionOf("cfg").client, /not an http\(s\) URL/);
  });

  describe("plain http only on this machine (tokens must not travel unencrypted)", () => {
    const client = async (endpoint: string) => {
      await helper.load([hoboConfig], asFlow([{ id: "cfg", type: "hobo-config", flavour: "licor", endpoint }]), { cfg: { token: emu.licor.token } });
      return connectionOf("cfg").client;
    };
    for (const endpoint of ["http://hobo.example.org", "http://192.168.1.20:8831", "http://127.0.0.1.example.org", "http://localhost.example.org/v1"]) {
      it(`refuses ${endpoint}, saying to use https`, async () => {
        await assert.rejects(client(endpoint), (err: Error) => err.name === "InputError" && /plain http.*use https/.test(err.message));
      });
    }
    for (const endpoint of ["http://localhost:8831", "http://127.5.0.1:8831", "http://[::1]:8831", "https://hobo.example.org"]) {
      it(`accepts ${endpoint}`, async () => {
        assert.equal((await client(endpoint)).flavour, "licor");
      });
    }
    it("the test route refuses it too, before any request", async () => {
      await load("licor", { token: emu.licor.token });
      const res = await helper
        .request()
        .post("/hobo-config/test")
        .send({ flavour: "licor", endpoint: "http://hobo.example.org", token: emu.licor.token })
        .expect(400);
      assert.match(res.body.error, /use https/);
    });
  });

  it("closes its client on redeploy", async () => {
    await load("licor", { token: emu.licor.token });
    const cfg = connectionOf("cfg");
    const client = cfg.client;
    let closed = false;
    const close = client.close.bind(client);
    client.close = async () => {
      closed = true;
      await close();
    };
    await helper.unload();
    assert.ok(closed, "client.close() was called");
    await load("licor", { token: emu.licor.token });
  });

  describe("connection state pushed to the flow nodes that use it", () => {
    /** Two hobo-data users n1 and n2 of cfg, with their outputs h1, h4 and the probe's Catch and Complete nodes for both. */
    function twoUsers(flavour: string, n2Name = ""): Record<string, unknown>[] {
      const user = (id: string, out: string, name = "") => ({
        id,
        name,
        type: "hobo-data",
        z: "t1",
        hobo: "cfg",
        loggers: [{ serial: "21309641" }],
        window: "relative",
        span: "-30m",
        format: "raw",
        wires: [[out]],
      });
      return [
        { id: "t1", type: "tab" },
        // A high rate limit: the client's pacing would otherwise space these requests seconds apart.
        { id: "cfg", type: "hobo-config", flavour, endpoint: emu.url, rpm: 100000 },
        user("n1", "h1"),
        user("n2", "h4", n2Name),
        { id: "h4", type: "helper", z: "t1" },
        ...probeNodes(["n1", "n2"]),
      ];
    }
    const credsFor = (flavour: string) => (flavour === "licor" ? { token: emu.licor.token } : legacyCreds());
    async function loadUsers(flavour: string): Promise<void> {
      await helper.load([hoboConfig, hoboData], asFlow(twoUsers(flavour)), { cfg: credsFor(flavour) });
    }
    const users = { 1: probe("n1"), 2: probe("n2", { out: "h4" }) };
    /** Runs user n (1 or 2) to its end (Complete or Catch). */
    const runUser = (n: 1 | 2) => users[n].run({ payload: 1 });
    const last = (id: "n1" | "n2") => users[id === "n1" ? 1 : 2].lastStatus();

    it("a node's own bad request (VAL-xxx from the service) leaves the other node's status alone", async () => {
      await loadUsers("licor");
      await runUser(2);
      const own = last("n2");
      assert.equal(own?.fill, "green");
      emu.faults.failNext(1, { status: 400, error: "VAL-006", message: "Invalid time range", path: "/v1/data" });
      const failed = await runUser(1);
      assert.match(String(failed.caught?.error.message), /VAL-006/);
      assert.match(String(last("n1")?.text), /VAL-006/);
      assert.equal(last("n2"), own, "n2 still shows its own result");
    });

    it("after a token refresh a node's own red status stays", async () => {
      await loadUsers("legacy");
      await runUser(1);
      emu.faults.failNext(1, { status: 400, error: "VAL-006", message: "Invalid time range", path: "/ws/data" });
      await runUser(2);
      const own = last("n2");
      assert.equal(own?.fill, "red");
      emu.faults.expireTokens();
      const tokens = emu.stats.tokenRequests;
      await runUser(1);
      assert.equal(emu.stats.tokenRequests, tokens + 1, "the token was refreshed");
      assert.equal(last("n2"), own, "n2 still shows its own error");
    });

    it("a connection error reaches every user; the recovery replaces it only where the config put it", async () => {
      await loadUsers("licor");
      emu.faults.failNext(1, { status: 401, path: "/v1/data" });
      await runUser(1);
      assert.deepEqual(last("n2"), { fill: "red", shape: "ring", text: "HOBOlink ATH-001" }, "n2 shows the connection error");
      assert.match(String(last("n1")?.text), /ATH-001/);
      await runUser(1);
      assert.deepEqual(last("n2"), { fill: "green", shape: "ring", text: "connected" }, "the recovery replaced the pushed error");
      assert.equal(last("n1")?.shape, "dot", "n1 shows its own result");
    });

    it("a node redeployed alone is shown a lasting connection error, not a stale 'connected'", async () => {
      await loadUsers("licor");
      await runUser(1);
      // Only n2 changed: Node-RED restarts it, and it registers again with the running config.
      await helper.setFlows(asFlow(twoUsers("licor", "renamed")), "nodes", { cfg: credsFor("licor") });
      assert.deepEqual(users[2].statuses(), [], "nothing replayed while the connection is fine");
      emu.faults.failNext(1, { status: 401, path: "/v1/data" });
      await runUser(1);
      await helper.setFlows(asFlow(twoUsers("licor", "again")), "nodes", { cfg: credsFor("licor") });
      assert.deepEqual(users[2].statuses(), [{ fill: "red", shape: "ring", text: "HOBOlink ATH-001" }], "the connection error is replayed");
    });
  });

  describe("advanced settings reach the shared client", () => {
    /** A hobo-data user n1 of a config with `settings`, with the probe's nodes; its probe. */
    async function loadUser(settings: Record<string, unknown>, span = "-30m") {
      const flow = [
        { id: "t1", type: "tab" },
        { id: "cfg", type: "hobo-config", flavour: "licor", endpoint: emu.url, ...settings },
        {
          id: "n1",
          type: "hobo-data",
          z: "t1",
          hobo: "cfg",
          loggers: [{ serial: "21092695" }],
          window: "relative",
          span,
          format: "raw",
          output: "all",
          wires: [["h1"]],
        },
        ...probeNodes("n1"),
      ];
      await helper.load([hoboConfig, hoboData], asFlow(flow), { cfg: { token: emu.licor.token } });
      return probe("n1");
    }

    it("timeout: a service that never answers fails after the configured seconds, with a clear error", async function () {
      this.timeout(15_000);
      const user = await loadUser({ timeout: 0.3 });
      emu.faults.failNext(10, { hang: true, path: "/v1/data" });
      const { out, caught } = await user.run();
      assert.deepEqual(out, []);
      assert.ok(caught, "the failure reaches the Catch node");
      assert.match(caught.error.message, /timed out/);
      assert.ok(emu.stats.byStatus.hung >= 1);
    });

    it("concurrency: five polls at once keep to the configured number of requests in flight", async () => {
      const user = await loadUser({ concurrency: 2, rpm: 100000 });
      emu.faults.setLatency(50);
      emu.stats.reset();
      const { out, caught, ended } = await user.runAll([0, 1, 2, 3, 4].map((payload) => ({ payload })));
      assert.deepEqual([out.length, ended, caught], [5, 5, undefined]);
      assert.equal(emu.stats.dataRequests, 5);
      assert.equal(emu.stats.maxInFlight, 2);
    });
  });

  describe("POST hobo-config/test", () => {
    it("requires hobo-config.write (denied without it)", async () => {
      // The helper's node API admits every request; this one admits only a request that carries
      // (in x-permission) the permission its route asked for, and notes what was asked.
      const asked: string[] = [];
      const registry = (helper as unknown as { _registryUtil: { createNodeApi(n: unknown): Record<string, unknown> } })._registryUtil;
      const build = registry.createNodeApi.bind(registry);
      const needsPermission = (permission: string) => {
        asked.push(permission);
        return (req: Request, res: Response, next: () => void) => (req.get("x-permission") === permission ? next() : void res.sendStatus(403));
      };
      sinon.replace(registry, "createNodeApi", (n: unknown) => ({ ...build(n), auth: { needsPermission } }));
      await load("licor", { token: emu.licor.token });
      assert.deepEqual([...new Set(asked)], ["hobo-config.write"]);
      const requests = emu.stats.requests;
      const typed = { flavour: "licor", endpoint: emu.url, token: emu.licor.token };
      await helper.request().post("/hobo-config/test").send(typed).expect(403);
      assert.equal(emu.stats.requests, requests, "a denied test sends nothing to the service");
      const res = await helper.request().post("/hobo-config/test").set("x-permission", "hobo-config.write").send(typed).expect(200);
      assert.equal(res.body.ok, true);
    });

    it("answers {ok:true} for good LI-COR values typed in the dialog", async () => {
      await load("licor", { token: emu.licor.token });
      const res = await helper.request().post("/hobo-config/test").send({ flavour: "licor", endpoint: emu.url, token: emu.licor.token }).expect(200);
      assert.equal(res.body.ok, true);
    });

    it("answers {ok:true} for good legacy values", async () => {
      await load("licor", { token: emu.licor.token });
      const res = await helper
        .request()
        .post("/hobo-config/test")
        .send({ flavour: "legacy", endpoint: emu.url, ...legacyCreds() })
        .expect(200);
      assert.equal(res.body.ok, true);
    });

    it("uses the deployed secret for an untouched password field", async () => {
      await load("legacy", legacyCreds());
      const body = { id: "cfg", flavour: "legacy", endpoint: emu.url, clientId: emu.legacy.clientId, userId: emu.legacy.userId, clientSecret: "__PWRD__" };
      const res = await helper.request().post("/hobo-config/test").send(body).expect(200);
      assert.equal(res.body.ok, true);
    });

    describe("stored secrets go only to the deployed flavour and endpoint", () => {
      let elsewhere: Listener;
      before(async () => {
        elsewhere = await startListener();
      });
      after(() => elsewhere.close());

      const cases: [string, () => Record<string, unknown>, () => Record<string, string>, string][] = [
        [
          "LI-COR token to another endpoint",
          () => ({ flavour: "licor", endpoint: elsewhere.url, token: "__PWRD__" }),
          () => ({ token: emu.licor.token }),
          "licor",
        ],
        [
          "legacy secret to another endpoint",
          () => ({ flavour: "legacy", endpoint: elsewhere.url, clientId: emu.legacy.clientId, userId: emu.legacy.userId, clientSecret: "" }),
          legacyCreds,
          "legacy",
        ],
        [
          "legacy secret for another flavour",
          () => ({ flavour: "licor", endpoint: emu.url, token: "__PWRD__" }),
          () => ({ ...legacyCreds(), token: emu.licor.token }),
          "legacy",
        ],
      ];
      for (const [label, body, stored, flavour] of cases) {
        it(`${label}: 400 asking to enter the secret again, nothing sent`, async () => {
          await load(flavour, stored());
          const requests = emu.stats.requests;
          const res = await helper
            .request()
            .post("/hobo-config/test")
            .send({ id: "cfg", ...body() })
            .expect(400);
          assert.match(res.body.error, /Enter the secret again: the endpoint changed/);
          assert.equal(elsewhere.hits, 0, "nothing reached the other endpoint");
          assert.equal(emu.stats.requests, requests, "nothing reached the deployed endpoint either");
        });
      }

      it("the same endpoint (a trailing slash aside) still uses the stored secret", async () => {
        await load("licor", { token: emu.licor.token });
        const res = await helper
          .request()
          .post("/hobo-config/test")
          .send({ id: "cfg", flavour: "licor", endpoint: `${emu.url}/`, token: "__PWRD__" })
          .expect(200);
        assert.equal(res.body.ok, true);
      });
    });

    it("answers 400 with the service's code and no secret for a wrong token", async () => {
      await load("licor", { token: emu.licor.token });
      const wrong = "Zz9WrongTokenWrongTokenWrongToken123";
      registerSecrets(wrong);
      const res = await helper.request().post("/hobo-config/test").send({ flavour: "licor", endpoint: emu.url, token: wrong }).expect(400);
      assert.match(res.body.error, /ATH-001/);
      assert.ok(!JSON.stringify(res.body).includes(wrong));
      // The answer joined the transcript the secret scan reads.
      assert.ok(
        emissionTranscript().some((line) => line.startsWith("admin ") && line.includes("ATH-001")),
        "the admin answer was recorded",
      );
    });

    it("answers 400 for a wrong legacy secret without echoing it", async () => {
      await load("licor", { token: emu.licor.token });
      const wrong = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed";
      const res = await helper
        .request()
        .post("/hobo-config/test")
        .send({ flavour: "legacy", endpoint: emu.url, ...legacyCreds(), clientSecret: wrong })
        .expect(400);
      assert.ok(res.body.error);
      assert.ok(!JSON.stringify(res.body).includes(wrong));
    });

    it("answers 400 with ATH-002 for legacy credentials with a wrong user id (the token alone proves nothing about it)", async () => {
      await load("licor", { token: emu.licor.token });
      const res = await helper
        .request()
        .post("/hobo-config/test")
        .send({ flavour: "legacy", endpoint: emu.url, ...legacyCreds(), userId: "11111" })
        .expect(400);
      assert.match(res.body.error, /ATH-002/);
      assert.ok(!JSON.stringify(res.body).includes(emu.legacy.clientSecret));
    });

    it("answers 400 before any request for missing values", async () => {
      await load("licor", { token: emu.licor.token });
      const requests = emu.stats.requests;
      const res = await helper.request().post("/hobo-config/test").send({ flavour: "licor", endpoint: emu.url }).expect(400);
      assert.match(res.body.error, /no API token/);
      assert.equal(emu.stats.requests, requests);
    });
  });
});
