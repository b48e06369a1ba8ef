import { describe, expect, it } from "vitest";
import { findFreeSpot, parsePgm, type PageRaster } from "../../../core/pdf/free-space.ts";

/** A white raster of a 100 × 200 pt page at 1 px per pt, with the given rectangles (x0, y0, x1, y1 in px from the top left) inked. */
const raster = (ink: [number, number, number, number][] = [], specks: [number, number][] = []): PageRaster => {
  const width = 100;
  const height = 200;
  const grey = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, x1, y1] of ink) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) grey[y * width + x] = 0;
  for (const [x, y] of specks) grey[y * width + x] = 30;
  return { width, height, grey };
};
const BOX = { pageWidth: 100, pageHeight: 200, width: 40, height: 30 };
const OPTS = { clearance: 2, edgeTop: 5, edgeSide: 5 };

describe("findFreeSpot", () => {
  it("takes the top right corner of a blank page", () => {
    expect(findFreeSpot(raster(), BOX, OPTS)).toEqual({ left: 55, top: 5, width: 40, height: 30 });
  });

  it("moves left when the corner is inked, then down when the whole top band is", () => {
    // The right-most blank place of the top band: its outer edge (with the clearance) touches the ink at x = 50.
    expect(findFreeSpot(raster([[50, 0, 100, 60]]), BOX, OPTS)).toEqual({ left: 8, top: 5, width: 40, height: 30 });
    const spot = findFreeSpot(raster([[0, 0, 100, 60]]), BOX, OPTS)!;
    // Clear of the ink by the clearance: the box's top is at least 2 pt below row 60.
    expect(spot).toEqual({ left: 55, top: 62, width: 40, height: 30 });
  });

  it("never overlaps ink, however thin (a line of text one pixel high)", () => {
    const spot = findFreeSpot(raster([[0, 20, 100, 21]]), BOX, OPTS)!;
    expect(spot.top).toBeGreaterThanOrEqual(23);
  });

  it("tolerates a scan's isolated specks but not more, and says null when nothing is blank", () => {
    // 44 × 34 px with the clearance: 0.002 of it tolerates 2 ink pixels.
    const specky = { ...OPTS, speckRatio: 0.002 };
    expect(findFreeSpot(raster([], [[70, 15]]), BOX, specky)).toEqual({ left: 55, top: 5, width: 40, height: 30 });
    expect(findFreeSpot(raster([], [[70, 15]]), BOX, OPTS)?.left).not.toBe(55);
    expect(
      findFreeSpot(
        raster(
          [],
          [
            [70, 15],
            [71, 15],
            [72, 15],
            [73, 15],
          ],
        ),
        BOX,
        specky,
      )?.left,
    ).not.toBe(55);
    expect(findFreeSpot(raster([[0, 0, 100, 200]]), BOX, OPTS)).toBeNull();
    expect(findFreeSpot(raster(), { ...BOX, width: 120 }, OPTS)).toBeNull();
  });

  it("maps a raster of another resolution back to points", () => {
    // Half a pixel per point: positions come back in points, and the edges are still kept.
    const half: PageRaster = { width: 50, height: 100, grey: new Uint8Array(50 * 100).fill(255) };
    const spot = findFreeSpot(half, BOX, OPTS)!;
    expect(spot.top).toBeGreaterThanOrEqual(5);
    expect(spot.left + spot.width).toBeLessThanOrEqual(95);
    expect(spot.left).toBeGreaterThan(50);
  });
});

describe("parsePgm", () => {
  it("reads pdftoppm's binary grey map and refuses anything else", () => {
    const pixels = [0, 128, 255, 7, 8, 9];
    const pgm = new Uint8Array([...new TextEncoder().encode("P5\n3 2\n255\n"), ...pixels]);
    expect(parsePgm(pgm)).toEqual({ width: 3, height: 2, grey: new Uint8Array(pixels) });
    expect(parsePgm(new TextEncoder().encode("P6\n3 2\n255\n123456789012345678"))).toBeNull();
    expect(parsePgm(new Uint8Array([...new TextEncoder().encode("P5\n3 2\n255\n"), 1, 2]))).toBeNull();
  });
});
