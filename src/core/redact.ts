/**
 * Redaction: removes known secrets and anything shaped like a credential (token fields, bearer
 * headers, signature and secret parameters) from text before it reaches an error, a log or a msg.
 */
const MASK = "***";
const MIN_SECRET_LENGTH = 4;

// key=value, "key":"value" and key: value forms of credential-bearing names.
const SENSITIVE_KEYS = "access_token|refresh_token|client_secret|accessSecret|access_secret|secret|password|sign|token|api_token|apiToken";
const KEY_VALUE = new RegExp(`((?:["']?)(?:${SENSITIVE_KEYS})(?:["']?)\\s*[:=]\\s*["']?)([^"'&\\s,}]+)`, "gi");
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const BASIC = /(basic\s+)[A-Za-z0-9+/=]+/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Returns text with every given secret (and its URL-encoded form) and every credential-shaped value masked. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const list = [...secrets].filter((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  // Longest first, so a secret that contains another is masked whole.
  list.sort((a, b) => b.length - a.length);
  for (const secret of list) {
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.replace(new RegExp(escapeRegExp(form), "g"), MASK);
    }
  }
  return out.replace(BEARER, `$1${MASK}`).replace(BASIC, `$1${MASK}`).replace(KEY_VALUE, `$1${MASK}`);
}
