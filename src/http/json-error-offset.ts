/**
 * Where a JSON text stops being valid: a small validating scanner (RFC 8259) run only after
 * JSON.parse has failed, because V8's messages do not always carry a position. Returns the
 * UTF-16 index of the first offending character (the text's length for a premature end).
 */
const WS = new Set([' ', '\t', '\n', '\r']);

class Fail extends Error {
  constructor(readonly at: number) {
    super('invalid JSON');
  }
}

class Scanner {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i]!)) this.i += 1;
  }

  expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new Fail(this.i);
    this.i += 1;
  }

  value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (word === undefined) throw new Fail(this.i);
    for (let k = 0; k < word.length; k += 1) {
      if (this.s[this.i + k] !== word[k]) throw new Fail(this.i + k);
    }
    this.i += word.length;
  }

  object(): void {
    this.i += 1;
    this.ws();
    if (this.s[this.i] === '}') return void (this.i += 1);
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new Fail(this.i);
      this.string();
      this.ws();
      this.expect(':');
      this.value();
      this.ws();
      if (this.s[this.i] === '}') return void (this.i += 1);
      this.expect(',');
    }
  }

  array(): void {
    this.i += 1;
    this.ws();
    if (this.s[this.i] === ']') return void (this.i += 1);
    for (;;) {
      this.value();
      this.ws();
      if (this.s[this.i] === ']') return void (this.i += 1);
      this.expect(',');
    }
  }

  string(): void {
    this.i += 1;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) return void (this.i += 1);
      if (c < 0x20) throw new Fail(this.i);
      if (c === 0x5c) {
        const e = this.s[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6)))
            throw new Fail(this.i);
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Fail(this.i);
        this.i += 2;
        continue;
      }
      this.i += 1;
    }
    throw new Fail(this.i);
  }

  number(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
      this.s.slice(this.i, this.i + 400),
    );
    if (!m) throw new Fail(this.i + (this.s[this.i] === '-' ? 1 : 0));
    this.i += m[0].length;
  }
}

export function jsonErrorOffset(text: string): number {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.ws();
    return scanner.i < text.length ? scanner.i : text.length;
  } catch (error) {
    if (error instanceof Fail) return error.at;
    throw error;
  }
}
