// Where on a page a stamp may go without covering anything: page 1 is rendered to a small grey
// raster (poppler's `pdftoppm`, when it is installed: the service runs without it) and searched for a
// blank rectangle. Rendering sees what a reader sees, text, scanned pixels and drawings alike, so a
// scan's printed Quốc hiệu is found as surely as a born-digital one.
//
// Without pdftoppm (or when it fails) there is no raster and the caller falls back to a stamp
// without fill, which hides nothing.
import { runPdftoppm } from "./pdftoppm.ts";

/** A grey raster of a page as displayed (crop box, rotation applied): row 0 is the top. */
export type PageRaster = {
  width: number;
  height: number;
  /** One byte per pixel, 0 = black, 255 = white, rows top to bottom. */
  grey: Uint8Array;
};

/** Options of `renderFirstPage`. */
export type RenderOptions = {
  /** Path of the pdftoppm binary. @defaultValue "pdftoppm" (found on PATH) */
  pdftoppmPath?: string;
  /** Kill pdftoppm after this long. @defaultValue 20_000 */
  timeoutMs?: number;
  /** Long side of the raster in pixels. @defaultValue 900 */
  longSide?: number;
};

/** Reads a binary PGM (P5, maxval 255) as pdftoppm -gray writes it. Null when it is not one. */
export const parsePgm = (bytes: Uint8Array): PageRaster | null => {
  // Header: "P5", width, height, maxval, separated by whitespace (comments are not written by pdftoppm).
  const fields: string[] = [];
  let at = 0;
  while (fields.length < 4 && at < bytes.length) {
    while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]!))) at++;
    let field = "";
    while (at < bytes.length && !/\s/.test(String.fromCharCode(bytes[at]!))) field += String.fromCharCode(bytes[at++]!);
    fields.push(field);
  }
  at++; // the single whitespace after maxval
  const [magic, w, h, max] = fields;
  const width = Number(w);
  const height = Number(h);
  if (magic !== "P5" || max !== "255" || !Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return null;
  if (bytes.length - at < width * height) return null;
  return { width, height, grey: bytes.subarray(at, at + width * height) };
};

/**
 * Renders page 1 of `pdf` (bytes, or a file pdftoppm reads itself) to a grey raster with pdftoppm;
 * null when pdftoppm is missing, fails or times out (the caller then places its stamp without fill).
 */
export const renderFirstPage = async (pdf: Uint8Array | { bytes: Uint8Array } | { path: string }, options: RenderOptions = {}): Promise<PageRaster | null> => {
  try {
    const input = pdf instanceof Uint8Array ? { bytes: pdf } : pdf;
    const args = ["-f", "1", "-l", "1", "-gray", "-cropbox", "-scale-to", String(options.longSide ?? 900)];
    const rendered = await runPdftoppm(input, args, "pgm", { ...(options.pdftoppmPath ? { pdftoppmPath: options.pdftoppmPath } : {}), timeoutMs: options.timeoutMs ?? 20_000 });
    return rendered.ok ? parsePgm(new Uint8Array(rendered.bytes)) : null;
  } catch {
    return null;
  }
};

/** A rectangle in the displayed page's points, measured from its top-left corner. */
export type TopLeftRect = { left: number; top: number; width: number; height: number };

/** Options of `findFreeSpot`. */
export type FreeSpotOptions = {
  /** Blank space kept around the stamp, in points. @defaultValue 4 */
  clearance?: number;
  /** The stamp keeps this far from the page's top edge, in points. @defaultValue 11.3 (4 mm) */
  edgeTop?: number;
  /** ... and this far from its other edges. @defaultValue 22.7 (8 mm) */
  edgeSide?: number;
  /** A pixel darker than this is ink. @defaultValue 200 */
  inkBelow?: number;
  /** Ink pixels tolerated in the area (a scan's specks). @defaultValue 0.0005 of its pixels */
  speckRatio?: number;
};

/**
 * The highest blank place for a `width` × `height` point box on a page of `pageWidth` × `pageHeight`
 * points, rendered as `raster`; among the highest, the right-most (the ĐẾN stamp's usual corner,
 * then the free space under the header). Null when no place is blank.
 *
 * @example
 * const spot = findFreeSpot(raster, { pageWidth: 595, pageHeight: 842, width: 142, height: 80 });
 */
export const findFreeSpot = (
  raster: PageRaster,
  box: { pageWidth: number; pageHeight: number; width: number; height: number },
  options: FreeSpotOptions = {},
): TopLeftRect | null => {
  const { width: rw, height: rh, grey } = raster;
  const sx = rw / box.pageWidth;
  const sy = rh / box.pageHeight;
  const inkBelow = options.inkBelow ?? 200;
  // Summed-area table of ink pixels: any rectangle's count in four lookups.
  const sums = new Uint32Array((rw + 1) * (rh + 1));
  for (let y = 0; y < rh; y++) {
    let row = 0;
    for (let x = 0; x < rw; x++) {
      row += grey[y * rw + x]! < inkBelow ? 1 : 0;
      sums[(y + 1) * (rw + 1) + x + 1] = sums[y * (rw + 1) + x + 1]! + row;
    }
  }
  const inkIn = (x0: number, y0: number, x1: number, y1: number) => sums[y1 * (rw + 1) + x1]! - sums[y0 * (rw + 1) + x1]! - sums[y1 * (rw + 1) + x0]! + sums[y0 * (rw + 1) + x0]!;

  const clearance = options.clearance ?? 4;
  const edgeTop = options.edgeTop ?? (4 / 25.4) * 72;
  const edgeSide = options.edgeSide ?? (8 / 25.4) * 72;
  const outerW = Math.ceil((box.width + 2 * clearance) * sx);
  const outerH = Math.ceil((box.height + 2 * clearance) * sy);
  // Rounded inwards, so the edges are kept at any resolution.
  const minX = Math.max(0, Math.ceil((edgeSide - clearance) * sx));
  const minY = Math.max(0, Math.ceil((edgeTop - clearance) * sy));
  const maxX = rw - outerW - minX;
  const maxY = rh - outerH - Math.max(0, Math.ceil((edgeSide - clearance) * sy));
  if (maxX < minX || maxY < minY) return null;
  const tolerated = Math.floor(outerW * outerH * (options.speckRatio ?? 0.0005));
  for (let y = minY; y <= maxY; y++) {
    for (let x = maxX; x >= minX; x--) {
      if (inkIn(x, y, x + outerW, y + outerH) <= tolerated) {
        return { left: x / sx + clearance, top: y / sy + clearance, width: box.width, height: box.height };
      }
    }
  }
  return null;
};
