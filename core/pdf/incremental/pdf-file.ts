// Random-access reading of a PDF's structure without loading the file: the cross-reference sections
// (tables and streams, following /Prev), objects by number (also inside object streams), the first
// page with its inherited attributes, and a scan for active content. Memory depends on the objects
// read, not on the file's size: page images and other streams are never read.
import { open } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import { dictGet, isName, numberOf, PdfLexer, PdfSyntaxError, type PdfDict, type PdfRef, type PdfValue } from "./pdf-syntax.ts";

/** Bytes by offset: a file on disk, or bytes in memory. */
export type ByteSource = {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
};

export const bytesSource = (bytes: Uint8Array): ByteSource => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buf.length,
    read: async (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)),
    close: async () => undefined,
  };
};

export const fileSource = async (path: string): Promise<ByteSource> => {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    },
    close: () => handle.close(),
  };
};

type XrefEntry = { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

/** One object as read: its value, and for a stream where its data starts and how long it is. */
type ReadObject = { value: PdfValue; stream?: { start: number; length: number } };

/** The first page: its object, its dictionary, and the attributes it inherits from the page tree. */
export type FirstPage = {
  ref: PdfRef;
  dict: PdfDict;
  /** Resources, MediaBox, CropBox, Rotate: the page's own or the nearest ancestor's. */
  inherited: Map<string, PdfValue>;
};

/** Largest stream this reader decodes (cross-reference and object streams are small in practice). */
const MAX_STREAM_BYTES = 16 * 1024 * 1024;
/** Largest window read to parse one object or one cross-reference table. */
const MAX_WINDOW_BYTES = 4 * 1024 * 1024;
const INHERITABLE = ["Resources", "MediaBox", "CropBox", "Rotate"] as const;

const latin1 = (buf: Buffer) => buf.toString("latin1");

/** PNG predictors (used by cross-reference streams): undoes rows of `columns` bytes. */
const unpredict = (data: Buffer, parms: PdfValue | undefined): Buffer => {
  const predictor = numberOf(dictGet(parms, "Predictor")) ?? 1;
  if (predictor === 1) return data;
  if (predictor < 10) throw new PdfSyntaxError(`TIFF predictor ${predictor} not supported`);
  const columns = numberOf(dictGet(parms, "Columns")) ?? 1;
  const rowLength = columns + 1;
  if (data.length % rowLength !== 0) throw new PdfSyntaxError("predicted data is not whole rows");
  const rows = data.length / rowLength;
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const filter = data[r * rowLength]!;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLength + 1 + c]!;
      const left = c > 0 ? out[r * columns + c - 1]! : 0;
      const up = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = raw;
          break;
        case 1:
          value = raw + left;
          break;
        case 2:
          value = raw + up;
          break;
        case 3:
          value = raw + Math.floor((left + up) / 2);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new PdfSyntaxError(`PNG filter ${filter} unknown`);
      }
      out[r * columns + c] = value & 0xff;
    }
  }
  return out;
};

export class PdfFile {
  private readonly entries = new Map<number, XrefEntry>();
  private readonly objectStreams = new Map<number, Map<number, PdfValue>>();
  /** The newest trailer (for a cross-reference stream, its dictionary). */
  trailer!: PdfDict;
  /** Offset of the newest cross-reference section (the next update's /Prev). */
  lastXrefOffset!: number;
  /** The newest section is a cross-reference stream (an update must then write one too). */
  lastXrefIsStream!: boolean;

  private constructor(readonly source: ByteSource) {}

  /** Reads the cross-reference sections. Throws PdfSyntaxError for what it cannot follow. */
  static async open(source: ByteSource): Promise<PdfFile> {
    const file = new PdfFile(source);
    await file.readXref();
    return file;
  }

  /** The highest object number + 1 (the trailer's /Size). */
  get size(): number {
    const size = numberOf(this.trailer.entries.get("Size"));
    if (size === undefined) throw new PdfSyntaxError("trailer without /Size");
    return Math.max(size, ...[...this.entries.keys()].map((n) => n + 1));
  }

  private async readXref(): Promise<void> {
    const tailLength = Math.min(this.source.size, 4096);
    const tail = latin1(await this.source.read(this.source.size - tailLength, tailLength));
    const at = tail.lastIndexOf("startxref");
    if (at < 0) throw new PdfSyntaxError("no startxref");
    const lexer = new PdfLexer(tail, at + "startxref".length);
    const first = Number(lexer.readWord());
    if (!Number.isInteger(first) || first <= 0 || first >= this.source.size) throw new PdfSyntaxError("bad startxref");
    this.lastXrefOffset = first;
    const seen = new Set<number>();
    let offset: number | undefined = first;
    let newest = true;
    while (offset !== undefined) {
      if (seen.has(offset) || seen.size > 1000) throw new PdfSyntaxError("cross-reference sections loop");
      seen.add(offset);
      const section = await this.readXrefSection(offset);
      if (newest) {
        this.trailer = section.trailer;
        this.lastXrefIsStream = section.isStream;
        newest = false;
      }
      const prev = numberOf(section.trailer.entries.get("Prev"));
      offset = prev === undefined ? undefined : prev;
    }
    if (!this.trailer.entries.get("Root")) throw new PdfSyntaxError("trailer without /Root");
  }

  private add(num: number, entry: XrefEntry) {
    // Newer sections are read first and win.
    if (!this.entries.has(num)) this.entries.set(num, entry);
  }

  private async readXrefSection(offset: number): Promise<{ trailer: PdfDict; isStream: boolean }> {
    const head = latin1(await this.source.read(offset, 16));
    if (head.startsWith("xref")) return { trailer: await this.readXrefTable(offset), isStream: false };
    const { value, stream } = await this.readObjectAt(offset);
    if (value.kind !== "dict" || !isName(value.entries.get("Type"), "XRef") || !stream) throw new PdfSyntaxError(`no cross-reference at ${offset}`);
    this.addXrefStream(value, await this.streamData(value, stream));
    return { trailer: value, isStream: true };
  }

  private async readXrefTable(offset: number): Promise<PdfDict> {
    for (let window = 64 * 1024; ; window *= 4) {
      const text = latin1(await this.source.read(offset, window));
      try {
        const lexer = new PdfLexer(text);
        lexer.expectWord("xref");
        const found: [number, XrefEntry | null][] = [];
        for (;;) {
          const word = lexer.readWord();
          if (word === "trailer") break;
          const start = Number(word);
          const count = Number(lexer.readWord());
          if (!Number.isInteger(start) || !Number.isInteger(count) || count < 0) throw new PdfSyntaxError("bad cross-reference subsection");
          for (let i = 0; i < count; i++) {
            const off = Number(lexer.readWord());
            const gen = Number(lexer.readWord());
            const kind = lexer.readWord();
            if (kind !== "n" && kind !== "f") throw new PdfSyntaxError("bad cross-reference entry");
            found.push([start + i, kind === "n" ? { type: 1, offset: off, gen } : null]);
          }
        }
        const trailer = lexer.readValue();
        if (trailer.kind !== "dict") throw new PdfSyntaxError("trailer is not a dictionary");
        for (const [num, entry] of found) if (entry && num > 0) this.add(num, entry);
        // A hybrid file: objects in object streams are listed in the stream this points to.
        const xrefStm = numberOf(trailer.entries.get("XRefStm"));
        if (xrefStm !== undefined) {
          const { value, stream } = await this.readObjectAt(xrefStm);
          if (value.kind === "dict" && stream) this.addXrefStream(value, await this.streamData(value, stream));
        }
        return trailer;
      } catch (err) {
        if (window >= MAX_WINDOW_BYTES || offset + window >= this.source.size || !(err instanceof PdfSyntaxError)) throw err;
      }
    }
  }

  private addXrefStream(dict: PdfDict, data: Buffer) {
    const w = dict.entries.get("W");
    if (w?.kind !== "array" || w.items.length !== 3) throw new PdfSyntaxError("cross-reference stream without /W");
    const widths = w.items.map((v) => numberOf(v) ?? -1);
    if (widths.some((x) => x < 0 || x > 8)) throw new PdfSyntaxError("bad /W");
    const rowLength = widths[0]! + widths[1]! + widths[2]!;
    const size = numberOf(dict.entries.get("Size")) ?? 0;
    const index = dict.entries.get("Index");
    const ranges: number[] = index?.kind === "array" ? index.items.map((v) => numberOf(v) ?? -1) : [0, size];
    let row = 0;
    const field = (at: number, width: number, fallback: number) => {
      if (width === 0) return fallback;
      let n = 0;
      for (let i = 0; i < width; i++) n = n * 256 + data[at + i]!;
      return n;
    };
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      const start = ranges[r]!;
      const count = ranges[r + 1]!;
      if (start < 0 || count < 0) throw new PdfSyntaxError("bad /Index");
      for (let i = 0; i < count; i++, row++) {
        const at = row * rowLength;
        if (at + rowLength > data.length) throw new PdfSyntaxError("cross-reference stream too short");
        const type = field(at, widths[0]!, 1);
        const f2 = field(at + widths[0]!, widths[1]!, 0);
        const f3 = field(at + widths[0]! + widths[1]!, widths[2]!, 0);
        if (start + i === 0) continue;
        if (type === 1) this.add(start + i, { type: 1, offset: f2, gen: f3 });
        else if (type === 2) this.add(start + i, { type: 2, stream: f2, index: f3 });
      }
    }
  }

  /** Parses "<num> <gen> obj <value> [stream …]" at `offset`. */
  private async readObjectAt(offset: number, expectNum?: number): Promise<ReadObject> {
    for (let window = 8 * 1024; ; window *= 4) {
      const buf = await this.source.read(offset, window);
      const text = latin1(buf);
      try {
        const lexer = new PdfLexer(text);
        const num = Number(lexer.readWord());
        lexer.readWord(); // generation
        lexer.expectWord("obj");
        if (expectNum !== undefined && num !== expectNum) throw new PdfSyntaxError(`object ${expectNum} is not at ${offset}`);
        const value = lexer.readValue();
        const next = lexer.readWord();
        if (next === "endobj") return { value };
        if (next !== "stream" || value.kind !== "dict") throw new PdfSyntaxError(`object at ${offset} ends with "${next.slice(0, 20)}"`);
        // The data starts after the end of line that follows "stream" (CRLF or LF).
        let start = lexer.pos;
        if (text[start] === "\r") start++;
        if (text[start] === "\n") start++;
        const length = numberOf(await this.resolve(value.entries.get("Length")));
        if (length === undefined || length < 0) throw new PdfSyntaxError(`stream at ${offset} without a /Length`);
        return { value, stream: { start: offset + start, length } };
      } catch (err) {
        if (!(err instanceof PdfSyntaxError) || window >= MAX_WINDOW_BYTES || offset + buf.length >= this.source.size) throw err;
      }
    }
  }

  /** A stream's decoded data (FlateDecode or none; refuses anything else and anything huge). */
  async streamData(dict: PdfDict, stream: { start: number; length: number }): Promise<Buffer> {
    if (stream.length > MAX_STREAM_BYTES) throw new PdfSyntaxError("stream too large to decode here");
    const raw = await this.source.read(stream.start, stream.length);
    const filter = dict.entries.get("Filter");
    const filters = filter === undefined ? [] : filter.kind === "array" ? filter.items : [filter];
    if (filters.length === 0) return raw;
    if (filters.length > 1 || !isName(filters[0], "FlateDecode")) throw new PdfSyntaxError("stream filter not supported here");
    const parms = dict.entries.get("DecodeParms");
    const inflated = inflateSync(raw, { maxOutputLength: MAX_STREAM_BYTES });
    return unpredict(inflated, parms?.kind === "array" ? parms.items[0] : parms);
  }

  /** Object `num`'s value (null when it is not in the file). */
  async object(num: number): Promise<ReadObject | null> {
    const entry = this.entries.get(num);
    if (!entry) return null;
    if (entry.type === 1) return this.readObjectAt(entry.offset, num);
    const members = await this.objectStream(entry.stream);
    const value = members.get(num);
    return value === undefined ? null : { value };
  }

  private async objectStream(num: number): Promise<Map<number, PdfValue>> {
    const cached = this.objectStreams.get(num);
    if (cached) return cached;
    const entry = this.entries.get(num);
    if (entry?.type !== 1) throw new PdfSyntaxError(`object stream ${num} missing`);
    const { value, stream } = await this.readObjectAt(entry.offset, num);
    if (value.kind !== "dict" || !stream || !isName(value.entries.get("Type"), "ObjStm")) throw new PdfSyntaxError(`object ${num} is not an object stream`);
    const n = numberOf(value.entries.get("N"));
    const first = numberOf(value.entries.get("First"));
    if (n === undefined || first === undefined) throw new PdfSyntaxError("object stream without /N or /First");
    const text = latin1(await this.streamData(value, stream));
    const header = new PdfLexer(text.slice(0, first));
    const members = new Map<number, PdfValue>();
    for (let i = 0; i < n; i++) {
      const objNum = Number(header.readWord());
      const at = Number(header.readWord());
      if (!Number.isInteger(objNum) || !Number.isInteger(at)) throw new PdfSyntaxError("bad object stream header");
      members.set(objNum, new PdfLexer(text, first + at).readValue());
    }
    this.objectStreams.set(num, members);
    return members;
  }

  /** Follows a reference (one level at a time, bounded). */
  async resolve(v: PdfValue | undefined): Promise<PdfValue | undefined> {
    for (let hops = 0; v?.kind === "ref"; hops++) {
      if (hops > 32) throw new PdfSyntaxError("reference chain too long");
      v = (await this.object(v.num))?.value;
    }
    return v;
  }

  /** The first page and its inherited attributes. */
  async firstPage(): Promise<FirstPage> {
    const root = await this.resolve(this.trailer.entries.get("Root"));
    let nodeRef = dictGet(root, "Pages");
    const inherited = new Map<string, PdfValue>();
    const visited = new Set<number>();
    for (let depth = 0; depth < 64; depth++) {
      if (nodeRef?.kind !== "ref") throw new PdfSyntaxError("page tree node is not a reference");
      if (visited.has(nodeRef.num)) throw new PdfSyntaxError("page tree loops");
      visited.add(nodeRef.num);
      const node = await this.resolve(nodeRef);
      if (node?.kind !== "dict") throw new PdfSyntaxError("page tree node is not a dictionary");
      for (const key of INHERITABLE) {
        const value = node.entries.get(key);
        if (value !== undefined) inherited.set(key, value);
      }
      if (isName(node.entries.get("Type"), "Page") || !node.entries.has("Kids")) return { ref: nodeRef, dict: node, inherited };
      const kids = await this.resolve(node.entries.get("Kids"));
      if (kids?.kind !== "array") throw new PdfSyntaxError("page tree node without /Kids");
      let next: PdfValue | undefined;
      for (const kid of kids.items) {
        const kidNode = await this.resolve(kid);
        if (kidNode?.kind !== "dict") continue;
        const isPages = !isName(kidNode.entries.get("Type"), "Page") && kidNode.entries.has("Kids");
        if (isPages && (numberOf(kidNode.entries.get("Count")) ?? 1) === 0) continue;
        next = kid;
        break;
      }
      if (!next) throw new PdfSyntaxError("the document has no pages");
      nodeRef = next;
    }
    throw new PdfSyntaxError("page tree too deep");
  }

  /**
   * How many pages the page tree holds (its leaves, not its /Count, which a file may get wrong); past
   * `stopAfter` it stops counting and says the larger of what it counted and the declared /Count.
   */
  async pageCount(stopAfter: number): Promise<number> {
    const root = await this.resolve(this.trailer.entries.get("Root"));
    const visited = new Set<number>();
    let count = 0;
    const walk = async (node: PdfValue | undefined, depth: number): Promise<void> => {
      if (depth > 64) throw new PdfSyntaxError("page tree too deep");
      if (node?.kind === "ref") {
        if (visited.has(node.num)) throw new PdfSyntaxError("page tree loops");
        visited.add(node.num);
      }
      const dict = await this.resolve(node);
      if (dict?.kind !== "dict") throw new PdfSyntaxError("page tree node is not a dictionary");
      if (isName(dict.entries.get("Type"), "Page") || !dict.entries.has("Kids")) {
        count++;
        return;
      }
      const kids = await this.resolve(dict.entries.get("Kids"));
      if (kids?.kind !== "array") throw new PdfSyntaxError("page tree node without /Kids");
      for (const kid of kids.items) {
        if (count > stopAfter) return;
        await walk(kid, depth + 1);
      }
    };
    const pages = dictGet(root, "Pages");
    await walk(pages, 0);
    return count > stopAfter ? Math.max(count, numberOf(dictGet(await this.resolve(pages), "Count")) ?? 0) : count;
  }

  /**
   * Whether any object holds JavaScript or an XFA form (the dictionaries `stripJavaScript` acts on:
   * /JS, /S /JavaScript, /XFA, a /JavaScript name tree). Reads every object's dictionary, never
   * stream data other than object streams.
   */
  async hasActiveContent(): Promise<boolean> {
    const found = (v: PdfValue, depth: number): boolean => {
      if (depth > 64) return false;
      if (v.kind === "array") return v.items.some((item) => found(item, depth + 1));
      if (v.kind !== "dict") return false;
      if (v.entries.has("JS") || v.entries.has("XFA") || v.entries.has("JavaScript") || isName(v.entries.get("S"), "JavaScript")) return true;
      for (const value of v.entries.values()) if (found(value, depth + 1)) return true;
      return false;
    };
    const streams = new Set<number>();
    for (const [num, entry] of this.entries) {
      if (entry.type === 2) {
        streams.add(entry.stream);
        continue;
      }
      const obj = await this.readObjectAt(entry.offset, num);
      if (found(obj.value, 0)) return true;
    }
    for (const num of streams) for (const value of (await this.objectStream(num)).values()) if (found(value, 0)) return true;
    return false;
  }
}
