// Per-(client, endpoint template) rate limit over a sliding 1-second window. Uses the real clock,
// not the injectable one: a frozen test clock must not make every request look simultaneous.

export class Throttle {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly qps: number) {}

  /** Records the call and returns true when it is within the limit. Rejected calls are not counted. */
  admit(clientId: string, template: string, nowMs = Date.now()): boolean {
    if (this.qps <= 0) return true;
    const key = `${clientId} ${template}`;
    const list = (this.hits.get(key) ?? []).filter((t) => nowMs - t < 1000);
    if (list.length >= this.qps) {
      this.hits.set(key, list);
      return false;
    }
    list.push(nowMs);
    this.hits.set(key, list);
    return true;
  }

  clear(): void {
    this.hits.clear();
  }
}

/** Optional trial-edition quota per calendar month (UTC) of the server clock (reference §5.4). */
export class Quota {
  private month = "";
  private used = 0;

  constructor(private readonly limit: number | undefined) {}

  admit(nowMs: number): boolean {
    if (this.limit === undefined) return true;
    const month = new Date(nowMs).toISOString().slice(0, 7);
    if (month !== this.month) {
      this.month = month;
      this.used = 0;
    }
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }
}
