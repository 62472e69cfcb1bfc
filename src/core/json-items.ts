/**
 * Reads a JSON object from text chunks as they arrive and hands on each element of one top-level
 * array (e.g. HOBOlink's observation_list) the moment it is complete, so a 100,000-row answer is
 * never held as one 25 MB text, its parsed copy and the rows made from it all at once. The rest of
 * the object (max_results, message, ...) is parsed at the end, with that array left empty.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
/** Whitespace and the comma between elements. */
const BETWEEN = new Set([32, 9, 10, 13, 44]);

export class JsonItemReader {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the items array (between its brackets). */
  private inItems = false;
  /** The text of the element being read, from earlier chunks. */
  private item: string | undefined;
  /** The string being read at depth 1 (a key or a value), from earlier chunks. */
  private text: string | undefined;
  private lastString = "";
  private skeleton = "";
  private seen = 0;

  constructor(
    /** Names of the array whose elements are handed on (the first found at the top level is read). */
    private readonly keys: ReadonlySet<string>,
    private readonly onItem: (item: unknown) => void,
  ) {}

  /** Characters read so far (for an error that quotes where the text stopped being JSON). */
  get length(): number {
    return this.seen;
  }

  write(chunk: string): void {
    this.seen += chunk.length;
    let skelFrom = this.inItems ? -1 : 0;
    let itemFrom = this.item !== undefined ? 0 : -1;
    let textFrom = this.text !== undefined ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (textFrom >= 0) {
            this.lastString = (this.text ?? "") + chunk.slice(textFrom, i);
            this.text = undefined;
            textFrom = -1;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        if (this.inItems && this.depth === 2) throw new SyntaxError("Unexpected string in the list");
        this.inString = true;
        if (this.depth === 1) {
          this.text = "";
          textFrom = i + 1;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.inItems && this.depth === 2) {
          this.item = "";
          itemFrom = i;
        }
        this.depth++;
        if (this.depth === 2 && c === OPEN_BRACKET && !this.inItems && this.keys.has(this.lastString)) {
          this.inItems = true;
          this.skeleton += chunk.slice(skelFrom, i + 1);
          skelFrom = -1;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth < 0) throw new SyntaxError("Unexpected closing bracket");
        if (this.inItems && this.depth === 2 && itemFrom >= 0) {
          this.onItem(JSON.parse(this.item + chunk.slice(itemFrom, i + 1)));
          this.item = undefined;
          itemFrom = -1;
        } else if (this.inItems && this.depth === 1) {
          this.inItems = false;
          skelFrom = i;
        }
      } else if (this.inItems && this.depth === 2 && itemFrom < 0 && !BETWEEN.has(c)) {
        // Only objects and arrays are read as elements; anything else would be lost silently.
        throw new SyntaxError(`Unexpected ${chunk[i]} in the list`);
      }
    }
    if (skelFrom >= 0) this.skeleton += chunk.slice(skelFrom);
    if (itemFrom >= 0) this.item += chunk.slice(itemFrom);
    if (textFrom >= 0) this.text += chunk.slice(textFrom);
  }

  /** The object without the items (their array empty); throws when the text was not one complete JSON object. */
  end(): Record<string, unknown> {
    if (this.depth !== 0 || this.inString) throw new SyntaxError("Unexpected end of JSON input");
    const value: unknown = JSON.parse(this.skeleton);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SyntaxError("Not a JSON object");
    return value as Record<string, unknown>;
  }
}
