import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { BLURRED_BELOW, edgeSharpness, MAX_LONG_SIDE, planPreparation, prepareForOcr, preparePage } from "../../../core/ocr/prepare-image.ts";

// The page image before OCR (issue 18): scaled to 250 dpi when blurred or coarse, the red seal and a blue signature lifted
// out of the lower part, print kept dark, a red mark in the header kept, the table around a photo white.
// A synthetic A4 "photo" at 150 dpi (1240 × 1754): paper a little grey, a dark table strip on the left,
// black print, a red box in the header, a red disc under black print in the lower part (print
// shows through a seal: it is stamped over it), a blue stroke.
const W = 1240;
const H = 1754;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="#dcdcdc"/>
  <rect width="60" height="${H}" fill="#5a5048"/>
  <rect x="200" y="200" width="300" height="40" fill="#000"/>
  <rect x="200" y="300" width="300" height="40" fill="#d01818"/>
  <circle cx="760" cy="1300" r="110" fill="#d01818" fill-opacity="0.85"/>
  <rect x="700" y="1200" width="300" height="40" fill="#000"/>
  <rect x="700" y="1280" width="120" height="40" fill="#000"/>
  <path d="M 850 1400 L 1100 1400" stroke="#1a2a8a" stroke-width="8"/>
</svg>`;
const photo = () => sharp(Buffer.from(svg)).flatten({ background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer();

/** The mean grey of a box of the prepared page, given in pixels of the original photo. */
const meanAt = async (png: Buffer, scale: number, x: number, y: number, w: number, h: number): Promise<number> => {
  const box = { left: Math.round(x * scale), top: Math.round(y * scale), width: Math.round(w * scale), height: Math.round(h * scale) };
  const { data } = await sharp(png).extract(box).raw().toBuffer({ resolveWithObject: true });
  return data.reduce((s, v) => s + v, 0) / data.length;
};

describe("prepareForOcr", () => {
  it("scales a 150-dpi page to 250 dpi (grey, the resolution written in it)", async () => {
    const out = await prepareForOcr(await photo());
    const meta = await sharp(out).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.height).toBe(Math.round(250 * 11.69));
    expect(meta.density).toBe(250);
    // A page at 300 dpi or more is not scaled up; a huge one is scaled down to MAX_LONG_SIDE.
    const big = await sharp({ create: { width: 3000, height: 4300, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
    expect((await sharp(await prepareForOcr(big)).metadata()).height).toBe(MAX_LONG_SIDE);
    expect(
      (
        await sharp(
          await prepareForOcr(
            await sharp(await photo())
              .resize({ height: 3508 })
              .toBuffer(),
          ),
        ).metadata()
      ).height,
    ).toBe(3508);
  });

  it("lifts the red seal and the blue signature out of the lower part, keeps print under the seal dark, keeps a red mark in the header, whitens the table", async () => {
    const out = await prepareForOcr(await photo());
    const scale = (await sharp(out).metadata()).height! / H;
    const paper = await meanAt(out, scale, 300, 700, 200, 100);
    expect(paper).toBeGreaterThan(245); // the grey paper evened to white
    expect(await meanAt(out, scale, 210, 205, 280, 30)).toBeLessThan(40); // print in the header
    expect(await meanAt(out, scale, 210, 305, 280, 30)).toBeLessThan(110); // a red mark in the header stays dark
    expect(await meanAt(out, scale, 710, 1205, 280, 30)).toBeLessThan(40); // print in the signer block
    expect(await meanAt(out, scale, 710, 1285, 100, 30)).toBeLessThan(40); // print under the seal
    expect(await meanAt(out, scale, 730, 1350, 60, 40)).toBeGreaterThan(200); // the seal alone: light
    expect(await meanAt(out, scale, 900, 1398, 150, 4)).toBeGreaterThan(170); // the blue stroke: light
    expect(await meanAt(out, scale, 5, 100, 40, 1500)).toBeGreaterThan(245); // the table: white
  });

  it("without seal removal and flattening, the seal stays dark (what the options turn off)", async () => {
    const out = await prepareForOcr(await photo(), { removeSeal: false, flattenLight: false, sharpen: 0 });
    const scale = (await sharp(out).metadata()).height! / H;
    expect(await meanAt(out, scale, 730, 1350, 60, 40)).toBeLessThan(120);
  });

  // Which pages are scaled and sharpened (a clean 200-dpi scan read worse at 300 dpi and sharpened:
  // "tổ" → "tố", "SGDĐT" → "SSGDĐT"; the blurred phone photos read better so).
  describe("the decision", () => {
    const crisp = 178; // a clean scan's edgeSharpness
    const blurred = 45; // a phone photo's

    it("leaves a crisp page from 180 dpi up at its size, unsharpened", () => {
      const plan = planPreparation({ width: 1654, height: 2339, sharpness: crisp });
      expect(plan).toMatchObject({ blurred: false, longSide: 2339, targetLongSide: 2339, outDpi: 200, sharpen: false });
      expect(Math.round(plan.dpi)).toBe(200);
      expect(planPreparation({ width: 1485, height: 2105, sharpness: crisp })).toMatchObject({ targetLongSide: 2105, sharpen: false }); // 180 dpi
      expect(planPreparation({ width: 2480, height: 3508, sharpness: crisp })).toMatchObject({ targetLongSide: 3508, outDpi: 300, sharpen: false });
    });

    it("scales a blurred page below 250 dpi to 250 dpi and sharpens it", () => {
      const plan = planPreparation({ width: 1552, height: 2156, sharpness: blurred }); // 184 dpi
      expect(plan).toMatchObject({ blurred: true, targetLongSide: 2923, outDpi: 250, sharpen: true });
      // A blurred page already at 250 dpi or more is sharpened, not scaled.
      expect(planPreparation({ width: 2480, height: 3508, sharpness: blurred })).toMatchObject({ targetLongSide: 3508, sharpen: true });
      expect(planPreparation({ width: 1552, height: 2156, sharpness: BLURRED_BELOW - 1 }).blurred).toBe(true);
      expect(planPreparation({ width: 1552, height: 2156, sharpness: BLURRED_BELOW }).blurred).toBe(false);
    });

    it("scales a crisp page below 180 dpi to 250 dpi, and sharpens it only when scaled 1.6× or more", () => {
      expect(planPreparation({ width: 1240, height: 1754, sharpness: crisp })).toMatchObject({ targetLongSide: 2923, outDpi: 250, sharpen: true }); // 150 dpi: 1.67×
      expect(planPreparation({ width: 1447, height: 2046, sharpness: crisp })).toMatchObject({ targetLongSide: 2923, outDpi: 250, sharpen: false }); // 175 dpi: 1.43×
    });

    it("takes a known resolution (a rendered PDF page) over the A4 estimate, and honours the options", () => {
      // An A5 page rendered at 200 dpi: 141 dpi as if A4, but 200 dpi it is.
      expect(planPreparation({ width: 1166, height: 1654, dpi: 200, sharpness: crisp })).toMatchObject({ dpi: 200, targetLongSide: 1654, outDpi: 200, sharpen: false });
      expect(planPreparation({ width: 1166, height: 1654, sharpness: crisp }).targetLongSide).toBeGreaterThan(1654);
      expect(planPreparation({ width: 1552, height: 2156, sharpness: blurred }, { targetDpi: 0 })).toMatchObject({ targetLongSide: 2156, sharpen: true });
      expect(planPreparation({ width: 1552, height: 2156, sharpness: blurred }, { sharpen: 0 })).toMatchObject({ targetLongSide: 2923, sharpen: false });
    });

    // A 200-dpi A4 page of dark bars (lines of print), as scanned and as a blurred JPEG photo.
    const bars = `<svg xmlns="http://www.w3.org/2000/svg" width="1654" height="2339"><rect width="1654" height="2339" fill="#fff"/>${Array.from({ length: 40 }, (_, i) => `<rect x="${150 + (i % 5) * 20}" y="${200 + i * 45}" width="${900 + (i % 7) * 40}" height="${8 + (i % 3) * 4}" fill="#111"/>`).join("")}</svg>`;
    const scan = () => sharp(Buffer.from(bars)).png().toBuffer();
    const blurredPhoto = async () =>
      sharp(await scan())
        .blur(1.2)
        .jpeg({ quality: 60 })
        .toBuffer();
    const greyOf = async (bytes: Buffer) => {
      const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
      return edgeSharpness(data, info.width, info.height);
    };

    it("measures a scan as crisp, the same page blurred as blurred, a blank page as not blurred", async () => {
      expect(await greyOf(await scan())).toBeGreaterThanOrEqual(BLURRED_BELOW);
      expect(await greyOf(await blurredPhoto())).toBeLessThan(BLURRED_BELOW);
      expect(await edgeSharpness(new Uint8Array(1000 * 1400).fill(255), 1000, 1400)).toBe(Infinity);
    });

    it("prepares the 200-dpi scan at its size and the blurred photo at 250 dpi", async () => {
      const clean = await preparePage(await scan());
      expect(clean.plan).toMatchObject({ blurred: false, targetLongSide: 2339, sharpen: false });
      expect(await sharp(clean.png).metadata()).toMatchObject({ height: 2339, density: 200, channels: 1 });
      const photo = await preparePage(await blurredPhoto());
      expect(photo.plan).toMatchObject({ blurred: true, targetLongSide: 2923, sharpen: true });
      expect(await sharp(photo.png).metadata()).toMatchObject({ height: 2923, density: 250, channels: 1 });
    });
  });
});
