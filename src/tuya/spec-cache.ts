/**
 * Device specifications (data-point types, scales, units) cached per client, so every node of one
 * tuya-config shares them: one fetch per device (concurrent askers share it), kept for a while
 * (a spec rarely changes; the expiry picks up a firmware that changed scales). A device that has
 * no spec (Tuya answers 2009 "not support this device", as tinytuya reads it) is reported in
 * `failed` and remembered as such, instead of failing the whole run. Any other error (throttling,
 * 5xx, permission or region codes the user fixes in the Tuya console) fails as it is and is not
 * remembered, so no unscaled values are sent by accident.
 */
import { ApiError, isAbortError } from "../core/errors";
import { abortable } from "../core/signals";

/** Tuya's answer for a device that has no specification to read. */
const NO_SPEC_CODES = new Set([2009]);
/** How long a spec (or a 2009 refusal) is kept: an hour. */
export const SPEC_TTL_MS = 60 * 60_000;

/** Specs that were read, and why the others could not be ("Tuya 2009 not support this device"). */
export interface SpecLookup<S> {
  specs: Map<string, S>;
  failed: Map<string, string>;
}

type Entry<S> = { at: number; spec?: S; refused?: string; pending?: Promise<void> };

export class SpecificationCache<S> {
  private readonly entries = new Map<string, Entry<S>>();

  constructor(
    private readonly fetch: (id: string) => Promise<S>,
    private readonly ttlMs = SPEC_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(ids: readonly string[], signal?: AbortSignal): Promise<SpecLookup<S>> {
    await Promise.all(ids.map((id) => abortable(this.load(id), signal)));
    const specs = new Map<string, S>();
    const failed = new Map<string, string>();
    for (const id of ids) {
      const e = this.entries.get(id);
      if (e?.spec !== undefined) specs.set(id, e.spec);
      else if (e?.refused !== undefined) failed.set(id, e.refused);
    }
    return { specs, failed };
  }

  clear(): void {
    this.entries.clear();
  }

  /** The device's entry, fetched when missing or expired; one fetch shared by concurrent askers. */
  private load(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (e?.pending) return e.pending;
    if (e && !e.pending && this.now() - e.at < this.ttlMs) return Promise.resolve();
    const entry: Entry<S> = { at: this.now() };
    entry.pending = this.fetch(id).then(
      (spec) => {
        Object.assign(entry, { spec, at: this.now(), pending: undefined });
      },
      (err: unknown) => {
        if (!(err instanceof ApiError) || !NO_SPEC_CODES.has(Number(err.code)) || isAbortError(err)) {
          if (this.entries.get(id) === entry) this.entries.delete(id);
          throw err;
        }
        Object.assign(entry, { refused: err.message, at: this.now(), pending: undefined });
      },
    );
    this.entries.set(id, entry);
    return entry.pending;
  }
}
