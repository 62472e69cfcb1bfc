// Shared fast-check generators for secrets and the text around them (redaction and error specs).
import fc from "fast-check";

/** Secret-like text: the characters of keys, tokens and passwords (no space, quote or "*"). */
export const secret = fc.stringMatching(/^[A-Za-z0-9_\-.~+/=!@#$%^&()[\]{}|:;?,<>]{6,40}$/);

/** Text that may stand around a secret in a body, URL or header. */
export const surroundings = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("", " ", "?access_token=", "Bearer ", '{"msg":"', "&sign=", "/v1.0/devices/"),
);
