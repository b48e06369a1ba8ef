// The "ĐẾN" stamp (dấu ĐẾN, Decree 30 Appendix IV §V): a bordered box on page 1 with the agency's name,
// "ĐẾN", "Số: <số đến>", "Ngày: dd/mm/yyyy HH:mm" (office time), "Chuyển: <routing>" and "Số và ký
// hiệu HS: <case file>", every line printed as on the carved paper stamp, the last two filled once the
// document is routed (a directive) and filed (a case file).
//
// Where: in blank space on page 1, found by rendering the page (core/pdf/free-space.ts): the top right
// corner when it is blank, else the highest blank place (under the header, where Decree 30 Art. 21
// puts the paper stamp). The box is then white-filled, which only hides a scan's specks. When no blank
// place is found, or the page cannot be rendered (poppler's pdftoppm is optional), the box goes to
// the top right corner WITHOUT fill, so it never hides what is printed there (the Quốc hiệu).
//
// The stamp is always drawn on the ORIGINAL bytes, never on an already stamped copy: adding the routing
// or the case file later means stamping the original again. The input buffer is never modified.
import { popGraphicsState, pushGraphicsState, concatTransformationMatrix, rgb } from "pdf-lib";
import type { PDFFont, PDFPage } from "pdf-lib";
import { embedStampFonts } from "./fonts.ts";
import { findFreeSpot, renderFirstPage, type PageRaster, type RenderOptions } from "./free-space.ts";
import { stampedBytes, stampFirstPage, type StampedResult, type StampSource } from "./stamp-first-page.ts";
import { visibleFrame } from "./stamp-page.ts";
import { formatDateTime } from "../time.ts";

/** What the stamp says. */
export type ReceivedStamp = {
  /** The receiving agency, as printed on stamps (e.g. "UBND thành phố Quy Nhơn"); shown in capitals, wrapped. */
  agencyName: string;
  /** The incoming register number (số đến). */
  registerNumber: number | string;
  /** When the document was received (an instant; shown in `timeZone`). */
  receivedAt: Date;
  /** To whom it is routed (Chuyển); the line stays blank until the leader has directed it. */
  routing?: string;
  /** Số và ký hiệu hồ sơ: the case file(s) it is filed in; the line stays blank until then. */
  caseFile?: string;
  /** Office time zone. @defaultValue "Asia/Ho_Chi_Minh" */
  timeZone?: string;
};

/** Stamp ink: the dark red of a paper ĐẾN stamp. */
const INK = rgb(0.78, 0.06, 0.06);
/** Box width on an A4 page: 50 mm, as the paper stamp (Decree 30 Appendix IV §V). */
const BOX_WIDTH_PT = (50 / 25.4) * 72;
/** Distance from the visible page's top and right edges on A4: in the margin, above most headers. */
const OFFSET_TOP_PT = (4 / 25.4) * 72;
const OFFSET_RIGHT_PT = (8 / 25.4) * 72;
const A4_SHORT_SIDE_PT = 595.28;
const PADDING_PT = 3;
const SIZE_AGENCY = 6.5;
const SIZE_TITLE = 10;
const SIZE_LINE = 7;
const LEADING = 1.22;
/** Long routings are cut after this many lines so the box stays small. */
const MAX_ROUTING_LINES = 4;
const MAX_CASE_FILE_LINES = 2;
const MAX_AGENCY_LINES = 3;

/**
 * "HH:mm dd/mm/yyyy" in the given zone, whatever the process TZ is: the one date-time order of the
 * messages too (core/time.ts formatDateTime).
 */
export const formatStampDateTime = (at: Date, timeZone = "Asia/Ho_Chi_Minh"): string => formatDateTime(at, timeZone);

/** Splits text into lines no wider than `maxWidth`, breaking at spaces, or inside a word too long for a line. */
export const wrapText = (text: string, font: PDFFont, size: number, maxWidth: number): string[] => {
  const lines: string[] = [];
  let line = "";
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
};

const limitLines = (lines: string[], max: number, font: PDFFont, size: number, maxWidth: number) => {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  let last = `${kept[max - 1]}…`;
  while (last.length > 1 && font.widthOfTextAtSize(last, size) > maxWidth) last = `${last.slice(0, -2)}…`;
  kept[max - 1] = last;
  return kept;
};

/** `leading` is the line's height as a multiple of its size; the title gets more, for its capital accents. */
type Line = { text: string; font: PDFFont; size: number; isCentered: boolean; leading?: number };

/** Where the box goes, in points from the displayed page's top-left corner, and whether it is white-filled. */
export type StampPlacement = { left: number; top: number; fill: boolean };

/** The stamp's lines and box size on `page`, before it is placed. */
export type ReceivedStampLayout = { lines: Line[]; frame: ReturnType<typeof visibleFrame>; scale: number; pad: number; width: number; height: number };

/** Lays the stamp out for `page`: its lines and its box size in points (scaled with the page). */
export const layoutReceivedStamp = (page: PDFPage, fonts: { regular: PDFFont; bold: PDFFont }, stamp: ReceivedStamp): ReceivedStampLayout => {
  const frame = visibleFrame(page);
  // Scale the stamp with the page: a scanner that writes 1 px = 1 pt makes a 2480-pt "A4" page.
  const scale = Math.min(5, Math.max(0.5, Math.min(frame.width, frame.height) / A4_SHORT_SIDE_PT));
  const boxW = BOX_WIDTH_PT * scale;
  const pad = PADDING_PT * scale;
  const inner = boxW - 2 * pad;
  const small = SIZE_LINE * scale;

  const lines: Line[] = [];
  const agency = stamp.agencyName.trim().toLocaleUpperCase("vi-VN");
  for (const text of limitLines(wrapText(agency, fonts.bold, SIZE_AGENCY * scale, inner), MAX_AGENCY_LINES, fonts.bold, SIZE_AGENCY * scale, inner)) {
    lines.push({ text, font: fonts.bold, size: SIZE_AGENCY * scale, isCentered: true });
  }
  lines.push({ text: "ĐẾN", font: fonts.bold, size: SIZE_TITLE * scale, isCentered: true, leading: 1.45 });
  lines.push({ text: `Số: ${stamp.registerNumber}`, font: fonts.regular, size: small, isCentered: false });
  lines.push({ text: `Ngày: ${formatStampDateTime(stamp.receivedAt, stamp.timeZone)}`, font: fonts.regular, size: small, isCentered: false });
  const filled = (label: string, value: string | undefined, max: number) => {
    const text = value?.trim() ? `${label}: ${value.trim()}` : `${label}:`;
    for (const line of limitLines(wrapText(text, fonts.regular, small, inner), max, fonts.regular, small, inner)) {
      lines.push({ text: line, font: fonts.regular, size: small, isCentered: false });
    }
  };
  filled("Chuyển", stamp.routing, MAX_ROUTING_LINES);
  filled("Số và ký hiệu HS", stamp.caseFile, MAX_CASE_FILE_LINES);

  const height = 2 * pad + lines.reduce((sum, l) => sum + l.size * (l.leading ?? LEADING), 0);
  return { lines, frame, scale, pad, width: boxW, height };
};

/** The top right corner of the displayed page: the default place, used without fill when nothing better is known. */
export const cornerPlacement = (layout: ReceivedStampLayout): StampPlacement => ({
  left: layout.frame.width - OFFSET_RIGHT_PT * layout.scale - layout.width,
  top: OFFSET_TOP_PT * layout.scale,
  fill: false,
});

/**
 * Draws the stamp on `page` (mutates the page of a loaded document) at `placement`; by default at the
 * top right corner without fill.
 */
export const drawReceivedStamp = (
  page: PDFPage,
  fonts: { regular: PDFFont; bold: PDFFont },
  stamp: ReceivedStamp,
  placement?: StampPlacement,
  layout: ReceivedStampLayout = layoutReceivedStamp(page, fonts, stamp),
): void => {
  const { frame, scale, pad, lines, width: boxW, height: boxH } = layout;
  const at = placement ?? cornerPlacement(layout);
  const left = at.left;
  const top = frame.height - at.top;

  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...frame.matrix));
  page.drawRectangle({
    x: left,
    y: top - boxH,
    width: boxW,
    height: boxH,
    ...(at.fill ? { color: rgb(1, 1, 1) } : {}),
    borderColor: INK,
    borderWidth: 0.9 * scale,
  });
  let baseline = top - pad;
  for (const line of lines) {
    baseline -= line.size * (line.leading ?? LEADING);
    const width = line.font.widthOfTextAtSize(line.text, line.size);
    const x = line.isCentered ? left + (boxW - width) / 2 : left + pad;
    // The descent sits inside the line's leading, so lift the baseline a little off the line box floor.
    page.drawText(line.text, { x, y: baseline + line.size * 0.22, size: line.size, font: line.font, color: INK });
  }
  page.pushOperators(popGraphicsState());
};

/**
 * Where the stamp goes on page 1, rendered as `raster`: its highest blank place (white fill), or the
 * top right corner without fill when the page could not be rendered (null) or has no blank place.
 */
export const placeReceivedStamp = (raster: PageRaster | null, layout: ReceivedStampLayout): StampPlacement => {
  const spot = raster && findFreeSpot(raster, { pageWidth: layout.frame.width, pageHeight: layout.frame.height, width: layout.width, height: layout.height });
  return spot ? { left: spot.left, top: spot.top, fill: true } : cornerPlacement(layout);
};

/**
 * Stamps "ĐẾN" on page 1 of `original` and returns the stamped copy (new bytes; `original` is not touched).
 * The copy has the same pages, and any JavaScript removed (see javascript.ts). Throws
 * `DomainError("PDF_CORRUPT" | "PDF_ENCRYPTED" | "PDF_EMPTY")` for input that validation would refuse.
 * `options` say how to render the page to find blank space (see placeReceivedStamp).
 *
 * @example
 * const stamped = await stampReceived(pdfBytes, { agencyName: "UBND phường Quy Nhơn", registerNumber: 7, receivedAt: new Date() });
 */
export const stampReceived = async (original: Uint8Array, stamp: ReceivedStamp, options: RenderOptions = {}): Promise<Uint8Array> =>
  stampedBytes(original, await stampReceivedFrom({ bytes: original }, stamp, options));

/**
 * The same from a file or bytes, without holding a file in memory when the stamp can be appended as an
 * incremental update (see stamp-first-page.ts). Page 1 is rendered first (pdftoppm reads the file
 * itself) to find blank space for the stamp.
 */
export const stampReceivedFrom = async (source: StampSource, stamp: ReceivedStamp, options: RenderOptions = {}): Promise<StampedResult> => {
  const raster = await renderFirstPage(source, options);
  return stampFirstPage(source, async (page, doc) => {
    const fonts = await embedStampFonts(doc);
    const layout = layoutReceivedStamp(page, fonts, stamp);
    drawReceivedStamp(page, fonts, stamp, placeReceivedStamp(raster, layout), layout);
  });
};
