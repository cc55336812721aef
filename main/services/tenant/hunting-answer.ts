/**
 * Cuts an advanced-hunting answer (`{"Schema": [...], "Results": [...], ...}`) into its rows
 * as its bytes arrive, and parses each run of whole rows with the engine's JSON.parse.
 *
 * Why not a streaming JSON library: the sync's client thread spent most of its time in one
 * (@streamparser/json's tokenizer, which builds every value in JavaScript, and the garbage
 * it leaves); JSON.parse is native and several times faster. The scan here only tracks
 * strings and brackets, byte by byte (a UTF-8 continuation byte is never a quote or a
 * bracket, so a character split across chunks is safe), to find where rows end.
 *
 * Nothing is trusted unchecked: every row goes through JSON.parse, rows must be objects
 * separated by single commas, and everything outside the rows (Schema, Stats, the brackets)
 * is kept and parsed at the end, so malformed or cut-off answers are refused.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** A row as the answer gave it, before the cache checks it against its table (records.ts HuntingRow). */
export type AnswerRow = Record<string, unknown>;

export class MalformedAnswer extends Error {
  constructor(what: string) {
    super(`the hunting answer is not valid JSON: ${what}`);
  }
}

export class HuntingAnswerSplitter {
  /** Rows parsed and not yet taken. */
  rows: AnswerRow[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the Results array (between its brackets). */
  private inResults = false;
  private resultsSeen = false;
  private rowsSeen = 0;
  /** Bytes of the Results array not yet parsed (a row cut by a chunk's end). */
  private carry: Buffer[] = [];
  /** Everything outside the rows, parsed at the end to check the answer's frame. */
  private frame: Buffer[] = [];
  /** The top-level key being read, and the last one read (to find "Results"). */
  private keyPieces: Buffer[] = [];
  private lastString: string | null = null;
  private currentKey: string | null = null;
  private ended = false;

  write(chunk: Uint8Array): void {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let frameStart = 0;
    let resultsStart = 0;
    let lastRowEnd = -1;
    let keyStart = 0;
    // Most bytes are inside strings: jump to the next quote or backslash (native search).
    let nextQuote = -1;
    let nextBackslash = -1;
    for (let i = 0; i < b.length; i++) {
      if (this.inString && !this.escaped) {
        if (nextQuote < i) nextQuote = b.indexOf(QUOTE, i);
        if (nextBackslash < i && nextBackslash !== -2) nextBackslash = b.indexOf(BACKSLASH, i);
        if (nextBackslash === -1) nextBackslash = -2; // none left in this chunk
        const stop = nextQuote === -1 ? (nextBackslash >= 0 ? nextBackslash : b.length) : nextBackslash >= 0 ? Math.min(nextQuote, nextBackslash) : nextQuote;
        if (stop >= b.length) break;
        i = stop;
      }
      const c = b[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) this.lastString = this.keyText(b.subarray(keyStart, i + 1));
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) {
          keyStart = i;
          this.keyPieces = [];
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        if (c === OPEN_ARRAY && this.depth === 2 && this.currentKey === 'Results' && !this.resultsSeen) {
          this.frame.push(b.subarray(frameStart, i + 1));
          this.inResults = true;
          this.resultsSeen = true;
          resultsStart = i + 1;
          lastRowEnd = -1;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth < 0) throw new MalformedAnswer('a bracket closes what was never opened');
        if (!this.inResults) continue;
        if (this.depth === 2 && c === CLOSE_OBJECT) lastRowEnd = i + 1;
        else if (this.depth === 1) {
          if (lastRowEnd >= resultsStart) resultsStart = this.parseRows(b, resultsStart, lastRowEnd);
          lastRowEnd = -1;
          const rest = Buffer.concat([...this.carry, b.subarray(resultsStart, i)]).toString('utf8');
          this.carry = [];
          if (/\S/.test(rest)) throw new MalformedAnswer('something other than a row in Results');
          this.inResults = false;
          frameStart = i;
        }
      } else if (c === COLON && this.depth === 1) {
        this.currentKey = this.lastString;
      }
    }
    if (this.inResults) {
      if (lastRowEnd >= resultsStart) resultsStart = this.parseRows(b, resultsStart, lastRowEnd);
      if (resultsStart < b.length) this.carry.push(Buffer.from(b.subarray(resultsStart)));
    } else if (frameStart < b.length) {
      this.frame.push(Buffer.from(b.subarray(frameStart)));
    }
    if (this.inString && this.depth === 1) this.keyPieces.push(Buffer.from(b.subarray(keyStart)));
  }

  /** The answer is whole: throws if it was cut off or its frame is not JSON. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.inString || this.depth !== 0 || this.inResults) throw new MalformedAnswer('it ended before its JSON did');
    let frame: unknown;
    try {
      frame = JSON.parse(Buffer.concat(this.frame).toString('utf8'));
    } catch (error) {
      throw new MalformedAnswer((error as Error).message);
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) throw new MalformedAnswer('the answer is not an object');
  }

  /** Takes up to `max` parsed rows. */
  take(max = Infinity): AnswerRow[] {
    if (this.rows.length <= max) {
      const all = this.rows;
      this.rows = [];
      return all;
    }
    return this.rows.splice(0, max);
  }

  private keyText(last: Buffer): string | null {
    const bytes = this.keyPieces.length > 0 ? Buffer.concat([...this.keyPieces, last]) : last;
    this.keyPieces = [];
    // Only short strings can be keys we look for; a long top-level value is not decoded.
    if (bytes.length > 64) return null;
    try {
      return JSON.parse(bytes.toString('utf8')) as string;
    } catch {
      throw new MalformedAnswer('a malformed string');
    }
  }

  /** Parses the whole rows in carry + b[start, end); returns where the unparsed bytes begin. */
  private parseRows(b: Buffer, start: number, end: number): number {
    let text = (this.carry.length > 0 ? Buffer.concat([...this.carry, b.subarray(start, end)]) : b.subarray(start, end)).toString('utf8');
    this.carry = [];
    if (this.rowsSeen > 0) {
      const comma = /^\s*,/.exec(text);
      if (!comma) throw new MalformedAnswer('rows not separated by a comma');
      text = text.slice(comma[0].length);
    }
    let rows: unknown[];
    try {
      rows = JSON.parse(`[${keepBigIntegers(text)}]`) as unknown[];
    } catch (error) {
      throw new MalformedAnswer((error as Error).message);
    }
    for (const row of rows) {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new MalformedAnswer('a row that is not an object');
      this.rows.push(row as AnswerRow);
    }
    this.rowsSeen += rows.length;
    return end;
  }
}

/**
 * Real DeviceInfo ReportIds have 18 digits, past a double's exact range, and ReportId is part
 * of an event's key: an integer a number cannot hold stays the digits it was (SQLite's
 * INTEGER column stores the text exactly). Strings are matched first, so digits inside them
 * are never touched; a number is only an integer if nothing but a separator follows it.
 */
export function keepBigIntegers(json: string): string {
  if (!/\d{16}/.test(json)) return json;
  return json.replace(/"(?:[^"\\]|\\.)*"|([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, (match, before: string | undefined, digits: string | undefined) =>
    before === undefined || digits === undefined || Number.isSafeInteger(Number(digits)) ? match : `${before}"${digits}"`,
  );
}
