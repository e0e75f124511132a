/**
 * An incremental XML tokenizer for the subset event logs use (XES, IEEE 1849): start, end and
 * empty-element tags with attributes. Pure: fed text chunks of any size (a tag may span chunks),
 * it returns the tags completed so far, so a file of any size is read with the memory of one tag.
 *
 * - Text between tags is skipped (XES keeps every value in attributes).
 * - The XML declaration, processing instructions, comments, CDATA sections and a DOCTYPE without
 *   an internal subset are skipped.
 * - Attribute values are unescaped: the five predefined entities and character references.
 * - Malformed markup is an error ({@link XmlSyntaxError}, with the 1-based line): an attribute
 *   without a quoted value, an unknown entity, markup still open at the end of the input.
 *   Nesting is the caller's to check (it knows which elements it expects).
 */

export class XmlSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`XML line ${line}: ${detail}`);
    this.name = 'XmlSyntaxError';
  }
}

export type XmlToken =
  | { kind: 'open'; name: string; attributes: Record<string, string>; selfClosing: boolean }
  | { kind: 'close'; name: string };

/** A single tag longer than this is an error, not a reason to buffer the whole file. */
const MAX_MARKUP = 1 << 20;
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g;
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;

/** XML's white space (space, tab, CR, LF). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** The index of the first character at or after `i` that is not white space. */
function skipSpace(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after a name (an element's or an attribute's) starting at `i`. */
function nameEnd(text: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === SLASH || c === GT || c === EQUALS) break;
  }
  return i;
}

export class XmlTokenizer {
  private buffer = '';
  /** Line of the buffer's first character. */
  private line = 1;
  private ended = false;

  /** Tokenizes one more chunk; returns the tags it completed. */
  push(chunk: string): XmlToken[] {
    if (this.ended) throw new Error('XmlTokenizer.push after end()');
    const text = this.buffer + chunk;
    const out: XmlToken[] = [];
    let i = 0;
    let counted = 0;
    let lines = 0;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) {
        i = text.length;
        break;
      }
      const end = markupEnd(text, lt);
      if (end < 0) {
        i = lt;
        break;
      }
      lines += countLines(text, counted, lt);
      counted = lt;
      const token = this.token(text, lt, end, lines);
      if (token !== undefined) out.push(token);
      i = end;
    }
    this.line += lines + countLines(text, counted, i);
    this.buffer = text.slice(i);
    if (this.buffer.length > MAX_MARKUP) this.fail(0, 'a tag or comment longer than 1 MiB');
    return out;
  }

  /** Ends the input: markup still open is an error. */
  end(): void {
    this.ended = true;
    if (this.buffer.includes('<')) this.fail(0, 'markup not closed at the end of the input');
  }

  /**
   * The tag at `[start, end)`, or undefined for markup that is skipped. Scanned by character
   * codes, without slicing the tag or matching expressions: this is the importer's inner loop.
   */
  private token(text: string, start: number, end: number, lines: number): XmlToken | undefined {
    const c = text.charCodeAt(start + 1);
    if (c === QUESTION || c === BANG) return undefined;
    if (c === SLASH) {
      return { kind: 'close', name: text.slice(start + 2, end - 1).trim() };
    }
    const selfClosing = text.charCodeAt(end - 2) === SLASH;
    const bodyEnd = selfClosing ? end - 2 : end - 1;
    const afterName = nameEnd(text, start + 1, bodyEnd);
    const name = text.slice(start + 1, afterName);
    if (name === '') this.fail(lines, 'a tag without a name');
    const attributes: Record<string, string> = {};
    let at = afterName;
    for (;;) {
      at = skipSpace(text, at, bodyEnd);
      if (at >= bodyEnd) break;
      const keyEnd = nameEnd(text, at, bodyEnd);
      const equals = skipSpace(text, keyEnd, bodyEnd);
      const open = skipSpace(text, equals + 1, bodyEnd);
      const quote = text.charCodeAt(open);
      const close =
        keyEnd > at &&
        text.charCodeAt(equals) === EQUALS &&
        (quote === QUOTE || quote === APOSTROPHE)
          ? text.indexOf(quote === QUOTE ? '"' : "'", open + 1)
          : -1;
      if (close < 0 || close >= bodyEnd) this.fail(lines, `a malformed attribute in <${name}>`);
      const raw = text.slice(open + 1, close);
      attributes[text.slice(at, keyEnd)] = raw.includes('&') ? this.unescape(raw, lines) : raw;
      at = close + 1;
      if (at < bodyEnd && !isSpace(text.charCodeAt(at))) {
        this.fail(lines, `a malformed attribute in <${name}>`);
      }
    }
    return { kind: 'open', name, attributes, selfClosing };
  }

  private unescape(raw: string, lines: number): string {
    return raw.replace(ENTITY, (whole, ref: string) => {
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (code > 0x10ffff) this.fail(lines, `an invalid character reference ${whole}`);
        return String.fromCodePoint(code);
      }
      const named = NAMED[ref];
      if (named === undefined) this.fail(lines, `an unknown entity ${whole}`);
      return named;
    });
  }

  private fail(lines: number, detail: string): never {
    throw new XmlSyntaxError(this.line + lines, detail);
  }
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The index after `terminator`, searched from `from`, or -1 when the text ends before it. */
function after(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

/** The index after the markup opening at `lt`, or -1 when the text ends before it does. */
function markupEnd(text: string, lt: number): number {
  const c = text.charCodeAt(lt + 1);
  if (c === BANG) {
    if (text.startsWith('<!--', lt)) return after(text, '-->', lt + 4);
    if (text.startsWith('<![CDATA[', lt)) return after(text, ']]>', lt + 9);
  } else if (c === QUESTION) {
    return after(text, '?>', lt + 2);
  }
  // A tag: the first `>` outside a quoted attribute value.
  for (let i = lt + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === GT) return i + 1;
    if (code === QUOTE || code === APOSTROPHE) {
      const close = text.indexOf(code === QUOTE ? '"' : "'", i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}
