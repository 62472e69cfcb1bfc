/**
 * A bound on what one message may hold: a node that gathers a whole window into one message ("all
 * at once") counts the rows it holds and fails as soon as they pass the cap, before the next
 * window is fetched, instead of growing without limit (a 50-year window of three HOBO loggers is
 * tens of millions of rows). The error says what to do: a shorter window, a higher cap, or output
 * that streams per window or page, whose footprint stays one window whatever the span.
 */
import { InputError } from "./errors";

/** Rows one message may hold unless the node says otherwise. */
export const DEFAULT_MAX_ROWS = 100_000;
/**
 * Rows one streamed message holds unless the node says otherwise: a streaming node splits a
 * larger window into messages of this many. A 100,000-row window is ~30 MB of JSON lines once a
 * flow formats it, held again as the file or database write's buffer; 10,000 is also the batch
 * size InfluxDB's line protocol writes are advised to stay under.
 */
export const DEFAULT_STREAM_ROWS = 10_000;
/** The highest cap a node accepts (a message of this many rows is already hundreds of MB). */
export const MAX_ROWS_LIMIT = 10_000_000;

/** A "max rows per message" setting: empty for the default, else a whole number in [1, MAX_ROWS_LIMIT]; undefined when invalid. */
export function maxRowsSetting(value: unknown, empty = DEFAULT_MAX_ROWS): number | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return empty;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_ROWS_LIMIT ? n : undefined;
}

/** Counts the rows held for one message; throws tooMany(max) as soon as they pass max. */
export class RowCap {
  private held = 0;

  constructor(
    readonly max: number,
    private readonly tooMany: (max: number) => Error = (m) =>
      new InputError(`More than ${m} rows for one message: ask a shorter window, raise the cap, or send one message per window or page`),
  ) {}

  /** Rows held so far. */
  get count(): number {
    return this.held;
  }

  /** Adds rows about to be held; throws (holding nothing more) when they would pass the cap. */
  add(rows: number): void {
    if (this.held + rows > this.max) throw this.tooMany(this.max);
    this.held += rows;
  }

  /** The message went out: the next one starts from zero. */
  reset(): void {
    this.held = 0;
  }
}

/**
 * A node's cap from its setting, with its own texts: bad(value) for an invalid setting (thrown here,
 * before any request), tooMany(max) when passed; `empty` is the cap of an empty setting.
 */
export function rowCapFrom(
  value: unknown,
  errors: { bad: (value: string, limit: number) => Error; tooMany: (max: number) => Error },
  empty = DEFAULT_MAX_ROWS,
): RowCap {
  const max = maxRowsSetting(value, empty);
  if (max === undefined) throw errors.bad(String(value).slice(0, 40), MAX_ROWS_LIMIT);
  return new RowCap(max, errors.tooMany);
}
