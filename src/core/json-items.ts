/**
 * Reads a JSON object from text chunks as they arrive and hands on each element of one top-level
 * array (e.g. HOBOlink's observation_list) the moment it is complete, so a 100,000-row answer is
 * never held as one 25 MB text, its parsed copy and the rows made from it all at once. The
 * elements completed in one chunk are parsed together (one JSON.parse per chunk, not per element:
 * far less garbage for the collector). The rest of the object (max_results, message, ...) is
 * parsed at the end, with that array left empty.
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
  /** Element text from earlier chunks not parsed yet: the start of the element being read. */
  private carry = "";
  /** Inside an element. */
  private inItem = false;
  /** The list was read (only the first one named is). */
  private listRead = false;
  /** The string being read at depth 1 (a key or a value), from earlier chunks. */
  private text: string | undefined;
  private lastString = "";
  private skeleton = "";

  constructor(
    /** Names of the array whose elements are handed on (the first found at the top level is read). */
    private readonly keys: ReadonlySet<string>,
    private readonly onItem: (item: unknown) => void,
  ) {}

  write(chunk: string): void {
    let skelFrom = this.inItems ? -1 : 0;
    // Where this chunk's unparsed element text begins (0: an element goes on from the last chunk), and where its last complete element ends.
    let itemFrom = this.inItem ? 0 : -1;
    let lastEnd = -1;
    let openStart = 0;
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
          this.inItem = true;
          openStart = i;
          if (itemFrom < 0) itemFrom = i;
        }
        this.depth++;
        if (this.depth === 2 && c === OPEN_BRACKET && !this.inItems && !this.listRead && this.keys.has(this.lastString)) {
          this.inItems = true;
          this.skeleton += chunk.slice(skelFrom, i + 1);
          skelFrom = -1;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth < 0) throw new SyntaxError("Unexpected closing bracket");
        if (this.inItems && this.depth === 2 && this.inItem) {
          this.inItem = false;
          lastEnd = i;
        } else if (this.inItems && this.depth === 1) {
          this.inItems = false;
          this.listRead = true;
          skelFrom = i;
        }
      } else if (this.inItems && this.depth === 2 && !this.inItem && !BETWEEN.has(c)) {
        // Only objects and arrays are read as elements; anything else would be lost silently.
        throw new SyntaxError(`Unexpected ${chunk[i]} in the list`);
      }
    }
    if (skelFrom >= 0) this.skeleton += chunk.slice(skelFrom);
    if (textFrom >= 0) this.text += chunk.slice(textFrom);
    if (itemFrom < 0) return;
    if (lastEnd >= 0) {
      // The complete elements (with the commas between them) as one array.
      const list = JSON.parse(`[${this.carry}${chunk.slice(itemFrom, lastEnd + 1)}]`) as unknown[];
      this.carry = "";
      for (const item of list) this.onItem(item);
      if (this.inItem) this.carry = chunk.slice(openStart);
    } else if (this.inItem) this.carry += chunk.slice(itemFrom);
  }

  /** The object without the items (their array empty); throws when the text was not one complete JSON object. */
  end(): Record<string, unknown> {
    if (this.depth !== 0 || this.inString) throw new SyntaxError("Unexpected end of JSON input");
    const value: unknown = JSON.parse(this.skeleton);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SyntaxError("Not a JSON object");
    return value as Record<string, unknown>;
  }
}
