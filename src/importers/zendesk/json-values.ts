/**
 * Splits a JSON text stream into objects without holding the whole file: the top-level objects
 * of a JSON Lines / concatenated JSON file, and the objects of a top-level array one by one (so a
 * `[ticket, ticket, …]` export is read one ticket at a time). Anything else (a scalar at the top
 * level or in the top-level array) is an error. Each value's text is parsed with
 * `JSON.parse`; the splitter only tracks strings and nesting depth. Used by the zendesk and glpi
 * sources.
 */

export class JsonStreamError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`JSON line ${line}: ${detail}`);
    this.name = 'JsonStreamError';
  }
}

const enum Mode {
  Between,
  InValue,
  InString,
  Escape,
}

/** A stateful splitter: push text, get completed values back. */
export class JsonValueSplitter {
  private mode = Mode.Between;
  private depth = 0;
  /** The top-level value is an array whose elements are yielded one by one. */
  private inArray = false;
  private text = '';
  private line = 1;
  private valueLine = 1;

  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    let start = this.mode === Mode.Between ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === '\n') this.line++;
      switch (this.mode) {
        case Mode.InString:
          if (c === '\\') this.mode = Mode.Escape;
          else if (c === '"') this.mode = Mode.InValue;
          break;
        case Mode.Escape:
          this.mode = Mode.InString;
          break;
        case Mode.InValue:
          if (c === '"') this.mode = Mode.InString;
          else if (c === '{' || c === '[') this.depth++;
          else if (c === '}' || c === ']') {
            this.depth--;
            if (this.depth === 0) {
              this.text += chunk.slice(start, i + 1);
              out.push(this.parse());
              start = -1;
            }
          }
          break;
        case Mode.Between:
          if (/\s/.test(c) || (this.inArray && c === ',')) break;
          if (!this.inArray && c === '[') {
            // A top-level array: its elements are the values.
            this.inArray = true;
            break;
          }
          if (this.inArray && c === ']') {
            this.inArray = false;
            break;
          }
          if (c !== '{') throw new JsonStreamError(this.line, `expected an object, found "${c}"`);
          this.mode = Mode.InValue;
          this.depth = 1;
          this.valueLine = this.line;
          start = i;
          break;
      }
    }
    if (start >= 0) this.text += chunk.slice(start);
    return out;
  }

  end(): void {
    if (this.mode !== Mode.Between || this.inArray) {
      throw new JsonStreamError(this.line, 'the input ends inside a value');
    }
  }

  private parse(): unknown {
    const text = this.text;
    this.text = '';
    this.mode = Mode.Between;
    this.depth = 0;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new JsonStreamError(this.valueLine, (error as Error).message);
    }
  }
}

/** The values of a JSON text stream (see {@link JsonValueSplitter}). */
export async function* jsonValues(text: AsyncIterable<string>): AsyncGenerator<unknown> {
  const splitter = new JsonValueSplitter();
  for await (const chunk of text) yield* splitter.push(chunk);
  splitter.end();
}
