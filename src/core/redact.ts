/**
 * Redaction: removes known secrets and anything shaped like a credential (token fields, bearer
 * headers, signature and secret parameters) from text before it reaches an error, a log or a msg.
 */
const MASK = "***";
const MIN_SECRET_LENGTH = 4;

// key=value, "key":"value" and key: value forms of credential-bearing names. The unquoted
// "key: value" form is also how people write prose ("enter the secret: open ..."), so there
// only values with a digit, as generated secrets and tokens have, are taken for credentials.
const SENSITIVE_KEYS = "access_token|refresh_token|client_secret|accessSecret|access_secret|secret|password|sign|token|api_token|apiToken";
const VALUE = `[^"'&\\s,}]+`;
const KEY_ASSIGN = new RegExp(`((?:["']?)(?:${SENSITIVE_KEYS})(?:["']?)\\s*=\\s*["']?)(${VALUE})`, "gi");
const KEY_QUOTED = new RegExp(`((["'])(?:${SENSITIVE_KEYS})\\2\\s*:\\s*["']?)(${VALUE})`, "gi");
const KEY_COLON = new RegExp(`(\\b(?:${SENSITIVE_KEYS})\\s*:\\s*)(?=[^"'&\\s,}]*\\d)(${VALUE})`, "gi");
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const BASIC = /(basic\s+)[A-Za-z0-9+/=]+/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The ways a secret is written into text: as is, URL-encoded (path or form) and JSON-escaped. */
function forms(secret: string): Set<string> {
  const out = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  try {
    out.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded, so it cannot stand in a URL either.
  }
  out.add(new URLSearchParams({ s: secret }).toString().slice(2));
  return out;
}

/** Returns text with every given secret (and its encoded forms) and every credential-shaped value masked. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const list = [...secrets].filter((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  // Longest first, so a secret that contains another is masked whole.
  list.sort((a, b) => b.length - a.length);
  for (const secret of list) {
    for (const form of forms(secret)) {
      out = out.replace(new RegExp(escapeRegExp(form), "g"), MASK);
    }
  }
  out = out.replace(BEARER, `$1${MASK}`).replace(BASIC, `$1${MASK}`);
  return out.replace(KEY_ASSIGN, `$1${MASK}`).replace(KEY_QUOTED, `$1${MASK}`).replace(KEY_COLON, `$1${MASK}`);
}
