/**
 * Admin HTTP routes for the editor (test connection, device lists). Each is guarded by
 * RED.auth.needsPermission, answers JSON, and turns failures into a redacted 400 message.
 * Dialog values may be unsaved: a password field the user did not touch arrives as the
 * placeholder "__PWRD__" (or not at all), and then the deployed node's stored credential is used.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { redact } from "../../src/core/redact";

const PASSWORD_PLACEHOLDER = "__PWRD__";

export type AdminHandler = (req: Request) => Promise<unknown>;

export function adminRoute(RED: NodeAPI, method: "get" | "post", path: string, permission: string, handler: AdminHandler, secrets: (req: Request) => string[] = () => []): void {
  RED.httpAdmin[method](path, RED.auth.needsPermission(permission), (req: Request, res: Response) => {
    handler(req).then(
      (body) => res.json(body),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        res.status(400).json({ error: redact(message, secrets(req)) });
      },
    );
  });
}

/**
 * Credential values typed in the dialog, with untouched password fields filled from the stored
 * credentials of the node being edited (by id).
 */
export function dialogCredentials(RED: NodeAPI, id: unknown, typed: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  const stored = (typeof id === "string" && id ? RED.nodes.getCredentials(id) : undefined) as Record<string, string> | undefined;
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = typed[field];
    out[field] = typeof value === "string" && value !== "" && value !== PASSWORD_PLACEHOLDER ? value : (stored?.[field] ?? "");
  }
  return out;
}
