// The shared axios instance against a real local server: User-Agent, keep-alive, no redirects or
// proxies, every status resolved with the body as text; HTML and other non-JSON bodies, timeouts,
// aborts, refused and reset connections all become typed errors.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AxiosInstance, AxiosResponse } from "axios";
import { AbortError, ApiError } from "../../../src/core/errors";
import { PACKAGE_NAME, PACKAGE_VERSION, USER_AGENT, createHttpClient, parseJsonBody, transportError } from "../../../src/core/http";

const SECRET = "7c4a8d09ca3762af61e59520943dc264";
const HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

interface Seen {
  path: string;
  userAgent?: string;
  remotePort?: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const routes: Record<string, Handler> = {
  "/json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"success":true,"result":[1,2]}'),
  "/html502": (_req, res) => res.writeHead(502, { "content-type": "text/html" }).end(HTML_502),
  "/text200": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("OK"),
  "/status500": (_req, res) => res.writeHead(500, { "content-type": "application/json" }).end('{"code":500}'),
  "/redirect": (_req, res) => res.writeHead(302, { location: "/json" }).end(),
  // A long error page whose secret straddles the 500-character cut of responseText.
  "/long": (_req, res) => res.writeHead(503, { "content-type": "text/html" }).end(`${"x".repeat(490)}${SECRET}${"y".repeat(200)}`),
  // Headers sent, body never finished: only an abort or a timeout ends the wait.
  "/hang": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"partial":');
  },
  "/reset": (req) => req.socket.destroy(),
};

describe("core/http", () => {
  let server: http.Server;
  let baseURL: string;
  let seen: Seen[];
  const clients: AxiosInstance[] = [];

  function client(timeoutMs?: number): AxiosInstance {
    const c = createHttpClient({ baseURL, timeoutMs });
    clients.push(c);
    return c;
  }

  /** The error a request ends with, turned into what the clients throw. */
  async function failure(c: AxiosInstance, path: string, signal?: AbortSignal): Promise<Error> {
    try {
      await c.get(path, { signal });
    } catch (err) {
      return transportError(err, "tuya", "GET", path, [SECRET]);
    }
    assert.fail(`GET ${path} did not fail`);
  }

  before(async () => {
    server = http.createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0];
      seen.push({ path, userAgent: req.headers["user-agent"], remotePort: req.socket.remotePort });
      (routes[path] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
  });

  after(async () => {
    for (const c of clients) (c.defaults.httpAgent as http.Agent).destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("names the pack and its package.json version in the User-Agent the server sees", async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as { name: string; version: string };
    assert.equal(PACKAGE_NAME, pkg.name);
    assert.equal(PACKAGE_VERSION, pkg.version);
    await client().get("/json");
    assert.equal(seen[0].userAgent, USER_AGENT);
    assert.ok(USER_AGENT.startsWith(`${pkg.name}/${pkg.version} `), USER_AGENT);
  });

  it("resolves every status with the body as text, and parses JSON only when asked", async () => {
    const c = client();
    const ok = await c.get("/json");
    assert.equal(ok.data, '{"success":true,"result":[1,2]}');
    assert.deepEqual(parseJsonBody(ok, "tuya"), { success: true, result: [1, 2] });
    const failed = await c.get("/status500");
    assert.equal(failed.status, 500);
    assert.equal(failed.data, '{"code":500}');
    assert.equal((await c.get("/nowhere")).status, 404);
  });

  it("does not follow redirects", async () => {
    const res = await client().get("/redirect");
    assert.equal(res.status, 302);
    assert.deepEqual(
      seen.map((s) => s.path),
      ["/redirect"],
    );
  });

  it("keeps the connection alive between requests", async () => {
    const c = client();
    await c.get("/json");
    await c.get("/json");
    assert.equal(seen.length, 2);
    assert.equal(seen[0].remotePort, seen[1].remotePort);
  });

  it("ignores proxy settings from the environment", async () => {
    const names = ["HTTP_PROXY", "http_proxy"] as const;
    const saved = names.map((n) => process.env[n]);
    for (const n of names) process.env[n] = "http://127.0.0.1:9";
    try {
      assert.equal((await client().get("/json")).status, 200);
    } finally {
      names.forEach((n, i) => {
        if (saved[i] === undefined) delete process.env[n];
        else process.env[n] = saved[i];
      });
    }
  });

  it("turns an HTML 502 into a retryable ApiError that says what came back", async () => {
    const res = await client().get("/html502");
    assert.throws(
      () => parseJsonBody(res, "hobolink"),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.platform, "hobolink");
        assert.equal(err.status, 502);
        assert.equal(err.code, "HTTP 502");
        assert.equal(err.retryable, true);
        assert.match(err.message, /^HOBOlink HTTP 502 the server answered with a non-JSON body \(text\/html\): the service or a proxy/);
        assert.equal(err.responseText, HTML_502);
        return true;
      },
    );
  });

  it("turns a non-JSON 200 into a non-retryable ApiError pointing at the endpoint", async () => {
    const res = await client().get("/text200");
    assert.throws(
      () => parseJsonBody(res, "tuya"),
      (err: unknown) =>
        err instanceof ApiError && err.status === 200 && !err.retryable && /check the endpoint URL/.test(err.message) && err.responseText === "OK",
    );
    const empty = { ...res, data: "", headers: {} } as AxiosResponse;
    assert.throws(
      () => parseJsonBody(empty, "tuya"),
      (err: unknown) => err instanceof ApiError && /non-JSON body \(unknown type\)/.test(err.message),
    );
  });

  it("keeps no part of a secret that straddles the response-text cut", async () => {
    const res = await client().get("/long");
    assert.throws(
      () => parseJsonBody(res, "tuya", [SECRET]),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.retryable, true);
        assert.ok(err.responseText.length <= 500);
        assert.ok(!err.responseText.includes(SECRET.slice(0, 4)), err.responseText.slice(480));
        return true;
      },
    );
  });

  it("turns an abort mid-request into AbortError", async () => {
    const controller = new AbortController();
    const c = client();
    const pending = failure(c, "/hang", controller.signal);
    while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const err = await pending;
    assert.ok(err instanceof AbortError, String(err));
  });

  it("turns a timeout into a retryable ApiError that may have run", async () => {
    const err = await failure(client(50), "/hang");
    assert.ok(err instanceof ApiError, String(err));
    assert.match(String(err.code), /^(ECONNABORTED|ETIMEDOUT)$/);
    assert.equal(err.serviceMessage, "the request timed out");
    assert.equal(err.retryable, true);
    assert.equal(err.notExecuted, false);
    assert.equal(err.method, "GET");
    assert.equal(err.path, "/hang");
  });

  it("marks a reset connection retryable for reads only, and a refused one as not executed", async () => {
    const reset = await failure(client(), "/reset");
    assert.ok(reset instanceof ApiError);
    assert.equal(reset.retryable, true);
    assert.equal(reset.notExecuted, false);
    assert.match(reset.message, /commands are not \(they may have run\)/);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refusedClient = createHttpClient({ baseURL: `http://127.0.0.1:${port}` });
    clients.push(refusedClient);
    const refused = await failure(refusedClient, "/json");
    assert.ok(refused instanceof ApiError);
    assert.equal(refused.code, "ECONNREFUSED");
    assert.equal(refused.notExecuted, true);
    assert.match(refused.message, /could not be reached/);
  });

  it("wraps a failure that is not axios's, keeping secrets out", () => {
    const err = transportError(new Error(`socket hang up near ${SECRET}`), "tuya", "POST", `/v1.0/token?secret=${SECRET}`, [SECRET]);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, "ENETWORK");
    assert.ok(!JSON.stringify(err).includes(SECRET) && !err.message.includes(SECRET));
    assert.ok(transportError(Object.assign(new Error("x"), { name: "CanceledError" }), "tuya", "GET", "/") instanceof AbortError);
    assert.equal((transportError("boom", "hobolink", "GET", "/") as ApiError).serviceMessage, "boom");
  });
});
