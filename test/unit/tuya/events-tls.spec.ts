// TLS verification stays on: the message service behind a self-signed certificate is refused
// until its certificate is given as the CA (the emulator's service on an https server).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { MessageService } from "../../../src/emulator/tuya/mq/service";
import { TuyaEventConsumer, type ConsumerState } from "../../../src/tuya/events";
import { until } from "./events-helpers";

const tls = join(__dirname, "../../fixtures/egauge-tls");
const cert = readFileSync(join(tls, "cert.pem"), "utf8");
const ACCESS_ID = "tlsAccessId000000001";
const SECRET = "tlssecret0000000000000000000001x";

describe("tuya events consumer over TLS", () => {
  let server: Server;
  let service: MessageService;
  let url: string;
  const consumers: TuyaEventConsumer[] = [];

  before(async () => {
    service = new MessageService({ accessId: ACCESS_ID, accessSecret: SECRET, now: Date.now });
    server = createServer({ cert, key: readFileSync(join(tls, "key.pem")) });
    server.on("upgrade", (req, socket, head) => {
      if (!service.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.close()));
    service.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const start = (ca?: string) => {
    const c = new TuyaEventConsumer({ endpoint: url, accessId: ACCESS_ID, accessKey: SECRET, ca, backoff: { initialMs: 20, maxMs: 50 } });
    const states: ConsumerState[] = [];
    c.on("state", (s: ConsumerState) => states.push(s));
    consumers.push(c);
    c.start();
    return { c, states };
  };

  it("an unknown self-signed certificate is refused (verification is not turned off)", async () => {
    const { c, states } = start();
    await until(() => states.filter((s) => s.state === "reconnecting").length >= 2, "two failed attempts");
    assert.ok(!states.some((s) => s.state === "connected"));
    const reason = (states.find((s) => s.state === "reconnecting") as { reason: string }).reason;
    assert.match(reason, /self[- ]signed|certificate/i);
    await c.close();
  });

  it("connects when the certificate is given as the CA", async () => {
    const { states } = start(cert);
    await until(() => states.some((s) => s.state === "connected"), "the connection");
  });
});
