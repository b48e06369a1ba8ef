// Stamping page 1 by an incremental update (ISO 32000-1 §7.5.6): the original bytes stay as they
// are and a few kilobytes are appended — the stamp as a form XObject, a new version of page 1 that
// draws it over its old content, and a cross-reference section pointing back to the original's.
// Time and memory depend on the stamp and on the objects read to find page 1, not on the file's size,
// and a signature the issuing agency put on the original still covers the bytes it signed.
//
// The stamp itself is drawn with pdf-lib on a blank page with the same boxes and rotation as the
// original's page 1 (so the drawing code is the same as for a full rewrite), saved as a small PDF, and
// its page content and resources are moved into the form XObject.
import { deflateSync } from "node:zlib";
import { degrees, PDFDocument, type PDFPage } from "pdf-lib";
import { bytesSource, PdfFile, type ByteSource } from "./pdf-file.ts";
import { mapRefs, numberOf, pdfArray, pdfDict, pdfName, pdfNumber, pdfRef, PdfSyntaxError, serialize, type PdfDict, type PdfRef, type PdfValue } from "./pdf-syntax.ts";

/** Draws the stamp on `page` (a blank page shaped like the original's page 1). */
export type DrawOnFirstPage = (page: PDFPage, doc: PDFDocument) => void | Promise<void>;

/** The original cannot be stamped incrementally (encrypted, has active content, or a structure this reader does not follow). */
export class NeedsFullRewrite extends Error {
  override readonly name = "NeedsFullRewrite";
}

const boxOf = async (file: PdfFile, v: PdfValue | undefined): Promise<[number, number, number, number] | undefined> => {
  const box = await file.resolve(v);
  if (box?.kind !== "array" || box.items.length !== 4) return undefined;
  const n: number[] = [];
  for (const item of box.items) {
    const x = numberOf(await file.resolve(item));
    if (x === undefined) return undefined;
    n.push(x);
  }
  const [a, b, c, d] = n as [number, number, number, number];
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
};

/** The blank page with the stamp, as a small PDF (no object streams, so every object is plain). */
const drawStampPdf = async (frame: { media: number[]; crop: number[]; rotate: number }, draw: DrawOnFirstPage): Promise<Uint8Array> => {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const [mx, my, mx2, my2] = frame.media as [number, number, number, number];
  const [cx, cy, cx2, cy2] = frame.crop as [number, number, number, number];
  const page = doc.addPage([mx2 - mx, my2 - my]);
  page.setMediaBox(mx, my, mx2 - mx, my2 - my);
  page.setCropBox(cx, cy, cx2 - cx, cy2 - cy);
  page.setRotation(degrees(frame.rotate));
  await draw(page, doc);
  return doc.save({ useObjectStreams: false, addDefaultPage: false });
};

/** Content stream references of a page, in order (a /Contents stream or array, direct or indirect). */
const contentRefs = async (file: PdfFile, contents: PdfValue | undefined): Promise<PdfValue[]> => {
  if (contents === undefined) return [];
  if (contents.kind === "array") return contents.items;
  if (contents.kind !== "ref") throw new PdfSyntaxError("page /Contents is neither a reference nor an array");
  const target = await file.object(contents.num);
  if (!target) return [];
  if (target.value.kind === "array") return target.value.items;
  return [contents];
};

/** Bytes to append to `source` so that its page 1 shows what `draw` draws on top of it. */
export const appendFirstPageOverlay = async (source: ByteSource, draw: DrawOnFirstPage): Promise<Buffer> => {
  let original: PdfFile;
  try {
    original = await PdfFile.open(source);
  } catch (err) {
    throw new NeedsFullRewrite("cross-reference not followed", { cause: err });
  }
  if (original.trailer.entries.has("Encrypt")) throw new NeedsFullRewrite("encrypted");
  try {
    if (await original.hasActiveContent()) throw new NeedsFullRewrite("JavaScript or XFA");
    return await buildUpdate(original, draw);
  } catch (err) {
    if (err instanceof PdfSyntaxError) throw new NeedsFullRewrite(err.message, { cause: err });
    throw err;
  }
};

const buildUpdate = async (original: PdfFile, draw: DrawOnFirstPage): Promise<Buffer> => {
  const page = await original.firstPage();
  const media = await boxOf(original, page.inherited.get("MediaBox"));
  if (!media) throw new PdfSyntaxError("page 1 has no MediaBox");
  const crop = (await boxOf(original, page.inherited.get("CropBox"))) ?? media;
  const rotate = numberOf(await original.resolve(page.inherited.get("Rotate"))) ?? 0;
  if (rotate % 90 !== 0) throw new PdfSyntaxError(`page 1 /Rotate ${rotate}`);

  // The stamp as a small PDF, read back with the same reader.
  const small = await PdfFile.open(bytesSource(await drawStampPdf({ media, crop, rotate: ((rotate % 360) + 360) % 360 }, draw)));
  const stampPage = await small.firstPage();
  const stampResources = (await small.resolve(stampPage.inherited.get("Resources"))) ?? pdfDict();
  const pieces: Buffer[] = [];
  for (const ref of await contentRefs(small, stampPage.dict.entries.get("Contents"))) {
    if (ref.kind !== "ref") continue;
    const obj = await small.object(ref.num);
    if (obj?.stream && obj.value.kind === "dict") pieces.push(await small.streamData(obj.value, obj.stream), Buffer.from("\n"));
  }
  const stampContent = Buffer.concat(pieces);

  // New objects are numbered after the original's.
  let next = original.size;
  const renumbered = new Map<number, PdfRef>();
  const toCopy: number[] = [];
  const newNumber = (ref: PdfRef): PdfRef => {
    let mapped = renumbered.get(ref.num);
    if (!mapped) {
      mapped = pdfRef(next++);
      renumbered.set(ref.num, mapped);
      toCopy.push(ref.num);
    }
    return mapped;
  };
  const formResources = mapRefs(stampResources, newNumber);

  const objects: { num: number; gen: number; parts: Buffer[] }[] = [];
  const plain = (num: number, gen: number, value: PdfValue) => objects.push({ num, gen, parts: [Buffer.from(`${num} ${gen} obj\n${serialize(value)}\nendobj\n`, "latin1")] });
  const stream = (num: number, dict: PdfDict, data: Buffer) => {
    dict.entries.set("Length", pdfNumber(data.length));
    objects.push({ num, gen: 0, parts: [Buffer.from(`${num} 0 obj\n${serialize(dict)}\nstream\n`, "latin1"), data, Buffer.from("\nendstream\nendobj\n", "latin1")] });
  };

  // Everything the stamp's resources reach (fonts, their files and maps), copied as written.
  for (let i = 0; i < toCopy.length; i++) {
    const smallNum = toCopy[i]!;
    const obj = await small.object(smallNum);
    if (!obj) throw new PdfSyntaxError(`stamp object ${smallNum} missing`);
    const value = mapRefs(obj.value, newNumber);
    const num = renumbered.get(smallNum)!.num;
    if (obj.stream && value.kind === "dict") stream(num, value, await small.source.read(obj.stream.start, obj.stream.length));
    else plain(num, 0, value);
  }

  const form = pdfRef(next++);
  stream(
    form.num,
    pdfDict([
      ["Type", pdfName("XObject")],
      ["Subtype", pdfName("Form")],
      ["BBox", pdfArray(media.map(pdfNumber))],
      ["Resources", formResources],
      ["Filter", pdfName("FlateDecode")],
    ]),
    deflateSync(stampContent),
  );

  // Page 1, new version: its old content isolated in q … Q, then the stamp on top.
  const originalResources = (await original.resolve(page.inherited.get("Resources"))) ?? pdfDict();
  if (originalResources.kind !== "dict") throw new PdfSyntaxError("page 1 /Resources is not a dictionary");
  const xobjects = (await original.resolve(originalResources.entries.get("XObject"))) ?? pdfDict();
  if (xobjects.kind !== "dict") throw new PdfSyntaxError("page 1 /XObject is not a dictionary");
  let name = "EdocStamp";
  for (let i = 1; xobjects.entries.has(name); i++) name = `EdocStamp${i}`;
  const resources = pdfDict(originalResources.entries);
  resources.entries.set("XObject", pdfDict([...xobjects.entries, [name, form]]));

  const before = pdfRef(next++);
  stream(before.num, pdfDict(), Buffer.from("q\n", "latin1"));
  const after = pdfRef(next++);
  stream(after.num, pdfDict(), Buffer.from(`\nQ\nq /${name} Do Q\n`, "latin1"));
  const pageDict = pdfDict(page.dict.entries);
  pageDict.entries.set("Contents", pdfArray([before, ...(await contentRefs(original, page.dict.entries.get("Contents"))), after]));
  pageDict.entries.set("Resources", resources);
  plain(page.ref.num, page.ref.gen, pageDict);

  // Lay the objects out after the original, then the cross-reference section and trailer.
  const base = original.source.size + 1; // the update starts with a newline
  const chunks: Buffer[] = [Buffer.from("\n", "latin1")];
  let offset = base;
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const obj of objects) {
    offsets.set(obj.num, { offset, gen: obj.gen });
    for (const part of obj.parts) {
      chunks.push(part);
      offset += part.length;
    }
  }
  const trailerEntries: [string, PdfValue][] = [];
  for (const key of ["Root", "Info", "ID"]) {
    const value = original.trailer.entries.get(key);
    if (value !== undefined) trailerEntries.push([key, value]);
  }
  trailerEntries.push(["Prev", pdfNumber(original.lastXrefOffset)]);

  if (original.lastXrefIsStream) {
    const self = next++;
    offsets.set(self, { offset, gen: 0 });
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const width = Math.max(1, Math.ceil(Math.log2(offset + 1) / 8));
    const rows = Buffer.alloc(nums.length * (1 + width + 2));
    const index: number[] = [];
    nums.forEach((num, i) => {
      const { offset: at, gen } = offsets.get(num)!;
      const row = i * (1 + width + 2);
      rows[row] = 1;
      rows.writeUIntBE(at, row + 1, width);
      rows.writeUInt16BE(gen, row + 1 + width);
      if (i > 0 && nums[i - 1] === num - 1) index[index.length - 1]! += 1;
      else index.push(num, 1);
    });
    const dict = pdfDict([
      ["Type", pdfName("XRef")],
      ["Size", pdfNumber(next)],
      ["Index", pdfArray(index.map(pdfNumber))],
      ["W", pdfArray([1, width, 2].map(pdfNumber))],
      ...trailerEntries,
      ["Length", pdfNumber(rows.length)],
    ]);
    chunks.push(Buffer.from(`${self} 0 obj\n${serialize(dict)}\nstream\n`, "latin1"), rows, Buffer.from(`\nendstream\nendobj\nstartxref\n${offset}\n%%EOF\n`, "latin1"));
  } else {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    let table = "xref\n";
    for (let i = 0; i < nums.length;) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
      table += `${nums[i]} ${j - i + 1}\n`;
      for (let k = i; k <= j; k++) {
        const { offset: at, gen } = offsets.get(nums[k]!)!;
        table += `${String(at).padStart(10, "0")} ${String(gen).padStart(5, "0")} n\r\n`;
      }
      i = j + 1;
    }
    const trailer = pdfDict([["Size", pdfNumber(next)], ...trailerEntries]);
    chunks.push(Buffer.from(`${table}trailer\n${serialize(trailer)}\nstartxref\n${offset}\n%%EOF\n`, "latin1"));
  }
  return Buffer.concat(chunks);
};
