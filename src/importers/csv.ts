/**
 * An incremental RFC 4180 CSV parser: pure (no I/O), fed text chunks of any size (a record, a
 * quoted field or a `""` escape may span chunks), returning the records completed so far.
 *
 * - Fields are separated by `,` (configurable); records end at LF, CRLF or a lone CR.
 * - A field that starts with `"` is quoted: it may contain the delimiter, CR, LF and `""` (one
 *   literal quote); it ends at the next lone `"`, which must be followed by a delimiter, a line
 *   end or the end of input.
 * - Malformed input is an error, never guessed at: a `"` inside an unquoted field, text after a
 *   closing quote, or a quoted field still open at the end of input ({@link CsvSyntaxError},
 *   with the 1-based line where it was found).
 * - A leading UTF-8 byte order mark is dropped. Blank lines (no character at all) are skipped, so
 *   a one-column file cannot hold an empty value on a line of its own; a line holding only `""`
 *   is a record with one empty field.
 */

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`CSV line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

const enum State {
  /** At the start of a field (nothing read for it yet). */
  FieldStart,
  Unquoted,
  Quoted,
  /** Inside a quoted field, just after a `"`: an escape (`""`) or the closing quote. */
  QuoteSeen,
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

export interface CsvParserOptions {
  /** One character; default `,`. */
  delimiter?: string;
}

export class CsvParser {
  private readonly delimiter: number;
  private state = State.FieldStart;
  /** Text of the current field read from earlier chunks (or before an escape). */
  private field = '';
  private record: string[] = [];
  /** The previous chunk ended a record with CR: a LF opening this one belongs to it. */
  private skipLf = false;
  private atStart = true;
  private line = 1;
  private ended = false;
  /** Start, in the chunk being parsed, of the run of field text not yet copied into `field`. */
  private start = 0;

  constructor(options: CsvParserOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(`invalid CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parses one more chunk; returns the records it completed. */
  push(chunk: string): string[][] {
    if (this.ended) throw new Error('CsvParser.push after end()');
    const out: string[][] = [];
    let i = this.skipContinuation(chunk);
    this.start = i;
    for (; i < chunk.length; i++) i = this.step(chunk, i, out);
    if (this.state === State.Unquoted || this.state === State.Quoted) {
      this.field += chunk.slice(this.start);
    }
    return out;
  }

  /**
   * Where the chunk's text starts: after the byte order mark opening the input, and after a LF
   * completing the CR that ended the previous chunk.
   */
  private skipContinuation(chunk: string): number {
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    if (this.skipLf && i < chunk.length) {
      this.skipLf = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    return i;
  }

  /** Reads the character at `i`; returns the index of the last character it consumed. */
  private step(chunk: string, i: number, out: string[][]): number {
    const c = chunk.charCodeAt(i);
    switch (this.state) {
      case State.FieldStart:
        return this.atFieldStart(chunk, i, c, out);
      case State.Unquoted:
        if (c === this.delimiter) {
          this.record.push(this.field + chunk.slice(this.start, i));
          this.field = '';
          this.state = State.FieldStart;
        } else if (c === LF || c === CR) {
          this.field += chunk.slice(this.start, i);
          i = this.endRecord(chunk, c, i, out);
          this.state = State.FieldStart;
        } else if (c === QUOTE) {
          this.fail('a quote inside an unquoted field (quote the whole field and double it)');
        }
        return i;
      case State.Quoted:
        if (c === QUOTE) {
          this.field += chunk.slice(this.start, i);
          this.state = State.QuoteSeen;
        } else if (c === LF) {
          this.line++;
        }
        return i;
      case State.QuoteSeen:
        return this.afterQuote(chunk, i, c, out);
    }
  }

  private atFieldStart(chunk: string, i: number, c: number, out: string[][]): number {
    if (c === QUOTE) {
      this.state = State.Quoted;
      this.start = i + 1;
    } else if (c === this.delimiter) {
      this.record.push('');
    } else if (c === LF || c === CR) {
      if (this.record.length > 0) return this.endRecord(chunk, c, i, out);
      // A blank line: no record.
      this.line++;
      return c === CR ? this.lineEndAfterCr(chunk, i) : i;
    } else {
      this.state = State.Unquoted;
      this.start = i;
    }
    return i;
  }

  /** Just after a `"` in a quoted field: an escaped quote, or the end of the field. */
  private afterQuote(chunk: string, i: number, c: number, out: string[][]): number {
    if (c === QUOTE) {
      this.field += '"';
      this.state = State.Quoted;
      this.start = i + 1;
    } else if (c === this.delimiter) {
      this.record.push(this.field);
      this.field = '';
      this.state = State.FieldStart;
    } else if (c === LF || c === CR) {
      i = this.endRecord(chunk, c, i, out);
      this.state = State.FieldStart;
    } else {
      this.fail('text after the closing quote of a field');
    }
    return i;
  }

  /** Completes the record at the line end `lineEnd` at `at`; returns the line end's last index. */
  private endRecord(chunk: string, lineEnd: number, at: number, out: string[][]): number {
    this.record.push(this.field);
    this.field = '';
    out.push(this.record);
    this.record = [];
    this.line++;
    return lineEnd === CR ? this.lineEndAfterCr(chunk, at) : at;
  }

  /** The last index of a line end opening with CR at `at` (CR or CR LF, perhaps across chunks). */
  private lineEndAfterCr(chunk: string, at: number): number {
    if (at + 1 < chunk.length) return chunk.charCodeAt(at + 1) === LF ? at + 1 : at;
    this.skipLf = true;
    return at;
  }

  /** Ends the input; returns the last record when the input did not end with a line end. */
  end(): string[][] {
    if (this.ended) return [];
    this.ended = true;
    switch (this.state) {
      case State.Quoted:
        return this.fail('a quoted field is not closed at the end of the input');
      case State.Unquoted:
      case State.QuoteSeen:
        this.record.push(this.field);
        break;
      case State.FieldStart:
        if (this.record.length === 0) return [];
        this.record.push('');
        break;
    }
    const last = this.record;
    this.record = [];
    this.field = '';
    return [last];
  }

  private fail(detail: string): never {
    throw new CsvSyntaxError(this.line, detail);
  }
}

/** Parses a whole CSV text (see {@link CsvParser}). */
export function parseCsv(text: string, options: CsvParserOptions = {}): string[][] {
  const parser = new CsvParser(options);
  return [...parser.push(text), ...parser.end()];
}
