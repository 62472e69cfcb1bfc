/**
 * tuya-config: one Tuya Cloud project (region or custom endpoint, access id and secret, API
 * family). Its connection (tuya-common.ts TuyaConnection) owns the one client its users share
 * (token, limiter, call counter, specification cache), pushes the client's connection state to
 * them, and closes it on redeploy. The editor's routes are in tuya-config-admin.ts.
 */
import type { Node, NodeAPI } from "node-red";
import { TuyaEventConsumer, TuyaOpenApi } from "../src/tuya";
import { CREDENTIAL_TARGET } from "./shared/admin";
import { positiveSetting } from "./shared/config";
import { ConfigUsers } from "./shared/config-users";
import { hasCredentials } from "./shared/not-configured";
import { translator } from "./shared/i18n";
import { registerAdminRoutes } from "./tuya-config-admin";
import { TuyaConnection } from "./tuya-common";
import { eventOptions } from "./tuya-events-common";
import { clientOptions, tuyaTarget, type TuyaConfigDef, type TuyaCredentials } from "./tuya-settings";
import { migrate } from "./shared/migrate";
import { debugLogging } from "./shared/connection";

interface TuyaConfigNode extends Node<TuyaCredentials> {
  connection: TuyaConnection;
  /** The dialog's routes use the stored secret only for this same region or endpoint. */
  [CREDENTIAL_TARGET]: string;
}

export = function (RED: NodeAPI): void {
  function TuyaConfig(this: TuyaConfigNode, def: TuyaConfigDef): void {
    RED.nodes.createNode(this, def);
    def = migrate("tuya-config", def);
    const t = translator(RED);
    // Warns once when the monthly budget is near and once when it is spent (counts only, no secrets).
    const checkBudget = () => {
      const use = this.connection.peek()?.counter.budgetUse();
      if (!use) return;
      const counts = { used: use.used, budget: use.budget, month: use.month };
      if (use.over) this.connection.warnOnce("over", t("tuya-config.warnings.overBudget", counts));
      else if (use.near) this.connection.warnOnce("near", t("tuya-config.warnings.nearBudget", counts));
    };
    const users = new ConfigUsers(
      hasCredentials(() => clientOptions(def, this.credentials ?? {})),
      t,
    );
    const create = (logger: TuyaConnection["logger"]) => {
      const client = new TuyaOpenApi(clientOptions(def, this.credentials ?? {}, logger));
      client.on("call", checkBudget);
      return client;
    };
    // Realtime events: one message-service consumer for all tuya-events nodes on this config.
    const consumer = () => new TuyaEventConsumer(eventOptions(def, this.credentials ?? {}));
    this.connection = new TuyaConnection(
      this,
      { configType: "tuya-config", platform: "Tuya", users, create, onState: checkBudget, debug: debugLogging(RED) },
      consumer,
      positiveSetting(def.concurrency),
    );
    this[CREDENTIAL_TARGET] = tuyaTarget(def);
  }

  RED.nodes.registerType<TuyaConfigNode, TuyaConfigDef, unknown, TuyaCredentials>("tuya-config", TuyaConfig, {
    credentials: { accessId: { type: "text" }, accessSecret: { type: "password" } },
  });
  registerAdminRoutes(RED);
};
