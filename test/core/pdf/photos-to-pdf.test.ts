import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import type { PDFNumber } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { prepareIncoming } from "../../../core/pdf/prepare-incoming.ts";
import { A4_POINTS, photosToPdf } from "../../../core/pdf/photos-to-pdf.ts";
import { validateImage } from "../../../core/pdf/validate-upload.ts";
import { FIXTURES_DIR, generatePhonePhotos } from "../../fixtures/generate-fixtures.ts";

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));

const pageSizes = async (pdf: Uint8Array) =>
  (await PDFDocument.load(pdf)).getPages().map((p) => {
    const { width, height } = p.getSize();
    return { width: Math.round(width), height: Math.round(height) };
  });

/** Pixel sizes of the images a PDF embeds (their /Width and /Height entries). */
const embeddedImageSizes = async (pdf: Uint8Array) => {
  const doc = await PDFDocument.load(pdf);
  const sizes: { width: number; height: number }[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream) || obj.dict.get(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const num = (key: string) => (obj.dict.get(PDFName.of(key)) as PDFNumber).asNumber();
    sizes.push({ width: num("Width"), height: num("Height") });
  }
  return sizes;
};

describe("photosToPdf", () => {
  it("turns each photo into an A4 page in the order sent, applying EXIF rotation", async () => {
    // photo-exif-rotated.jpg is stored 400×300 with orientation 6: it is shown 300×400 (portrait).
    const rotated = validateImage(fixture("photo-exif-rotated.jpg"), "jpeg");
    const png = validateImage(fixture("photo-small.png"), "png");
    const pdf = await photosToPdf([rotated, png]);
    const portrait = { width: Math.round(A4_POINTS.width), height: Math.round(A4_POINTS.height) };
    expect(await pageSizes(pdf)).toEqual([portrait, portrait]);
    // Pixels are turned, not just the page: the embedded image is 300 wide, 400 high.
    expect(await embeddedImageSizes(pdf)).toEqual([
      { width: 300, height: 400 },
      { width: 300, height: 420 },
    ]);
  });

  it("gives a landscape photo a landscape A4 page", async () => {
    const sharp = (await import("sharp")).default;
    const landscape = await sharp({ create: { width: 800, height: 500, channels: 3, background: "#eeeeee" } })
      .jpeg()
      .toBuffer();
    const pdf = await photosToPdf([validateImage(new Uint8Array(landscape), "jpeg")]);
    expect(await pageSizes(pdf)).toEqual([{ width: Math.round(A4_POINTS.height), height: Math.round(A4_POINTS.width) }]);
  });

  it("makes 20 noisy 12-megapixel phone photos into one PDF under 20 MB", async () => {
    const paths = await generatePhonePhotos(20);
    const parts = paths.map((p) => ({ bytes: new Uint8Array(readFileSync(p)), fileName: p }));
    const inputBytes = parts.reduce((sum, p) => sum + p.bytes.byteLength, 0);
    const result = await prepareIncoming(parts);
    expect(result).toMatchObject({ source: "photos", pageCount: 20 });
    expect(result.pdf.byteLength).toBeLessThan(20 * 1024 * 1024);
    expect(result.pdf.byteLength).toBeLessThan(inputBytes); // downscaled, not embedded as sent
    // 200 dpi on landscape A4 inside 5 mm margins: at most 2260 × 1575 pixels per photo.
    for (const size of await embeddedImageSizes(result.pdf)) expect(size.width).toBeLessThanOrEqual(2260);
    console.log(`20 photos: ${(inputBytes / 1048576).toFixed(1)} MB in, ${(result.pdf.byteLength / 1048576).toFixed(1)} MB out`);
    // Landscape photos (4000×3000) → landscape pages.
    expect((await pageSizes(result.pdf))[0]).toEqual({ width: Math.round(A4_POINTS.height), height: Math.round(A4_POINTS.width) });
  }, 240_000);
});
