/**
 * Rows parsed from JSON (one answer's objects) kept column by column until they are handed on:
 * a column of numbers in Float64Arrays, any other column as small indexes into that column's
 * distinct values (each string once). Measured on a 100,000-row HOBOlink answer: 169 bytes a row
 * as parsed objects (Node keeps 8-byte pointers and boxes each fractional number), 48 in columns,
 * 46 of them in array buffers outside the collected heap. A streamed backfill holds several
 * answers ahead of its reader, and V8 lets its heap grow to several times what is live: what is
 * held sets the peak.
 * Columns grow in chunks of a fixed number of rows, never copied, so growing leaves no garbage
 * buffers behind for the collector. Rows are made again when handed on, with the same keys in
 * the same order and the same values.
 */

type Refs = Uint8Array | Uint16Array | Uint32Array;

/** Rows per chunk (a power of two: a row's chunk and place are a shift and a mask). */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;

/** An index chunk just wide enough for `largest`. */
function refChunk(largest: number): Refs {
  return largest <= 0xff ? new Uint8Array(CHUNK) : largest <= 0xffff ? new Uint16Array(CHUNK) : new Uint32Array(CHUNK);
}

class Column {
  /** Chunks of a column whose first value was a number. */
  private readonly nums?: Float64Array[];
  /** A number column's other cells (null, a string, ...): rare, kept as they are. */
  private odd?: Map<number, unknown>;
  /** Chunks of indexes into values; each as wide as its largest index. */
  private readonly refs?: Refs[];
  private readonly values: unknown[] = [];
  private readonly index = new Map<unknown, number>();

  constructor(first: unknown) {
    if (typeof first === "number") this.nums = [];
    else this.refs = [];
  }

  set(i: number, v: unknown): void {
    const c = i >> CHUNK_BITS;
    if (this.nums) {
      if (typeof v === "number") {
        (this.nums[c] ??= new Float64Array(CHUNK))[i & IN_CHUNK] = v;
        this.odd?.delete(i);
      } else (this.odd ??= new Map()).set(i, v);
      return;
    }
    const refs = this.refs!;
    let ref = this.index.get(v);
    if (ref === undefined) {
      ref = this.values.length;
      this.values.push(v);
      this.index.set(v, ref);
      // Only a new value can be past what a chunk's indexes hold (a chunk is made wide enough for every
      // value known then): the chunk copied into wider ones, twice at most.
      const chunk = refs[c];
      if (chunk && ref >= 2 ** (8 * chunk.BYTES_PER_ELEMENT)) (refs[c] = refChunk(ref)).set(chunk);
    }
    (refs[c] ??= refChunk(this.values.length - 1))[i & IN_CHUNK] = ref;
  }

  get(i: number): unknown {
    const c = i >> CHUNK_BITS;
    if (this.nums) return this.odd?.has(i) ? this.odd.get(i) : this.nums[c][i & IN_CHUNK];
    return this.values[this.refs![c][i & IN_CHUNK]];
  }
}

interface Shape {
  /** The row's keys in order; undefined for a row that is not a plain object (kept whole). */
  keys?: string[];
  columns: Column[];
}

/** A reader of one field by row number, undefined for rows without it. */
export type FieldReader = (i: number) => unknown;

export class RowColumns {
  private count = 0;
  private readonly columns = new Map<string, Column>();
  private readonly shapes: Shape[] = [];
  private readonly shapeIds = new Map<string, number>();
  /** Each row's shape, kept only once a second shape appeared (one answer's rows share one). */
  private rowShape?: number[];
  private lastShape = -1;
  /** Rows that are not plain objects: the row itself, by row number. */
  private whole?: Map<number, unknown>;

  get length(): number {
    return this.count;
  }

  add(row: unknown): void {
    const i = this.count++;
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      (this.whole ??= new Map()).set(i, row);
      return this.setShape(i, this.shapeId(undefined));
    }
    const fields = row as Record<string, unknown>;
    // The common case: the keys of the previous row, in its order, stored while they are compared.
    const shape = this.shapes[this.lastShape] as Shape | undefined;
    if (shape?.keys) {
      const { keys, columns } = shape;
      let n = 0;
      let same = true;
      for (const k in fields) {
        if (same && k === keys[n]) columns[n].set(i, fields[k]);
        else same = false;
        n++;
      }
      if (same && n === keys.length) return this.setShape(i, this.lastShape);
    }
    const keys = Object.keys(fields);
    const id = this.shapeId(keys, fields);
    const columns = this.shapes[id].columns;
    for (let c = 0; c < keys.length; c++) columns[c].set(i, fields[keys[c]]);
    this.setShape(i, id);
  }

  /** Row i as it was added (a new object with the same keys and values). */
  row(i: number): unknown {
    const shape = this.shapes[this.rowShape ? this.rowShape[i] : 0];
    if (!shape.keys) return this.whole!.get(i);
    const { keys, columns } = shape;
    const out: Record<string, unknown> = {};
    for (let c = 0; c < keys.length; c++) {
      const k = keys[c];
      // A key "__proto__" in JSON is an own property, which assignment would not make.
      if (k === "__proto__") Object.defineProperty(out, k, { value: columns[c].get(i), enumerable: true, writable: true, configurable: true });
      else out[k] = columns[c].get(i);
    }
    return out;
  }

  /** A reader of the field `key` (take it once every row is in). */
  field(key: string): FieldReader {
    const column = this.columns.get(key);
    if (!column) return () => undefined;
    const has = this.shapes.map((s) => s.keys !== undefined && s.columns.includes(column));
    if (has.every(Boolean)) return (i) => column.get(i);
    return (i) => (has[this.rowShape ? this.rowShape[i] : 0] ? column.get(i) : undefined);
  }

  private shapeId(keys: string[] | undefined, first?: Record<string, unknown>): number {
    const name = keys ? keys.join("\u0000") : "\u0001whole";
    let id = this.shapeIds.get(name);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push({ keys, columns: keys ? keys.map((k) => this.column(k, first![k])) : [] });
      this.shapeIds.set(name, id);
    }
    return id;
  }

  private column(key: string, first: unknown): Column {
    let column = this.columns.get(key);
    if (!column) {
      column = new Column(first);
      this.columns.set(key, column);
    }
    return column;
  }

  private setShape(i: number, id: number): void {
    this.lastShape = id;
    if (!this.rowShape) {
      if (id === 0) return;
      // Every row so far had the first shape.
      this.rowShape = new Array<number>(i).fill(0);
    }
    this.rowShape[i] = id;
  }
}
