/**
 * The hobo-config's admin route, for the editor: test the dialog's values (untouched password
 * fields come from the deployed node, for its own flavour and endpoint only) with a short-lived
 * client that is always closed.
 */
import type { NodeAPI } from "node-red";
import type { Request } from "express";
import { createHoboClient } from "../src/hobo";
import { adminRoute, dialogCredentials, dialogSecrets } from "./shared/admin";
import { clientOptions, CREDENTIAL_FIELDS, hoboTarget, SECRET_FIELDS } from "./hobo-common";

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

export function registerAdminRoutes(RED: NodeAPI): void {
  adminRoute(
    RED,
    "post",
    "/hobo-config/test",
    "hobo-config.write",
    (req) => testDialogValues(RED, req),
    (req) => dialogSecrets(RED, (req.body ?? {}) as Record<string, unknown>, SECRET_FIELDS),
  );
}
