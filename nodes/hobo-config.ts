/**
 * hobo-config: one HOBOlink account, either LI-COR Cloud v1 (API token) or the legacy HOBOlink
 * web services (client id, client secret, user id). Its connection (hobo-common.ts
 * HoboConnection) owns the one client its users share, so a poll and a backfill running together
 * stay within one rate limit; it pushes the client's connection state to its users and closes the
 * client on redeploy. The editor's test route is in hobo-config-admin.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { createHoboClient } from "../src/hobo";
import { CREDENTIAL_TARGET } from "./shared/admin";
import { ConfigUsers } from "./shared/config-users";
import { hasCredentials } from "./shared/not-configured";
import { translator } from "./shared/i18n";
import { registerAdminRoutes } from "./hobo-config-admin";
import { clientOptions, flavourOf, HoboConnection, hoboTarget, type HoboCredentials, type HoboSettings } from "./hobo-common";
import { migrate } from "./shared/migrate";
import { debugLogging } from "./shared/connection";

type HoboConfigDef = NodeDef & HoboSettings;

interface HoboConfigNode extends Node<HoboCredentials> {
  connection: HoboConnection;
  /** The dialog's test route uses the stored secrets only for this same flavour and endpoint. */
  [CREDENTIAL_TARGET]: string;
}

export = function (RED: NodeAPI): void {
  function HoboConfig(this: HoboConfigNode, def: HoboConfigDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("hobo-config", def);
    const users = new ConfigUsers(
      hasCredentials(() => clientOptions(def, this.credentials ?? {})),
      translator(RED),
    );
    const create = (logger: HoboConnection["logger"]) => createHoboClient(clientOptions(def, this.credentials ?? {}, logger));
    this.connection = new HoboConnection(
      this,
      { configType: "hobo-config", platform: "HOBOlink", users, create, debug: debugLogging(RED) },
      flavourOf(def.flavour),
    );
    this[CREDENTIAL_TARGET] = hoboTarget(def);
  }

  RED.nodes.registerType<HoboConfigNode, HoboConfigDef, unknown, HoboCredentials>("hobo-config", HoboConfig, {
    credentials: { token: { type: "password" }, clientId: { type: "text" }, clientSecret: { type: "password" }, userId: { type: "text" } },
  });
  registerAdminRoutes(RED);
};
