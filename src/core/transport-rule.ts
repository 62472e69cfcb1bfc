/**
 * The one transport rule of the pack: credentials and signed requests go over https, or over
 * plain http only to this machine (127.0.0.0/8, localhost, ::1: the local emulators). Every
 * client builds its HTTP instance through createHttpClient, which applies this rule to the base
 * URL (region, custom URL, flow file, admin route, library caller) and to every request's final
 * URL (a path from a message cannot point elsewhere), before any connection is opened.
 */
import { InputError } from "./errors";

/** True for a loopback host name or address (brackets of an IPv6 literal allowed). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The reason a URL breaks the rule, or undefined when credentials may go there. */
export function transportViolation(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "it is not an absolute http(s) URL";
  }
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol !== "http:") return `its scheme "${parsed.protocol.slice(0, 10)}" is not https`;
  if (isLoopbackHost(parsed.hostname)) return undefined;
  return "it uses plain http, which would send the credentials unencrypted: use https (http is allowed only for this machine, e.g. a local emulator)";
}

/** Throws an InputError naming `what` ("The tuya-config's endpoint") when the URL breaks the rule. */
export function requireSecureTransport(url: string, what: string): void {
  const reason = transportViolation(url);
  if (reason) throw new InputError(`${what} "${String(url).slice(0, 60)}" is refused: ${reason}`);
}
