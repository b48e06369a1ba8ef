// The agency's visible seal block on an issued document (DOMAIN.md §4; Decree 30 Appendix I, II.8.b
// and III.1.d): at the top right of page 1, no image, black text in a Times-like 10 pt face:
//
//   UBND thành phố Quy Nhơn
//   Số: 05/UBND-VP
//   Thời gian ký: 2026-12-01T09:15:30+07:00
//
// The time is ISO 8601 in the office's zone (Vietnam time). The block is drawn on a COPY of the
// signed scan: the original bytes are never touched. When the agency certificate is configured,
// core/pdf/sign-pdf.ts signs the stamped copy afterwards (stamp first, sign last).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadFontkit } from "./fonts.ts";
import { concatTransformationMatrix, popGraphicsState, pushGraphicsState, rgb } from "pdf-lib";
import type { PDFFont, PDFPage } from "pdf-lib";
import { openForStamp, visibleFrame } from "./stamp-page.ts";
import { wrapText } from "./stamp-received.ts";

/** What the seal block says. */
export type SealStamp = {
  /** The issuing agency as printed on stamps (e.g. "UBND thành phố Quy Nhơn"). */
  agencyName: string;
  /** Số và ký hiệu, e.g. "05/UBND-VP". */
  numberAndNotation: string;
  /** When the agency signed (an instant; printed in `timeZone`). */
  signedAt: Date;
  /** Office time zone. @defaultValue "Asia/Ho_Chi_Minh" */
  timeZone?: string;
};

const INK = rgb(0, 0, 0);
/** 10 pt (Decree 30 Appendix I, II.8.b: Times New Roman 10 pt; DejaVu Serif stands in for it). */
const SIZE = 10;
const LEADING = 1.18;
/** Widest the block may be on an A4 page, and its distance from the top and right edges. */
const MAX_WIDTH_PT = 240;
const OFFSET_TOP_PT = (3 / 25.4) * 72;
const OFFSET_RIGHT_PT = (8 / 25.4) * 72;
const A4_SHORT_SIDE_PT = 595.28;
const PADDING_PT = 2;
const MAX_AGENCY_LINES = 2;

const require = createRequire(import.meta.url);
const TTF_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
let serifBytes: Promise<Uint8Array> | undefined;

/** DejaVu Serif (Vietnamese glyphs, a Times-like serif face), read once per process. */
const loadSerif = (): Promise<Uint8Array> => {
  serifBytes ??= readFile(join(TTF_DIR, "DejaVuSerif.ttf")).then(
    (b) => new Uint8Array(b),
    (err: unknown) => {
      serifBytes = undefined;
      throw err;
    },
  );
  return serifBytes;
};

/**
 * ISO 8601 with the zone's offset and whole seconds, whatever the process TZ is.
 *
 * @example formatSigningTime(new Date("2026-12-01T02:15:30Z")) // "2026-12-01T09:15:30+07:00"
 */
export const formatSigningTime = (at: Date, timeZone = "Asia/Ho_Chi_Minh"): string => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offsetMin = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(get("year"), 4)}-${pad(get("month"))}-${pad(get("day"))}T${pad(get("hour"))}:${pad(get("minute"))}:${pad(get("second"))}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/** The lines of the block, before wrapping. */
export const sealLines = (seal: SealStamp): string[] => [
  seal.agencyName.trim(),
  `Số: ${seal.numberAndNotation}`,
  `Thời gian ký: ${formatSigningTime(seal.signedAt, seal.timeZone)}`,
];


/** Draws the seal block on `page` (mutates the page of a loaded document). */
export const drawSealStamp = (page: PDFPage, font: PDFFont, seal: SealStamp): void => {
  const frame = visibleFrame(page);
  // Scale with the page: scanners that write 1 px = 1 pt make a 2480-pt "A4" page.
  const scale = Math.min(5, Math.max(0.5, Math.min(frame.width, frame.height) / A4_SHORT_SIDE_PT));
  const size = SIZE * scale;
  const maxWidth = Math.min(MAX_WIDTH_PT * scale, frame.width * 0.6);
  const [agency, number, time] = sealLines(seal) as [string, string, string];
  const agencyLines = wrapText(agency, font, size, maxWidth).slice(0, MAX_AGENCY_LINES);
  const texts = [...agencyLines, ...wrapText(number, font, size, maxWidth), time];
  const width = Math.max(...texts.map((s) => font.widthOfTextAtSize(s, size)));
  const pad = PADDING_PT * scale;
  const height = texts.length * size * LEADING + 2 * pad;
  const right = frame.width - OFFSET_RIGHT_PT * scale;
  const left = right - width - 2 * pad;
  const top = frame.height - OFFSET_TOP_PT * scale;

  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...frame.matrix));
  // A white ground keeps the text legible over a scan's margin (no border, no image).
  page.drawRectangle({ x: left, y: top - height, width: width + 2 * pad, height, color: rgb(1, 1, 1) });
  let baseline = top - pad;
  for (const text of texts) {
    baseline -= size * LEADING;
    page.drawText(text, { x: left + pad, y: baseline + size * 0.22, size, font, color: INK });
  }
  page.pushOperators(popGraphicsState());
};

/**
 * Draws the agency's seal block on page 1 of `pdf` and returns the stamped copy (new bytes; the input
 * is not modified). JavaScript is removed from the copy. Throws `DomainError("PDF_CORRUPT" |
 * "PDF_ENCRYPTED" | "PDF_EMPTY")` for input that intake validation would refuse.
 *
 * @example
 * const sealed = await stampSeal(scan, { agencyName: "UBND thành phố Quy Nhơn", numberAndNotation: "05/UBND-VP", signedAt: now });
 */
export const stampSeal = async (pdf: Uint8Array, seal: SealStamp): Promise<Uint8Array> => {
  const { doc, first } = await openForStamp(pdf);
  doc.registerFontkit(await loadFontkit());
  const font = await doc.embedFont(await loadSerif(), { subset: true });
  drawSealStamp(first, font, seal);
  return doc.save({ addDefaultPage: false });
};
