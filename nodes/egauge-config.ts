/**
 * egauge-config: one eGauge meter (URL or proxy device name, account, TLS trust). It owns the one
 * client its users share (one login, 1-2 requests in flight) and closes it on redeploy. Admin
 * routes let the dialogs test the typed values (firmware and the account's rights) and list the
 * meter's registers before anything is deployed.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Request } from "express";
import { EgaugeClient } from "../src/egauge";
import { adminRoute, CREDENTIAL_TARGET, dialogCredentials, dialogSecrets } from "./shared/admin";
import { ConfigUsers } from "./shared/config-users";
import { translator } from "./shared/i18n";
import { hasCredentials } from "./shared/not-configured";
import { clientOptions, CREDENTIAL_FIELDS, EgaugeConnection, egaugeTarget, SECRET_FIELDS, type EgaugeCredentials, type EgaugeSettings } from "./egauge-common";
import { migrate } from "./shared/migrate";
import { debugLogging } from "./shared/connection";

type EgaugeConfigDef = NodeDef & EgaugeSettings;

interface EgaugeConfigNode extends Node<EgaugeCredentials> {
  connection: EgaugeConnection;
  /** The dialogs' routes use the stored password only for this same meter. */
  [CREDENTIAL_TARGET]: string;
}

/** A short-lived client for the dialog's values (untouched password: the deployed node's, same meter only). */
async function withDialogClient<T>(RED: NodeAPI, req: Request, run: (client: EgaugeClient, signal: AbortSignal) => Promise<T>): Promise<T> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const creds = dialogCredentials(RED, body, CREDENTIAL_FIELDS, SECRET_FIELDS, egaugeTarget(body));
  const options = clientOptions(body, creds);
  const client = new EgaugeClient(options);
  try {
    return await run(client, AbortSignal.timeout(options.timeoutMs ?? 30_000));
  } finally {
    await client.close();
  }
}

export = function (RED: NodeAPI): void {
  function EgaugeConfig(this: EgaugeConfigNode, def: EgaugeConfigDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("egauge-config", def);
    const users = new ConfigUsers(
      hasCredentials(() => clientOptions(def, this.credentials ?? {})),
      translator(RED),
    );
    const meterName = (typeof def.name === "string" && def.name.trim()) || egaugeTarget(def).replace(/^https?:\/\//, "") || "egauge";
    const create = () => new EgaugeClient(clientOptions(def, this.credentials ?? {}));
    this.connection = new EgaugeConnection(this, { configType: "egauge-config", platform: "eGauge", users, create, debug: debugLogging(RED) }, meterName);
    this[CREDENTIAL_TARGET] = egaugeTarget(def);
  }

  RED.nodes.registerType<EgaugeConfigNode, EgaugeConfigDef, unknown, EgaugeCredentials>("egauge-config", EgaugeConfig, {
    credentials: { user: { type: "text" }, password: { type: "password" } },
  });
  const secrets = (req: Request) => dialogSecrets(RED, (req.body ?? {}) as Record<string, unknown>, SECRET_FIELDS);
  adminRoute(
    RED,
    "post",
    "/egauge-config/test",
    "egauge-config.write",
    (req) => withDialogClient(RED, req, async (client, signal) => ({ ok: true, ...(await client.info(signal)) })),
    secrets,
  );
  adminRoute(
    RED,
    "post",
    "/egauge-config/registers",
    "egauge-config.read",
    (req) => withDialogClient(RED, req, (client, signal) => client.registers({ virtual: true, signal })),
    secrets,
  );
};
