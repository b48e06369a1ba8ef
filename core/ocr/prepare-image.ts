// Getting a page image ready for tesseract (issue 18): upright, grey, the red seal taken out, the
// lighting evened, and scaled so that the text is at about 300 dpi (tesseract's LSTM model reads
// diacritics far better at 300 dpi than at the 150–200 dpi of a phone photo or a cheap scan).
//
// - Resolution: a photo or scan carries no trustworthy dpi, but it shows one page: its pixels per
//   inch are estimated from its long side as if it were A4 (11.69 in) and it is scaled up to
//   `targetDpi` (never down below it), within MAX_LONG_SIDE pixels.
// - The seal: Decree-30 seals are red and sit over the signer block, in the lower part of the page.
//   There a reddish pixel is taken by its red channel (a red seal over white paper turns light, black
//   print under it stays black); elsewhere the grey is the usual luminance, so a red "KHẨN" stamp in
//   the header is kept. Only red goes: a blue signature stays as it is.
// - Lighting: a phone photo's light falls off towards the edges and the table shows around the page;
//   the grey is divided by a local estimate of the paper's brightness (a bright percentile per block,
//   smoothed), which leaves white paper at 255 and the print dark, so tesseract's global threshold works.
// All pixel work is a few passes over the image in JS plus libvips (sharp) for the resizing: about a
// tenth of a second per A4 page here, small next to the OCR itself.
import sharp from "sharp";

/** Options of {@link prepareForOcr}. */
export type PrepareOptions = {
  /** Scale the page up so that it is at least this many dots per inch (0: do not scale). @defaultValue 300 */
  targetDpi?: number;
  /** Take the red seal out of the lower part of the page. @defaultValue true */
  removeSeal?: boolean;
  /** Even out the lighting. @defaultValue true */
  flattenLight?: boolean;
  /** Unsharp-mask sigma after scaling (0: none). @defaultValue 1 */
  sharpen?: number;
};

/** The longest side a prepared page may have (A4 at 300 dpi is 3508 px). */
export const MAX_LONG_SIDE = 3600;
/** A prepared page is never smaller than this on its long side. */
const MIN_LONG_SIDE = 1600;
/** Inches of an A4 page's long side. */
const A4_LONG_INCHES = 11.69;
/** The seal is looked for below this fraction of the page's height (the header's marks are above). */
const SEAL_FROM = 0.4;
/** How far a coloured pixel is lifted from its brightest channel towards white (1 would erase the print under a seal's edge too). */
const LIFT = 0.5;
/** Side of the blocks the paper's brightness is estimated on, in pixels of the original. */
const BLOCK = 32;

/** Rows of pixels worked on between two turns of the event loop (a few milliseconds: the bots' updates are not held up). */
const ROWS_PER_TURN = 64;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The grey image with reddish pixels replaced by their red channel below `sealFromRow`. */
const greyWithoutSeal = async (rgb: Buffer, width: number, height: number, sealFromRow: number): Promise<Uint8Array> => {
  const out = new Uint8Array(width * height);
  for (let y = 0, i = 0, o = 0; y < height; y++) {
    if (y % ROWS_PER_TURN === 0) await nextTurn();
    const seal = y >= sealFromRow;
    for (let x = 0; x < width; x++, i += 3, o++) {
      const r = rgb[i]!;
      const g = rgb[i + 1]!;
      const b = rgb[i + 2]!;
      const lum = (299 * r + 587 * g + 114 * b) / 1000;
      if (!seal) {
        out[o] = lum;
        continue;
      }
      // How coloured: 0 up to a chroma of 12 (grey, JPEG colour noise), fully from 36 on (a thin
      // stroke's colour is halved by JPEG's chroma subsampling); a coloured
      // pixel is taken by its brightest channel lifted halfway to white (a red seal or a blue
      // signature over paper turns light, black print under it stays dark).
      const max = r > g ? (r > b ? r : b) : g > b ? g : b;
      const min = r < g ? (r < b ? r : b) : g < b ? g : b;
      const chroma = max - min;
      const w = chroma <= 12 ? 0 : chroma >= 36 ? 1 : (chroma - 12) / 24;
      out[o] = lum + w * (max * (1 - LIFT) + 255 * LIFT - lum);
    }
  }
  return out;
};

/** Divides the grey by the paper's local brightness (a bright percentile per block, smoothed). */
const flatten = async (grey: Uint8Array, width: number, height: number): Promise<Uint8Array> => {
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const blocks = new Uint8Array(bw * bh);
  const hist = new Uint32Array(256);
  for (let by = 0; by < bh; by++) {
    await nextTurn();
    for (let bx = 0; bx < bw; bx++) {
      hist.fill(0);
      let n = 0;
      for (let y = by * BLOCK; y < Math.min(height, (by + 1) * BLOCK); y++) {
        const row = y * width;
        for (let x = bx * BLOCK; x < Math.min(width, (bx + 1) * BLOCK); x++, n++) hist[grey[row + x]!]!++;
      }
      // The 90th percentile: paper even where a block is one-third print.
      let seen = 0;
      let v = 255;
      for (; v > 0; v--) {
        seen += hist[v]!;
        if (seen >= n * 0.1) break;
      }
      blocks[by * bw + bx] = v;
    }
  }
  // Smooth the block map (a dark block of solid print takes its neighbours' paper), then back to full size.
  const bg = await sharp(blocks, { raw: { width: bw, height: bh, channels: 1 } })
    .dilate(1)
    .blur(1.5)
    .resize(width, height, { kernel: "cubic" })
    .raw()
    .toBuffer();
  // The paper's usual brightness; far darker than that is the table around the page: white.
  const paper = [...blocks].sort((a, b) => a - b)[Math.floor(blocks.length / 2)]!;
  const table = paper * 0.6;
  // The table: dark blocks reached from the image's border (a block of solid print inside the page is
  // not table). A block next to it is white too (partly table; no print is that near a page's edge).
  const isTable = new Uint8Array(bw * bh);
  const stack: number[] = [];
  for (let bx = 0; bx < bw; bx++) stack.push(bx, (bh - 1) * bw + bx);
  for (let by = 0; by < bh; by++) stack.push(by * bw, by * bw + bw - 1);
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (isTable[b] || blocks[b]! >= table) continue;
    isTable[b] = 1;
    const bx = b % bw;
    if (bx > 0) stack.push(b - 1);
    if (bx < bw - 1) stack.push(b + 1);
    if (b >= bw) stack.push(b - bw);
    if (b + bw < bw * bh) stack.push(b + bw);
  }
  const tableNear = new Uint8Array(bw * bh);
  for (let by = 0; by < bh; by++)
    for (let bx = 0; bx < bw; bx++) {
      if (!isTable[by * bw + bx]) continue;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (by + dy >= 0 && by + dy < bh && bx + dx >= 0 && bx + dx < bw) tableNear[(by + dy) * bw + bx + dx] = 1;
    }
  const out = new Uint8Array(width * height);
  for (let y = 0, i = 0; y < height; y++) {
    if (y % ROWS_PER_TURN === 0) await nextTurn();
    const brow = Math.floor(y / BLOCK) * bw;
    for (let x = 0; x < width; x++, i++) {
      if (tableNear[brow + Math.floor(x / BLOCK)]) {
        out[i] = 255;
        continue;
      }
      const v = (grey[i]! * 255) / bg[i]!;
      out[i] = v > 255 ? 255 : v;
    }
  }
  return out;
};

/**
 * A page image (JPEG/PNG/WebP…; EXIF rotation applied) as a grey PNG ready for OCR, with its
 * resolution written in it.
 */
export const prepareForOcr = async (bytes: Uint8Array, options: PrepareOptions = {}): Promise<Buffer> => {
  const targetDpi = options.targetDpi ?? 300;
  const { data, info } = await sharp(bytes, { limitInputPixels: 50_000_000 }).rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  if (!width || !height) throw new Error("image without size");
  const rgb = channels === 3 ? data : await sharp(data, { raw: { width, height, channels } }).toColourspace("srgb").removeAlpha().raw().toBuffer();
  let grey = await greyWithoutSeal(rgb, width, height, options.removeSeal === false ? height : Math.floor(height * SEAL_FROM));
  if (options.flattenLight !== false) grey = await flatten(grey, width, height);

  const long = Math.max(width, height);
  const dpi = long / A4_LONG_INCHES;
  let target = long;
  if (targetDpi > 0 && dpi < targetDpi) target = Math.round(targetDpi * A4_LONG_INCHES);
  target = Math.min(MAX_LONG_SIDE, Math.max(MIN_LONG_SIDE, target));
  const outDpi = Math.round((dpi * target) / long);
  const img = sharp(grey, { raw: { width, height, channels: 1 } });
  const scaled = target === long ? img : img.resize({ ...(width >= height ? { width: target } : { height: target }), kernel: "lanczos3" });
  const sigma = options.sharpen ?? 1;
  let out = scaled;
  if (sigma > 0) {
    // Sharpened above the seal's part only: under it, sharpening brings the seal's remains back.
    const base = await scaled.toColourspace("b-w").png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
    const { width: w, height: h } = base.info;
    const top = Math.floor(h * (options.removeSeal === false ? 1 : SEAL_FROM));
    const upper = await sharp(base.data).extract({ left: 0, top: 0, width: w, height: top }).sharpen({ sigma }).png({ compressionLevel: 1 }).toBuffer();
    out = sharp(
      await sharp(base.data)
        .composite([{ input: upper, left: 0, top: 0 }])
        .toColourspace("b-w")
        .raw()
        .toBuffer(),
      { raw: { width: w, height: h, channels: 1 } },
    );
  }
  return out.toColourspace("b-w").withDensity(outDpi).png({ compressionLevel: 1 }).toBuffer();
};
