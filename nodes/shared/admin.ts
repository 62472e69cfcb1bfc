/**
 * Admin HTTP routes for the editor (test connection, device lists). Each is guarded by
 * RED.auth.needsPermission, answers JSON, and turns failures into a redacted 400 message.
 * Dialog values may be unsaved: a password field the user did not touch arrives as the
 * placeholder "__PWRD__" (or not at all), and then the deployed node's stored credential is used,
 * as long as the dialog still names the endpoint the node was deployed with.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { redact } from "../../src/core/redact";
import { inputError, localized, translator } from "./i18n";

const PASSWORD_PLACEHOLDER = "__PWRD__";

export type AdminHandler = (req: Request) => Promise<unknown>;

export function adminRoute(
  RED: NodeAPI,
  method: "get" | "post",
  path: string,
  permission: string,
  handler: AdminHandler,
  secrets: (req: Request) => string[] = () => [],
): void {
  const t = translator(RED);
  RED.httpAdmin[method](path, RED.auth.needsPermission(permission), (req: Request, res: Response) => {
    handler(req).then(
      (body) => res.json(body),
      (failure: unknown) => {
        const err = localized(failure, t);
        const message = err instanceof Error ? err.message : String(err);
        res.status(400).json({ error: redact(message, secrets(req)) });
      },
    );
  });
}

/** The property a deployed config node exposes for dialogCredentials: where its stored secrets may go. */
export const CREDENTIAL_TARGET = "credentialTarget";

function typedValue(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== PASSWORD_PLACEHOLDER ? value : undefined;
}

/**
 * Credential values typed in the dialog, with untouched fields filled from the stored
 * credentials of the node being edited (by id), but only when the dialog still names the
 * deployed node's target (`target`, compared with the node's CREDENTIAL_TARGET): a stored
 * secret never goes to an endpoint it was not deployed for. Otherwise an untouched secret
 * field is an InputError asking to type it again.
 */
export function dialogCredentials(
  RED: NodeAPI,
  body: Record<string, unknown>,
  fields: readonly string[],
  secretFields: readonly string[],
  target: string,
): Record<string, string> {
  const id = typeof body.id === "string" && body.id ? body.id : undefined;
  const deployed = id ? (RED.nodes.getNode(id) as unknown as Record<string, unknown> | null) : null;
  const same = deployed !== null && deployed[CREDENTIAL_TARGET] === target;
  const stored = (id ? RED.nodes.getCredentials(id) : undefined) as Record<string, string> | undefined;
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = typedValue(body[field]);
    if (value === undefined && !same && stored?.[field] && secretFields.includes(field)) {
      throw inputError("common.errors.secretAgain", { field });
    }
    out[field] = value ?? (same ? stored?.[field] : undefined) ?? "";
  }
  return out;
}

/** Every secret a test route's answer must not carry: the typed ones and the stored ones (for redaction only). */
export function dialogSecrets(RED: NodeAPI, body: Record<string, unknown>, secretFields: readonly string[]): string[] {
  const id = typeof body.id === "string" && body.id ? body.id : undefined;
  const stored = (id ? RED.nodes.getCredentials(id) : undefined) as Record<string, string> | undefined;
  return secretFields.flatMap((f) => [typedValue(body[f]), stored?.[f]]).filter((v): v is string => v !== undefined && v !== "");
}
