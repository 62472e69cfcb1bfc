/**
 * Custom endpoints of the config nodes: tokens and signed requests go there, so plain http is
 * allowed only on this machine (the emulators on 127.0.0.1, localhost, ::1); anything else must
 * be https.
 */
import { InputError } from "../../src/core/errors";

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Throws an InputError for an http:// endpoint on another host (the URL is known to start with http(s)://). */
export function requireHttpsUnlessLocal(endpoint: string, configType: string): void {
  if (!/^http:\/\//i.test(endpoint)) return;
  let hostname = "";
  try {
    hostname = new URL(endpoint).hostname;
  } catch {
    // An unparsable URL is not loopback: refused below.
  }
  if (!isLoopback(hostname)) {
    throw new InputError(`The ${configType}'s endpoint "${endpoint.slice(0, 60)}" uses plain http, which would send the credentials unencrypted: use https (http is allowed only for this machine, e.g. a local emulator)`);
  }
}
