/**
 * Token cache: holds one token and its expiry, refreshes it inside a margin before expiry, and
 * makes concurrent callers share a single in-flight fetch. A failed fetch is not cached, so the
 * next caller tries again.
 */
export interface Token<T> {
  value: T;
  /** Local epoch ms at which the token stops working. */
  expiresAt: number;
}

export interface TokenCacheOptions {
  /** Refresh this long before expiry (default 60 s, as bestlab and the official SDKs do). */
  marginMs?: number;
  now?: () => number;
}

/** Fetches a new token; receives the current one (possibly stale) so it can use a refresh token. */
export type TokenFetcher<T> = (current: Token<T> | undefined) => Promise<Token<T>>;

export class TokenCache<T> {
  private token?: Token<T>;
  private inFlight?: Promise<Token<T>>;
  private inFlightGeneration = 0;
  private generation = 0;
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetcher: TokenFetcher<T>,
    options: TokenCacheOptions = {},
  ) {
    this.marginMs = options.marginMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A valid token, fetched or refreshed when needed. */
  async get(): Promise<T> {
    if (this.token && !this.needsRefresh()) return this.token.value;
    return (await this.refresh()).value;
  }

  /** Forces a fetch (shared with any fetch already under way, unless invalidate() came after it began). */
  refresh(): Promise<Token<T>> {
    if (this.inFlight && this.inFlightGeneration === this.generation) return this.inFlight;
    const generation = this.generation;
    let started: Promise<Token<T>>;
    try {
      started = this.fetcher(this.token);
    } catch (err) {
      // A fetcher that throws instead of rejecting still gives every caller a rejection.
      started = Promise.reject(err);
    }
    const fetch: Promise<Token<T>> = started
      .then((token) => {
        // An invalidate() during the fetch wins: this token may already be the rejected one.
        if (generation === this.generation) this.token = token;
        return token;
      })
      .finally(() => {
        // A fetch overtaken by a newer one must not clear the newer one's slot.
        if (this.inFlight === fetch) this.inFlight = undefined;
      });
    this.inFlight = fetch;
    this.inFlightGeneration = generation;
    return fetch;
  }

  /** True when there is no token or it expires within the margin. */
  needsRefresh(): boolean {
    return !this.token || this.token.expiresAt - this.marginMs <= this.now();
  }

  /** The cached token without fetching (may be stale). */
  peek(): Token<T> | undefined {
    return this.token;
  }

  /** Drops the token, e.g. after the server rejected it. */
  invalidate(): void {
    this.token = undefined;
    this.generation += 1;
  }
}
