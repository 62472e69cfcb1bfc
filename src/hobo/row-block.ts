/**
 * One answer's rows as the client holds them until the reader takes them: in columns (under a third
 * of the memory of parsed objects, see src/core/row-columns.ts), with what the windows ask of them:
 * the latest timestamp, a cut by timestamp, the service's order without repeats. They become
 * objects again only when handed on.
 */
import { RowColumns, type FieldReader } from "../core/row-columns";
import { KEY_FIELDS, rowOrder, sortUniqueBy, type KeyField } from "./dedupe";
import type { HoboRow } from "./types";

export class RowBlock {
  private readonly columns = new RowColumns();
  /** The rows kept, by number, in order; undefined: every row, as they came. */
  private order?: Uint32Array;
  private timestamps?: FieldReader;

  /** A block of rows already parsed (a test's fake answer). */
  static of(rows: readonly unknown[]): RowBlock {
    const block = new RowBlock();
    for (const row of rows) block.add(row);
    return block;
  }

  add(row: unknown): void {
    this.columns.add(row);
  }

  get length(): number {
    return this.order ? this.order.length : this.columns.length;
  }

  /** The latest timestamp of the rows kept (undefined when none has one). */
  latestTimestamp(): string | undefined {
    const timestamp = this.columns.field("timestamp");
    let latest: string | undefined;
    for (const i of this.numbers()) {
      const t = timestamp(i);
      if (typeof t === "string" && (latest === undefined || t > latest)) latest = t;
    }
    return latest;
  }

  /** Keeps only the rows whose timestamp passes `test` (rows without one go). */
  keep(test: (timestamp: string) => boolean): this {
    const timestamp = this.columns.field("timestamp");
    const kept = new Uint32Array(this.length);
    let n = 0;
    for (const i of this.numbers()) {
      const t = timestamp(i);
      if (typeof t === "string" && test(t)) kept[n++] = i;
    }
    this.order = kept.slice(0, n);
    return this;
  }

  /** Puts the rows in the service's order and drops repeats (src/hobo/dedupe.ts). */
  sortUnique(): this {
    const fields = {} as Record<KeyField, (i: number) => unknown>;
    for (const key of KEY_FIELDS) fields[key] = this.columns.field(key);
    this.order = Uint32Array.from(
      sortUniqueBy(
        Array.from(this.numbers()),
        rowOrder<number>((i, key) => fields[key](i)),
      ),
    );
    return this;
  }

  /** The timestamp of the k-th row kept. */
  timestampAt(k: number): unknown {
    this.timestamps ??= this.columns.field("timestamp");
    return this.timestamps(this.numbers()[k]);
  }

  /** The rows kept, from the from-th up to before the to-th, as objects (new ones on every call). */
  rows(from = 0, to = this.length): HoboRow[] {
    const numbers = this.numbers();
    const out = new Array<HoboRow>(to - from);
    for (let k = from; k < to; k++) out[k - from] = this.columns.row(numbers[k]) as HoboRow;
    return out;
  }

  /** The numbers of the rows kept, in order. */
  private numbers(): Uint32Array {
    if (!this.order) {
      this.order = new Uint32Array(this.columns.length);
      for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    }
    return this.order;
  }
}
