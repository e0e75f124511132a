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
    const delimiter = this.delimiter;
    let state = this.state;
    let field = this.field;
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    if (this.skipLf && i < chunk.length) {
      this.skipLf = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    /** Start, in `chunk`, of the run of field text not yet copied into `field`. */
    let start = i;
    const endRecord = (lineEnd: number, at: number): number => {
      // Returns the index of the last character of the line end.
      this.record.push(field);
      field = '';
      out.push(this.record);
      this.record = [];
      this.line++;
      if (lineEnd === CR) {
        if (at + 1 < chunk.length) return chunk.charCodeAt(at + 1) === LF ? at + 1 : at;
        this.skipLf = true;
      }
      return at;
    };
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      switch (state) {
        case State.FieldStart:
          if (c === QUOTE) {
            state = State.Quoted;
            start = i + 1;
          } else if (c === delimiter) {
            this.record.push('');
          } else if (c === LF || c === CR) {
            if (this.record.length === 0) {
              // A blank line: no record.
              this.line++;
              if (c === CR) {
                if (i + 1 < chunk.length) {
                  if (chunk.charCodeAt(i + 1) === LF) i++;
                } else {
                  this.skipLf = true;
                }
              }
            } else {
              i = endRecord(c, i);
            }
          } else {
            state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted:
          if (c === delimiter) {
            this.record.push(field + chunk.slice(start, i));
            field = '';
            state = State.FieldStart;
          } else if (c === LF || c === CR) {
            field += chunk.slice(start, i);
            i = endRecord(c, i);
            state = State.FieldStart;
          } else if (c === QUOTE) {
            this.fail('a quote inside an unquoted field (quote the whole field and double it)');
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            field += chunk.slice(start, i);
            state = State.QuoteSeen;
          } else if (c === LF) {
            this.line++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            field += '"';
            state = State.Quoted;
            start = i + 1;
          } else if (c === delimiter) {
            this.record.push(field);
            field = '';
            state = State.FieldStart;
          } else if (c === LF || c === CR) {
            i = endRecord(c, i);
            state = State.FieldStart;
          } else {
            this.fail('text after the closing quote of a field');
          }
          break;
      }
    }
    if (state === State.Unquoted || state === State.Quoted) field += chunk.slice(start);
    this.state = state;
    this.field = field;
    return out;
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
