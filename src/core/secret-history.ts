/**
 * Every secret a client has held, for redaction: its own credentials (kept for its life) and the
 * tokens it was given, the superseded ones included, since a server or proxy may echo an old
 * token in an error body long after it was replaced. Bounded: the oldest tokens are forgotten
 * past `maxTokens`, so a client that runs for years holds a fixed amount.
 */
export const DEFAULT_TOKEN_HISTORY = 32;

export class SecretHistory implements Iterable<string> {
  private readonly pinned = new Set<string>();
  private readonly tokens = new Set<string>();

  constructor(private readonly maxTokens = DEFAULT_TOKEN_HISTORY) {}

  /** A credential kept for the client's life (client secret, API token). */
  pin(secret: string | undefined): void {
    if (secret) this.pinned.add(secret);
  }

  /** A token the client was given; the oldest is forgotten past the bound. */
  remember(token: string | undefined): void {
    if (!token || this.pinned.has(token)) return;
    this.tokens.delete(token);
    this.tokens.add(token);
    if (this.tokens.size > this.maxTokens) {
      const [oldest] = this.tokens;
      this.tokens.delete(oldest);
    }
  }

  get size(): number {
    return this.pinned.size + this.tokens.size;
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.pinned;
    yield* this.tokens;
  }
}
