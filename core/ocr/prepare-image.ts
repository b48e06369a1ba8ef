// Getting a page image ready for tesseract (issue 18): upright, grey, the red seal taken out, the
// lighting evened, and — only where it helps — scaled up and sharpened.
//
// - What is done to a page is decided from the page itself (planPreparation, unit-tested): its
//   resolution (given for a rendered PDF page, else estimated from its long side as if A4, 11.69 in)
//   and its sharpness (edgeSharpness: the mean |Laplacian| on the print's edges). A crisp page from
//   180 dpi up is read at its own size and not sharpened: on the bench a clean 200-dpi scan read
//   worse scaled to 300 dpi ("tổ" → "tố") and sharpened (doubled letters: "SSGDĐT"). A blurred page
//   (a phone photo) or one below 180 dpi is scaled to `targetDpi` (250: as accurate as 300 on the
//   photos, a quarter faster, less memory), within MAX_LONG_SIDE pixels; its header (above the
//   seal's part) is unsharp-masked when it is blurred or was scaled up 1.6× or more.
// - The seal: Decree-30 seals are red and sit over the signer block, in the lower part of the page.
//   There a coloured pixel is taken by its brightest channel lifted halfway to white (a red seal or a
//   blue signature over paper turns light, black print under it stays dark); elsewhere the grey is the
//   usual luminance, so a red "KHẨN" stamp in the header is kept. Done on every page (no colour: no-op).
// - Lighting: a phone photo's light falls off towards the edges and the table shows around the page;
//   the grey is divided by a local estimate of the paper's brightness (a bright percentile per block,
//   smoothed), which leaves white paper at 255 and the print dark, so tesseract's global threshold
//   works. A page whose paper is white everywhere (a clean scan) is left as it is.
// All pixel work is done at the page's own size in JS (yielding to the event loop every 64 rows) and
// libvips (sharp); only the result is scaled. About 0.1–0.15 s of CPU for a clean A4 page at 200 dpi,
// 0.5–1 s for a photo scaled and sharpened, small next to the OCR itself (BENCHMARKS.md, OCR).
import sharp from "sharp";

/** Options of {@link prepareForOcr}. */
export type PrepareOptions = {
  /** Scale a blurred or low-resolution page up to this many dots per inch (0: do not scale). @defaultValue 250 */
  targetDpi?: number;
  /** The page's resolution when known (a PDF page rendered by pdftoppm); otherwise estimated from its long side as if A4. */
  dpi?: number;
  /** Take the red seal out of the lower part of the page. @defaultValue true */
  removeSeal?: boolean;
  /** Even out the lighting. @defaultValue true */
  flattenLight?: boolean;
  /** Unsharp-mask sigma for the header of a blurred or much upscaled page (0: never). @defaultValue 1 */
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
/** Paper this bright in every block is left as it is by the flattening. */
const WHITE_PAPER = 248;
/** A page at least this sharp ({@link edgeSharpness}) is crisp: a clean scan ≈ 178, the corpus's phone photos 35–85. */
export const BLURRED_BELOW = 120;
/** A crisp page from this resolution up is read at its own size. */
export const SHARP_ENOUGH_DPI = 180;
/** A page scaled up this much or more has its header sharpened even when it was crisp. */
export const SHARPEN_FROM_SCALE = 1.6;
/** A pixel is on an edge when |∂x| + |∂y| (central differences) passes this. */
const EDGE_GRADIENT = 40;
/** Fewer edge pixels than this: a blank page, no sharpness to measure. */
const MIN_EDGE_PIXELS = 500;

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
  // A page whose paper is white everywhere (a clean scan) has nothing to even out.
  if (blocks.every((v) => v >= WHITE_PAPER)) return grey;
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
 * How steep the print's edges are: the mean |Laplacian| over pixels with a strong gradient, on every
 * other row. Contrast-normalised by the flattening before it; on the bench corpus a crisp 200-dpi
 * scan measures ≈ 178, the blurred phone photos 35–85. Infinity for a page with (almost) no edges.
 */
export const edgeSharpness = async (grey: Uint8Array, width: number, height: number): Promise<number> => {
  let sum = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y += 2) {
    if (y % ROWS_PER_TURN === 1) await nextTurn();
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const l = grey[i - 1]!;
      const r = grey[i + 1]!;
      const u = grey[i - width]!;
      const d = grey[i + width]!;
      const g = (r > l ? r - l : l - r) + (d > u ? d - u : u - d);
      if (g <= EDGE_GRADIENT) continue;
      const lap = 4 * grey[i]! - l - r - u - d;
      sum += lap < 0 ? -lap : lap;
      n++;
    }
  }
  return n < MIN_EDGE_PIXELS ? Infinity : sum / n;
};

/** What {@link preparePage} does to a page, decided from its size, resolution and sharpness. */
export type PreparePlan = {
  /** The page's resolution: given, or estimated from its long side as if A4. */
  dpi: number;
  /** Its {@link edgeSharpness}. */
  sharpness: number;
  /** Sharpness below {@link BLURRED_BELOW}. */
  blurred: boolean;
  /** Long side before and after scaling, in pixels. */
  longSide: number;
  targetLongSide: number;
  /** Resolution written in the prepared image. */
  outDpi: number;
  /** Whether the header (above the seal's part) is unsharp-masked. */
  sharpen: boolean;
};

/**
 * The decision (issue 18): a crisp page from {@link SHARP_ENOUGH_DPI} up is read at its own size (a
 * clean 200-dpi scan read worse at 300 dpi: "tổ" → "tố" in a bold title), a blurred one or one below
 * that resolution is scaled to `targetDpi`; the header is sharpened only on a blurred page or one
 * scaled up {@link SHARPEN_FROM_SCALE}× or more (sharpening a crisp scan doubles letters: "SSGDĐT").
 */
export const planPreparation = (page: { width: number; height: number; dpi?: number; sharpness: number }, options: PrepareOptions = {}): PreparePlan => {
  const targetDpi = options.targetDpi ?? 250;
  const longSide = Math.max(page.width, page.height);
  const known = page.dpi !== undefined && page.dpi > 0;
  const dpi = known ? page.dpi! : longSide / A4_LONG_INCHES;
  const blurred = page.sharpness < BLURRED_BELOW;
  let target = longSide;
  if (targetDpi > 0 && dpi < targetDpi && (blurred || dpi < SHARP_ENOUGH_DPI)) target = known ? Math.round((longSide * targetDpi) / dpi) : Math.round(targetDpi * A4_LONG_INCHES);
  target = Math.min(MAX_LONG_SIDE, Math.max(MIN_LONG_SIDE, target));
  const sigma = options.sharpen ?? 1;
  return {
    dpi,
    sharpness: page.sharpness,
    blurred,
    longSide,
    targetLongSide: target,
    outDpi: Math.round((dpi * target) / longSide),
    sharpen: sigma > 0 && (blurred || target >= longSide * SHARPEN_FROM_SCALE),
  };
};

/**
 * A page image (JPEG/PNG/WebP…; EXIF rotation applied) as a grey PNG ready for OCR, with its
 * resolution written in it, and what was done to it.
 */
export const preparePage = async (bytes: Uint8Array, options: PrepareOptions = {}): Promise<{ png: Buffer; plan: PreparePlan }> => {
  let grey: Uint8Array;
  let width: number;
  let height: number;
  {
    const { data, info } = await sharp(bytes, { limitInputPixels: 50_000_000 }).rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    ({ width, height } = info);
    if (!width || !height) throw new Error("image without size");
    const rgb =
      info.channels === 3
        ? data
        : await sharp(data, { raw: { width, height, channels: info.channels } })
            .toColourspace("srgb")
            .removeAlpha()
            .raw()
            .toBuffer();
    grey = await greyWithoutSeal(rgb, width, height, options.removeSeal === false ? height : Math.floor(height * SEAL_FROM));
  }
  if (options.flattenLight !== false) grey = await flatten(grey, width, height);
  const plan = planPreparation({ width, height, ...(options.dpi ? { dpi: options.dpi } : {}), sharpness: await edgeSharpness(grey, width, height) }, options);

  // The pixel work above is done at the page's own size; only the result is scaled (libvips, one copy).
  let out: Uint8Array = grey;
  if (plan.targetLongSide !== plan.longSide) {
    const { data, info } = await sharp(grey, { raw: { width, height, channels: 1 } })
      .resize({ ...(width >= height ? { width: plan.targetLongSide } : { height: plan.targetLongSide }), kernel: "lanczos3" })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    out = data;
    ({ width, height } = info);
  }
  if (plan.sharpen) {
    // Sharpened above the seal's part only: under it, sharpening brings the seal's remains back.
    const top = Math.floor(height * (options.removeSeal === false ? 1 : SEAL_FROM));
    if (top > 0) {
      const upper = await sharp(out, { raw: { width, height, channels: 1 } })
        .extract({ left: 0, top: 0, width, height: top })
        .sharpen({ sigma: options.sharpen ?? 1 })
        .extractChannel(0)
        .raw()
        .toBuffer();
      out.set(upper, 0);
    }
  }
  const png = await sharp(out, { raw: { width, height, channels: 1 } })
    .toColourspace("b-w")
    .withDensity(plan.outDpi)
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { png, plan };
};

/** {@link preparePage}'s image only. */
export const prepareForOcr = async (bytes: Uint8Array, options: PrepareOptions = {}): Promise<Buffer> => (await preparePage(bytes, options)).png;
