// The agency's visible seal block on an issued document (DOMAIN.md §4): at the top right of page 1,
// no image, black upright text, 10 pt, in one of two forms.
//
// A document born digital and signed by its signer (the PDF carries a personal digital signature)
// gets the block of Decree 30 Appendix I Part I, II.8.b and III.1.d:
//
//   UBND phường Quy Nhơn
//   Số: 05/UBND-VP
//   Thời gian ký: 2026-12-01T09:15:30+07:00
//
// A scan of a wet-signed paper original (or photos of it) is, once the agency signs it, a copy made
// by digitising (sao y, Decree 30 Art. 18.6 and 25.1.c), whose block is that of Appendix I Part II,
// I.3: the copy type, the copying agency and the signing time:
//
//   SAO Y
//   UBND phường Quy Nhơn
//   Thời gian ký: 2026-12-01T09:15:30+07:00
//
// The block shows the agency's digital signature, so it is drawn only when the agency signs: without
// a certificate the issued copy carries no block at all (see `copyForIssue`).
//
// The time is ISO 8601 in the office's zone (Vietnam time). The font is Tinos (from the npm package
// @expo-google-fonts/tinos): Times New Roman is not redistributable, and Tinos is metric-compatible
// with it (same advance widths) and has every Vietnamese glyph. The block is drawn on a COPY of the
// original: its bytes are never touched. When the agency certificate is configured,
// core/pdf/sign-pdf.ts signs the stamped copy afterwards (stamp first, sign last).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadFontkit } from "./fonts.ts";
import { concatTransformationMatrix, popGraphicsState, pushGraphicsState, rgb } from "pdf-lib";
import type { PDFFont, PDFPage } from "pdf-lib";
import { openForStamp, visibleFrame } from "./stamp-page.ts";
import { wrapText } from "./stamp-received.ts";

/**
 * The form of the block: `ORIGINAL` for a document born digital and signed by its signer, `SAO_Y`
 * for the digitised copy of a paper original (see the top of this file).
 */
export type SealForm = "ORIGINAL" | "SAO_Y";

type SealCommon = {
  /** The issuing (or copying) agency as printed on stamps (e.g. "UBND phường Quy Nhơn"). */
  agencyName: string;
  /** When the agency signed (an instant; printed in `timeZone`). */
  signedAt: Date;
  /** Office time zone. @defaultValue "Asia/Ho_Chi_Minh" */
  timeZone?: string;
};

/** What the seal block says. */
export type SealStamp =
  | (SealCommon & {
      /** @defaultValue "ORIGINAL" */
      form?: "ORIGINAL";
      /** Số và ký hiệu, e.g. "05/UBND-VP". */
      numberAndNotation: string;
    })
  | (SealCommon & { form: "SAO_Y" });

/** The copy type printed on a digitised copy (Decree 30 Appendix I Part II, I.1). */
export const COPY_TYPE_SAO_Y = "SAO Y";

const INK = rgb(0, 0, 0);
/** 10 pt (Decree 30 Appendix I, II.8.b and Part II I.3: Times New Roman 10 pt; Tinos stands in for it). */
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
const TINOS_TTF = join(dirname(require.resolve("@expo-google-fonts/tinos/package.json")), "400Regular", "Tinos_400Regular.ttf");
let serifBytes: Promise<Uint8Array> | undefined;

/** Tinos Regular (metric-compatible with Times New Roman, Vietnamese glyphs), read once per process. */
export const loadSealFontBytes = (): Promise<Uint8Array> => {
  serifBytes ??= readFile(TINOS_TTF).then(
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

/** The lines of the block, before wrapping: [agency, number, time] or [copy type, agency, time]. */
export const sealLines = (seal: SealStamp): [string, string, string] => {
  const time = `Thời gian ký: ${formatSigningTime(seal.signedAt, seal.timeZone)}`;
  return seal.form === "SAO_Y" ? [COPY_TYPE_SAO_Y, seal.agencyName.trim(), time] : [seal.agencyName.trim(), `Số: ${seal.numberAndNotation}`, time];
};

/** Draws the seal block on `page` (mutates the page of a loaded document). */
export const drawSealStamp = (page: PDFPage, font: PDFFont, seal: SealStamp): void => {
  const frame = visibleFrame(page);
  // Scale with the page: scanners that write 1 px = 1 pt make a 2480-pt "A4" page.
  const scale = Math.min(5, Math.max(0.5, Math.min(frame.width, frame.height) / A4_SHORT_SIDE_PT));
  const size = SIZE * scale;
  const maxWidth = Math.min(MAX_WIDTH_PT * scale, frame.width * 0.6);
  const [first, second, time] = sealLines(seal);
  const texts =
    seal.form === "SAO_Y"
      ? [first, ...wrapText(second, font, size, maxWidth).slice(0, MAX_AGENCY_LINES), time]
      : [...wrapText(first, font, size, maxWidth).slice(0, MAX_AGENCY_LINES), ...wrapText(second, font, size, maxWidth), time];
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
 * "PDF_ENCRYPTED" | "PDF_EMPTY")` for input that intake validation would refuse. Call it only when
 * the agency signs the result: the block stands for that signature.
 *
 * @example
 * const sealed = await stampSeal(pdf, { agencyName: "UBND phường Quy Nhơn", numberAndNotation: "05/UBND-VP", signedAt: now });
 * const copy = await stampSeal(scan, { form: "SAO_Y", agencyName: "UBND phường Quy Nhơn", signedAt: now });
 */
export const stampSeal = async (pdf: Uint8Array, seal: SealStamp): Promise<Uint8Array> => {
  const { doc, first } = await openForStamp(pdf);
  doc.registerFontkit(await loadFontkit());
  const font = await doc.embedFont(await loadSealFontBytes(), { subset: true });
  drawSealStamp(first, font, seal);
  return doc.save({ addDefaultPage: false });
};

/**
 * The copy issued when the agency does not sign (no certificate configured): the original's pages
 * as they are, with JavaScript removed, and no seal block (nothing was signed, so no "Thời gian ký").
 * Same refusals as `stampSeal`.
 */
export const copyForIssue = async (pdf: Uint8Array): Promise<Uint8Array> => {
  const { doc } = await openForStamp(pdf);
  return doc.save({ addDefaultPage: false });
};
