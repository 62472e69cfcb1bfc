// Tuya error codes and their messages as seen in the wild (reference §5.2).

export const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  500: "system error, please contact the admin",
  1000: "data not exist",
  1001: "secret invalid",
  1002: "access_token is null",
  1003: "grant type invalid",
  1004: "sign invalid",
  1005: "clientId invalid",
  1010: "token invalid",
  1011: "token invalid",
  1012: "token status is invalid",
  1013: "request time is invalid",
  1100: "param is empty",
  1101: "params range invalid",
  1102: "param is null",
  1103: "commands issue error",
  1104: "type is incorrect",
  1105: "missing the header",
  1106: "permission deny",
  1108: "uri path invalid",
  1109: "param is illegal, please check it",
  1110: "concurrent request over limit",
  1111: "system is busy, please retry later",
  1199: "your requests are too frequent",
  2001: "device is offline",
  2003: "function not support",
  2008: "command or value not support",
  2009: "not support this device",
  2010: "device not exist",
  28841001: "No permissions",
  28841002: "No permissions. Your subscription to cloud development plan has expired.",
  28841004: "No permissions. Your quota of Trial Edition is used up. Please upgrade to the official version.",
  28841101: "No permissions. This API is not subscribed.",
  28841107: "No permission. The data center is suspended.",
};

export function messageFor(code: number): string {
  return ERROR_MESSAGES[code] ?? "system error, please contact the admin";
}

/** Thrown by handlers; the server turns it into a success:false envelope. */
export class TuyaErrorReply extends Error {
  constructor(
    readonly code: number,
    msg?: string,
  ) {
    super(msg ?? messageFor(code));
  }
}

export function fail(code: number, msg?: string): never {
  throw new TuyaErrorReply(code, msg);
}
