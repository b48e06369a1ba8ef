import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { MAX_LONG_SIDE, prepareForOcr } from "../../../core/ocr/prepare-image.ts";

// The page image before OCR (issue 18): scaled to ~300 dpi, the red seal and a blue signature lifted
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
  it("scales a 150-dpi page to 300 dpi (grey, the resolution written in it)", async () => {
    const out = await prepareForOcr(await photo());
    const meta = await sharp(out).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.height).toBe(Math.round(300 * 11.69));
    expect(meta.density).toBe(300);
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
});
