// Photos of a document's pages (in the order sent) → one A4 PDF, one page per photo.
//
// Every photo is re-encoded, never embedded as sent: that applies the EXIF orientation, drops EXIF data
// (phones put GPS positions there), downscales to what 200 dpi on A4 needs (Decree 30 asks ≥ 200 dpi for
// scans) and keeps 20 noisy 12-megapixel phone photos under 20 MB (STACK.md: embedded as sent, 50 photos
// made 82 MB). Photos are processed one at a time to bound memory.
import { PDFDocument } from "pdf-lib";
import type sharpType from "sharp";
import { DomainError } from "../errors.ts";
import type { ValidatedImage } from "./validate-upload.ts";

/** A4 in PDF points (1/72 inch). */
export const A4_POINTS = { width: 595.28, height: 841.89 } as const;

/** Options of `photosToPdf`. */
export type PhotosToPdfOptions = {
  /** Resolution kept on the page. @defaultValue 200 */
  dpi?: number;
  /** White margin around each photo, in points. @defaultValue 14 (≈ 5 mm) */
  marginPt?: number;
  /** Largest JPEG per photo after re-encoding; quality is lowered step by step to fit. @defaultValue 900_000 */
  maxBytesPerPhoto?: number;
  /** Refuse to decode photos with more pixels than this (sharp's own guard). @defaultValue 100_000_000 */
  maxImagePixels?: number;
};

/** JPEG qualities tried in order until the photo fits its byte budget. */
const QUALITY_STEPS = [80, 70, 60, 50, 40] as const;

type PreparedPhoto = { jpeg: Uint8Array; width: number; height: number };

// sharp (libvips) is loaded by the first photo, not when the service starts.
let sharpModule: Promise<typeof sharpType> | undefined;
const loadSharp = (): Promise<typeof sharpType> => (sharpModule ??= import("sharp").then((m) => m.default));

const preparePhoto = async (photo: ValidatedImage, opts: Required<PhotosToPdfOptions>): Promise<PreparedPhoto> => {
  const sharp = await loadSharp();
  try {
    const source = sharp(photo.bytes, { failOn: "truncated", limitInputPixels: opts.maxImagePixels });
    const meta = await source.metadata();
    // Orientations 5–8 swap width and height on display.
    const isSwapped = (meta.orientation ?? 1) >= 5;
    const shownWidth = isSwapped ? meta.height : meta.width;
    const shownHeight = isSwapped ? meta.width : meta.height;
    const isLandscape = shownWidth > shownHeight;
    const pageW = isLandscape ? A4_POINTS.height : A4_POINTS.width;
    const pageH = isLandscape ? A4_POINTS.width : A4_POINTS.height;
    let boxW = Math.round(((pageW - 2 * opts.marginPt) / 72) * opts.dpi);
    let boxH = Math.round(((pageH - 2 * opts.marginPt) / 72) * opts.dpi);
    for (let attempt = 0; attempt < 3; attempt++) {
      const pipeline = () =>
        sharp(photo.bytes, { failOn: "truncated", limitInputPixels: opts.maxImagePixels })
          .autoOrient()
          .resize({ width: boxW, height: boxH, fit: "inside", withoutEnlargement: true })
          .flatten({ background: "#ffffff" }); // PNG transparency → white paper
      for (const quality of QUALITY_STEPS) {
        const { data, info } = await pipeline().jpeg({ quality, mozjpeg: true }).toBuffer({ resolveWithObject: true });
        if (data.byteLength <= opts.maxBytesPerPhoto || (attempt === 2 && quality === QUALITY_STEPS.at(-1))) {
          return { jpeg: new Uint8Array(data), width: info.width, height: info.height };
        }
      }
      // Still too big at the lowest quality (extreme noise): lower the resolution and try again.
      boxW = Math.round(boxW * 0.75);
      boxH = Math.round(boxH * 0.75);
    }
    throw new Error("unreachable: the last attempt always returns");
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError("IMAGE_CORRUPT", "intake.imageCorrupt", {}, { cause: err });
  }
};

/**
 * Assembles photos into one PDF: each on its own A4 page (landscape for landscape photos), fitted inside
 * a small margin, centred, aspect ratio kept. Throws `DomainError("IMAGE_CORRUPT")` when a photo cannot
 * be decoded.
 */
export const photosToPdf = async (photos: readonly ValidatedImage[], options: PhotosToPdfOptions = {}): Promise<Uint8Array> => {
  const opts: Required<PhotosToPdfOptions> = {
    dpi: options.dpi ?? 200,
    marginPt: options.marginPt ?? 14,
    maxBytesPerPhoto: options.maxBytesPerPhoto ?? 900_000,
    maxImagePixels: options.maxImagePixels ?? 100_000_000,
  };
  const doc = await PDFDocument.create();
  doc.setCreator("edoc intake");
  doc.setProducer("edoc intake (pdf-lib)");
  for (const photo of photos) {
    const prepared = await preparePhoto(photo, opts);
    const isLandscape = prepared.width > prepared.height;
    const pageW = isLandscape ? A4_POINTS.height : A4_POINTS.width;
    const pageH = isLandscape ? A4_POINTS.width : A4_POINTS.height;
    const page = doc.addPage([pageW, pageH]);
    const image = await doc.embedJpg(prepared.jpeg);
    const scale = Math.min((pageW - 2 * opts.marginPt) / prepared.width, (pageH - 2 * opts.marginPt) / prepared.height);
    const w = prepared.width * scale;
    const h = prepared.height * scale;
    page.drawImage(image, { x: (pageW - w) / 2, y: (pageH - h) / 2, width: w, height: h });
  }
  return doc.save();
};
