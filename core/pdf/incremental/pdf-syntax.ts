// PDF object syntax (ISO 32000-1 §7.2–7.3), just enough to read the objects an incremental update
// needs (trailers, cross-reference streams, the page tree, resources) and to write them back.
// Text is handled as latin1 strings: one character per byte, so binary data survives untouched.
// Numbers, strings, booleans and null keep their source text ("raw"), so what is copied is written
// back byte for byte; names are decoded (#xx) for lookups and re-encoded when written.

export type PdfName = { readonly kind: "name"; readonly name: string };
export type PdfRef = { readonly kind: "ref"; readonly num: number; readonly gen: number };
/** A number, string (literal or hex), boolean or null, as written in the source. */
export type PdfRaw = { readonly kind: "raw"; readonly text: string };
export type PdfArray = { readonly kind: "array"; readonly items: PdfValue[] };
export type PdfDict = { readonly kind: "dict"; readonly entries: Map<string, PdfValue> };
export type PdfValue = PdfName | PdfRef | PdfRaw | PdfArray | PdfDict;

/** Thrown for anything this reader does not understand; the caller falls back to a full parse. */
export class PdfSyntaxError extends Error {
  override readonly name = "PdfSyntaxError";
}

export const pdfName = (name: string): PdfName => ({ kind: "name", name });
export const pdfRef = (num: number, gen = 0): PdfRef => ({ kind: "ref", num, gen });
export const pdfRaw = (text: string): PdfRaw => ({ kind: "raw", text });
export const pdfArray = (items: PdfValue[]): PdfArray => ({ kind: "array", items });
export const pdfDict = (entries: Iterable<[string, PdfValue]> = []): PdfDict => ({ kind: "dict", entries: new Map(entries) });
export const pdfNumber = (n: number): PdfRaw => {
  if (!Number.isFinite(n)) throw new PdfSyntaxError(`not a finite number: ${n}`);
  return pdfRaw(Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, "").replace(/\.$/, ""));
};

/** The number a raw token holds, or undefined when it is not a number. */
export const numberOf = (v: PdfValue | undefined): number | undefined => {
  if (v?.kind !== "raw" || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v.text)) return undefined;
  return Number(v.text);
};

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
export const isWhitespace = (c: number): boolean => WHITESPACE.has(c);
const isRegular = (c: number) => !WHITESPACE.has(c) && !DELIMITERS.has(c);

/** A cursor over latin1 text. `pos` is where the next token starts. */
export class PdfLexer {
  pos: number;
  constructor(
    readonly text: string,
    start = 0,
  ) {
    this.pos = start;
  }

  private code(at = this.pos): number {
    return this.text.charCodeAt(at);
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.code();
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < this.text.length && this.code() !== 0x0a && this.code() !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** The next regular token (a keyword or number) without consuming it; "" at a delimiter. */
  peekWord(): string {
    this.skipSpace();
    let end = this.pos;
    while (end < this.text.length && isRegular(this.code(end))) end++;
    return this.text.slice(this.pos, end);
  }

  readWord(): string {
    const word = this.peekWord();
    this.pos += word.length;
    return word;
  }

  expectWord(word: string): void {
    const got = this.readWord();
    if (got !== word) throw new PdfSyntaxError(`expected "${word}" at ${this.pos}, found "${got.slice(0, 20)}"`);
  }

  /** Reads one value. A number followed by "<gen> R" is a reference. */
  readValue(depth = 0): PdfValue {
    if (depth > 64) throw new PdfSyntaxError("objects nested too deep");
    this.skipSpace();
    if (this.pos >= this.text.length) throw new PdfSyntaxError("unexpected end of data");
    const c = this.code();
    if (c === 0x2f) return this.readName();
    if (c === 0x28) return pdfRaw(this.readLiteralString());
    if (c === 0x3c) {
      if (this.code(this.pos + 1) === 0x3c) return this.readDict(depth);
      const end = this.text.indexOf(">", this.pos);
      if (end < 0) throw new PdfSyntaxError("unterminated hex string");
      const raw = this.text.slice(this.pos, end + 1);
      if (!/^<[0-9A-Fa-f\s]*>$/.test(raw)) throw new PdfSyntaxError("bad hex string");
      this.pos = end + 1;
      return pdfRaw(raw);
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.pos >= this.text.length) throw new PdfSyntaxError("unterminated array");
        if (this.code() === 0x5d) {
          this.pos++;
          return pdfArray(items);
        }
        items.push(this.readValue(depth + 1));
      }
    }
    const word = this.readWord();
    if (word === "") throw new PdfSyntaxError(`unexpected "${this.text[this.pos]}" at ${this.pos}`);
    if (/^\d+$/.test(word)) {
      // "12 0 R"?
      const save = this.pos;
      const gen = this.readWord();
      if (/^\d+$/.test(gen) && this.readWord() === "R") return pdfRef(Number(word), Number(gen));
      this.pos = save;
      return pdfRaw(word);
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) || word === "true" || word === "false" || word === "null") return pdfRaw(word);
    throw new PdfSyntaxError(`unexpected keyword "${word.slice(0, 20)}" at ${this.pos}`);
  }

  private readName(): PdfName {
    let end = this.pos + 1;
    while (end < this.text.length && isRegular(this.code(end))) end++;
    const raw = this.text.slice(this.pos + 1, end);
    this.pos = end;
    return pdfName(raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }

  private readLiteralString(): string {
    const start = this.pos;
    let depth = 0;
    for (let i = this.pos; i < this.text.length; i++) {
      const c = this.code(i);
      if (c === 0x5c)
        i++; // backslash escapes the next character
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) {
        this.pos = i + 1;
        return this.text.slice(start, i + 1);
      }
    }
    throw new PdfSyntaxError("unterminated string");
  }

  private readDict(depth: number): PdfDict {
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) throw new PdfSyntaxError("unterminated dictionary");
      if (this.code() === 0x3e && this.code(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return pdfDict(entries);
      }
      const key = this.readValue(depth + 1);
      if (key.kind !== "name") throw new PdfSyntaxError(`dictionary key is not a name at ${this.pos}`);
      entries.set(key.name, this.readValue(depth + 1));
    }
  }
}

const encodeName = (name: string): string => "/" + name.replace(/[^\x21-\x7e]|[#()<>[\]{}/%]/g, (ch) => `#${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);

/** Writes a value back as PDF syntax (latin1). */
export const serialize = (v: PdfValue): string => {
  switch (v.kind) {
    case "name":
      return encodeName(v.name);
    case "ref":
      return `${v.num} ${v.gen} R`;
    case "raw":
      return v.text;
    case "array":
      return `[${v.items.map(serialize).join(" ")}]`;
    case "dict":
      return `<<${[...v.entries].map(([k, val]) => `${encodeName(k)} ${serialize(val)}`).join(" ")}>>`;
  }
};

/** Maps every reference inside `v` (a deep copy; `v` is not changed). */
export const mapRefs = (v: PdfValue, map: (ref: PdfRef) => PdfRef): PdfValue => {
  switch (v.kind) {
    case "ref":
      return map(v);
    case "array":
      return pdfArray(v.items.map((item) => mapRefs(item, map)));
    case "dict":
      return pdfDict([...v.entries].map(([k, val]) => [k, mapRefs(val, map)] as [string, PdfValue]));
    default:
      return v;
  }
};

export const dictGet = (d: PdfValue | undefined, key: string): PdfValue | undefined => (d?.kind === "dict" ? d.entries.get(key) : undefined);
export const isName = (v: PdfValue | undefined, name: string): boolean => v?.kind === "name" && v.name === name;
