/**
 * hobo-config: one HOBOlink account, either LI-COR Cloud v1 (API token) or the legacy HOBOlink
 * web services (client id, client secret, user id). It owns the one client its users share, so
 * a poll and a backfill running together stay within one rate limit; it pushes the client's
 * connection state to its users and closes the client on redeploy. An admin route lets the
 * editor test the typed values before anything is deployed.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Request } from "express";
import type { ClientState } from "../src/core/client";
import { AbortError } from "../src/core/errors";
import { createHoboClient, type HoboClient, type HoboClientOptions } from "../src/hobo";
import { adminRoute, CREDENTIAL_TARGET, dialogCredentials, dialogSecrets } from "./shared/admin";
import { closeClientOnClose } from "./shared/config";
import { ConfigUsers } from "./shared/config-users";
import { hasCredentials } from "./shared/not-configured";
import { translator } from "./shared/i18n";
import { clientOptions, CREDENTIAL_FIELDS, flavourOf, hoboTarget, SECRET_FIELDS, type HoboCredentials, type HoboSettings } from "./hobo-common";

type HoboConfigDef = NodeDef & HoboSettings;
type Logger = NonNullable<HoboClientOptions["logger"]>;

/** Tests the dialog's values (untouched password fields come from the deployed node) with a short-lived client. */
async function testDialogValues(RED: NodeAPI, req: Request): Promise<{ ok: true; flavour: string }> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const creds = dialogCredentials(RED, body, CREDENTIAL_FIELDS, SECRET_FIELDS, hoboTarget(body));
  const options = clientOptions(body, creds);
  const client = createHoboClient(options);
  try {
    await client.testConnection(AbortSignal.timeout(options.timeoutMs ?? 30_000));
    return { ok: true, flavour: options.flavour };
  } finally {
    await client.close();
  }
}

export = function (RED: NodeAPI): void {
  function HoboConfig(this: Node<HoboCredentials>, def: HoboConfigDef): void {
    RED.nodes.createNode(this, def);
    const users = new ConfigUsers(hasCredentials(() => clientOptions(def, this.credentials ?? {})), translator(RED));
    let client: HoboClient | undefined;
    let closed = false;
    const warned = new Set<string>();
    // The client's warnings (throttling, row caps) once each; they never carry secrets.
    const logger: Logger = {
      debug: (text: string) => this.debug(text),
      warn: (text: string) => {
        if (warned.has(text)) return;
        warned.add(text);
        this.warn(text);
      },
    };
    const onState = (state: ClientState) => users.update(state, "HOBOlink");

    const ensure = (): HoboClient => {
      // A late caller after close must not open a new client that nothing would close.
      if (closed) throw new AbortError("The hobo-config node was closed (redeploy or stop)");
      if (!client) {
        client = createHoboClient(clientOptions(def, this.credentials ?? {}, logger));
        client.on("state", onState);
      }
      return client;
    };

    const self = this as unknown as Record<string, unknown>;
    Object.defineProperty(self, "client", { get: ensure });
    self.users = users;
    self.flavour = flavourOf(def.flavour);
    // The dialog's test route uses the stored secrets only for this same flavour and endpoint.
    self[CREDENTIAL_TARGET] = hoboTarget(def);

    closeClientOnClose(this, () => {
      const closing = client;
      closed = true;
      client = undefined;
      return closing;
    });
  }

  RED.nodes.registerType<Node<HoboCredentials>, HoboConfigDef, unknown, HoboCredentials>("hobo-config", HoboConfig, {
    credentials: { token: { type: "password" }, clientId: { type: "text" }, clientSecret: { type: "password" }, userId: { type: "text" } },
  });
  adminRoute(RED, "post", "/hobo-config/test", "hobo-config.write", (req) => testDialogValues(RED, req), (req) => dialogSecrets(RED, (req.body ?? {}) as Record<string, unknown>, SECRET_FIELDS));
};
