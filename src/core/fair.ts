/**
 * Fair shares of one client among its users: every call is tagged with the user that made it (a
 * flow node's id), and the rate limiter serves the users round-robin, so one long job (a 50-year
 * backfill with hundreds of requests queued) never starves the other nodes on the same config: a
 * node's single request waits for at most one turn of each other user, not for the whole backlog.
 *
 * The tag travels with the async context (AsyncLocalStorage), so neither the node files nor the
 * clients' APIs carry it: a node runs its handler inside asOwner(id, ...) and every request the
 * handler causes, however deep in the client and across awaits, is counted as that node's.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const owners = new AsyncLocalStorage<string>();
/** Owners remembered per client. */
const MAX_OWNERS = 1000;

/** Runs fn with every client call it makes tagged as owner's (a flow node's id). */
export function asOwner<T>(owner: string, fn: () => T): T {
  return owners.run(owner, fn);
}

/** The owner of the calls made here ("" outside any asOwner: a script, an admin route). */
export function currentOwner(): string {
  return owners.getStore() ?? "";
}

/**
 * The turn order among owners: the owner served least recently goes first (one that was never
 * served before anyone else), so owners with work waiting take turns, and a newcomer's first job
 * is next. Ties (one owner, or two never served) go to the job that came first.
 */
export class FairTurns {
  private readonly last = new Map<string, number>();
  private turn = 0;

  /** Notes that owner's job starts now. */
  served(owner: string): void {
    // Re-inserted so the map's order is the order served; the owner served longest ago is dropped
    // past MAX_OWNERS (nodes come and go with deploys; it would merely count as a newcomer).
    this.last.delete(owner);
    this.last.set(owner, ++this.turn);
    if (this.last.size > MAX_OWNERS) this.last.delete(this.last.keys().next().value as string);
  }

  /** True when a job of owner a (arrived as seqA) goes before one of owner b (seqB). */
  before(a: string, seqA: number, b: string, seqB: number): boolean {
    const ta = this.last.get(a) ?? 0;
    const tb = this.last.get(b) ?? 0;
    return ta !== tb ? ta < tb : seqA < seqB;
  }
}
