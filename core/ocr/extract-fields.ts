// Reading a Decree-30 page: the fields of `/dangky` found in the OCR text of page 1 (and of the last
// page, for the signer), each with a confidence and the OCR line it came from. Pure: text in, fields out.
//
// README (issue 18, for the session that wires this in):
// - `read-page.ts` turns a page image (photo, or a PDF page through pdftoppm) into text; this file
//   turns that text into fields. Call `extractFields({ firstPage, lastPage, knownIssuers })` with the
//   issuers already in the register plus the organisation file's agencies as `knownIssuers`, and for
//   OCR text the word list of ./tone-marks.ts as `words` (the trích yếu's dấu hỏi read as dấu sắc).
// - The result maps onto bots/shared/text/register-grammar.ts `RegistrationFields`: `code` →
//   codeNumber/codeNotation, `issuer` (use `value`; `known` says whether it matched a known issuer, an
//   unmatched one is the header as printed and deserves a "kiểm tra lại"), `issuedDate` (the shape of
//   bots' LocalDate), `docType` (canonical name), `subject`, `urgency`; `signer` → signerTitle /
//   signerName; `requestedDueDate` → registerIncomingDocument's `requestedDueDate` (YYYY-MM-DD).
// - A field the clerk typed always wins; a field absent here is asked for as today. `secrecyMark`
//   present means the scan is marked secret: refuse it as the manual form does.
// - Not done here: a PDF's own text layer (read it with pdftotext before OCR), the worker/queue, the
//   echo marking which fields were read, the corpus and `npm run bench -- ocr`.
//
// Every rule works on a "folded" copy of the text (lower case, no diacritics, đ → d) that keeps one
// character per original character, so a match on the folded copy slices the original verbatim.
// OCR reads two-column headers either line by line ("UBND TỈNH X   CỘNG HÒA XÃ HỘI …") or column by
// column; the rules accept both.
import { foldSameLength } from "../text/fold.ts";
import { restoreHoiTone, type WordList } from "./tone-marks.ts";

/** A calendar date (same shape as bots' LocalDate). */
export type OcrDate = { year: number; month: number; day: number };

/** Where a value was read. */
export type FieldSource = {
  page: "first" | "last";
  /** 0-based line numbers in that page's text. */
  lines: number[];
  /** Those lines, verbatim. */
  text: string;
};

/** One field read from the page. */
export type ReadField<T> = {
  value: T;
  /**
   * 0–1. 1: printed text matched a strict pattern. Lower when OCR slips had to be repaired ("S6:",
   * O for 0), a fuzzy match was needed, or the value was inferred from another printed fact (the type
   * from the ký hiệu).
   */
  confidence: number;
  source: FieldSource;
};

export type Urgency = "URGENT" | "VERY_URGENT" | "FLASH";
export type SecrecyMark = "CONFIDENTIAL" | "SECRET" | "TOP_SECRET";

/** What was read. Anything not found is absent. */
export type ExtractedFields = {
  code?: ReadField<{ codeNumber: string; codeNotation?: string }>;
  issuer?: ReadField<string> & { known: boolean };
  issuedDate?: ReadField<OcrDate>;
  docType?: ReadField<string>;
  subject?: ReadField<string>;
  urgency?: ReadField<Urgency>;
  secrecyMark?: ReadField<SecrecyMark>;
  signer?: ReadField<{ position: string; authority?: string; fullName?: string }>;
  requestedDueDate?: ReadField<OcrDate>;
};

export type ExtractInput = {
  /** OCR text of page 1. */
  firstPage: string;
  /** OCR text of the last page, when the document has more than one. */
  lastPage?: string;
  /** Issuer names to match the header against (the register's issuers, the organisation file). */
  knownIssuers?: readonly string[];
  /**
   * A Vietnamese word list (`loadVietnameseWords()` in ./tone-marks.ts) to put back in the trích yếu
   * the dấu hỏi OCR reads as a dấu sắc on blurred photos. For OCR text only: a text layer needs none.
   */
  words?: WordList;
};

// === Folding that keeps positions (core/text/fold.ts)

export { foldSameLength };

const fold = (s: string): string => foldSameLength(s.normalize("NFC")).replace(/\s+/g, " ").trim();

// === Small helpers

type Line = { text: string; folded: string; index: number };

const toLines = (page: string): Line[] =>
  page
    .normalize("NFC")
    .split(/\r?\n/)
    .map((text, index) => ({ text, folded: foldSameLength(text), index }));

const source = (page: "first" | "last", lines: Line[]): FieldSource => ({
  page,
  lines: lines.map((l) => l.index),
  text: lines.map((l) => l.text).join("\n"),
});

const levenshtein = (a: string, b: string): number => {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
};

const isValidDate = (d: OcrDate): boolean =>
  d.year >= 1945 && d.year <= 2100 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();

const compareDates = (a: OcrDate, b: OcrDate): number => a.year - b.year || a.month - b.month || a.day - b.day;

/** OCR digits: O/o → 0, l/I/| → 1. Null when no digit is left. */
const repairDigits = (s: string): { digits: string; repaired: boolean } | null => {
  const digits = s.replace(/[Oo]/g, "0").replace(/[lIi|]/g, "1");
  return /^\d+$/.test(digits) ? { digits, repaired: digits !== s } : null;
};

// Quốc hiệu, tiêu ngữ and rule lines: cut out of header lines (they share lines with the left column).
const NATIONAL_MOTTO = /c[o0]ng\s*h[o0]a\s*xa\s*h[o0]i.*$|d[o0]c\s*l[a4]p\s*[-–—.,]?\s*t[uư]\s*d[o0].*$|h[a4]nh\s*ph[u]c.*$|[-_=—–~.]{4,}.*$/;
const DATE_WORDS = "(?<![a-z])ng[a-z]{1,3}";
const D = "[0-9oOlIi|]";

// === Số và ký hiệu

// The slash may come out as a fraction slash "⁄" or a division slash "∕", as ":", "," or ";", or be
// lost altogether ("683UBND-KHTC", "936:GM-SYT": then the ký hiệu must start with a capital right
// after the digits or that mark).
const CODE_LINE = /(?:^|[^a-z])s[o0-9]?\s*[:;.,]\s*([0-9oOlIi|]{1,7})(\s*[/⁄∕]\s*|[:;,])?((?:[\p{L}0-9]+)(?:\s*[-/⁄∕]\s*[\p{L}0-9]+)*)/du;
const LETTER_FOR_DIGIT: Record<string, string> = { "0": "O", "5": "S", "1": "I", "8": "B" };
const TYPE_ABBR_D_TO_DJ: Record<string, string> = { QD: "QĐ", CD: "CĐ", QYD: "QyĐ" };

const repairNotation = (raw: string): { notation: string; repaired: boolean } => {
  let repaired = false;
  const compact = raw.replace(/\s+/g, "");
  const slashParts = compact.split("/");
  const fixed = slashParts.map((part, partIndex) =>
    part
      .split("-")
      .map((seg, segIndex) => {
        // A year after the number ("15/2026/QĐ-UBND"): digits, with O read for 0.
        if (partIndex === 0 && slashParts.length > 1 && /^[0-9Oo]{4}$/.test(seg)) {
          const y = seg.replace(/[Oo]/g, "0");
          if (y !== seg) repaired = true;
          return y;
        }
        let s = seg;
        const letters = (s.match(/\p{L}/gu) ?? []).length;
        if (letters >= 1 && letters >= s.length / 2 && /[0158]/.test(s)) {
          s = s.replace(/[0158]/g, (d) => LETTER_FOR_DIGIT[d]!);
          repaired = true;
        }
        // The type abbreviation (before the first "-" of a named type's notation): QD is always QĐ.
        const upper = s.toUpperCase();
        if (segIndex === 0 && part.includes("-") && TYPE_ABBR_D_TO_DJ[upper] && s !== TYPE_ABBR_D_TO_DJ[upper]) {
          s = TYPE_ABBR_D_TO_DJ[upper]!;
          repaired = true;
        }
        return s;
      })
      .join("-"),
  );
  return { notation: fixed.join("/"), repaired };
};

const findCode = (lines: Line[]): ExtractedFields["code"] => {
  for (const line of lines.slice(0, 25)) {
    const m = CODE_LINE.exec(line.folded);
    if (!m) continue;
    const number = repairDigits(m[1]!);
    if (!number) continue;
    const [from, to] = m.indices![3]!;
    const slashLost = m[2] === undefined || !/[/⁄∕]/.test(m[2]);
    if (slashLost && (from !== (m.indices![2] ?? m.indices![1]!)[1] || !/^\p{Lu}/u.test(line.text.slice(from)))) continue;
    const { notation, repaired } = repairNotation(line.text.slice(from, to).replace(/[⁄∕]/g, "/"));
    if (!/\p{L}/u.test(notation)) continue;
    const keywordClean = /(?:^|[^\p{L}])Số\s*:/u.test(line.text);
    const confidence = slashLost ? 0.7 : keywordClean && !number.repaired && !repaired && m[2]!.startsWith("/") ? 1 : 0.8;
    return { value: { codeNumber: number.digits, codeNotation: notation }, confidence, source: source("first", [line]) };
  }
  return undefined;
};

// === Dates

const MONTH_DATE = new RegExp(`${DATE_WORDS}\\s*(${D}{1,2})\\s*th[a-z]{1,3}\\s*(${D}{1,2})\\s*[,]?\\s*n[a-z]{1,2}\\s*(${D}{4})`, "g");
const SLASH_DATE = new RegExp(`${DATE_WORDS}\\s*(${D}{1,2})\\s*[/.-]\\s*(${D}{1,2})\\s*[/.-]\\s*(${D}{4})`, "g");

type DateHit = { date: OcrDate; start: number; end: number; repaired: boolean };

/** Every "ngày D tháng M năm Y" / "ngày D/M/Y" in folded text, valid dates only, in order. */
const findDates = (folded: string): DateHit[] => {
  const hits: DateHit[] = [];
  for (const re of [MONTH_DATE, SLASH_DATE]) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      // The word before the numbers is "ngày" (folded "ngay"); OCR may give "ngảy", "ngàv".
      if (!/^ng[ay]/.test(folded.slice(m.index, m.index + 3))) continue;
      const parts = [m[1]!, m[2]!, m[3]!].map(repairDigits);
      if (parts.some((p) => !p)) continue;
      const date = { day: Number(parts[0]!.digits), month: Number(parts[1]!.digits), year: Number(parts[2]!.digits) };
      if (!isValidDate(date)) continue;
      hits.push({ date, start: m.index, end: m.index + m[0].length, repaired: parts.some((p) => p!.repaired) });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
};

const DEADLINE_BEFORE =
  /(?:truoc|cham nhat(?: la| vao)?|han chot(?: la)?|khong muon hon|han nop(?: la)?|han cuoi(?: la)?)\s*(?:\d{1,2}\s*(?:gio|h)\s*(?:\d{1,2}\s*(?:phut)?)?\s*,?\s*)?$/;

// === Document types (Decree 30 Appendix III)

const DOC_TYPES: readonly { name: string; abbr: string }[] = [
  { name: "Nghị quyết", abbr: "NQ" },
  { name: "Quyết định", abbr: "QĐ" },
  { name: "Chỉ thị", abbr: "CT" },
  { name: "Quy chế", abbr: "QC" },
  { name: "Quy định", abbr: "QyĐ" },
  { name: "Thông cáo", abbr: "TC" },
  { name: "Thông báo", abbr: "TB" },
  { name: "Hướng dẫn", abbr: "HD" },
  { name: "Chương trình", abbr: "CTr" },
  { name: "Kế hoạch", abbr: "KH" },
  { name: "Phương án", abbr: "PA" },
  { name: "Đề án", abbr: "ĐA" },
  { name: "Dự án", abbr: "DA" },
  { name: "Báo cáo", abbr: "BC" },
  { name: "Biên bản", abbr: "BB" },
  { name: "Tờ trình", abbr: "TTr" },
  { name: "Hợp đồng", abbr: "HĐ" },
  { name: "Công điện", abbr: "CĐ" },
  { name: "Bản ghi nhớ", abbr: "BGN" },
  { name: "Bản thỏa thuận", abbr: "BTT" },
  { name: "Giấy ủy quyền", abbr: "GUQ" },
  { name: "Giấy mời", abbr: "GM" },
  { name: "Giấy giới thiệu", abbr: "GGT" },
  { name: "Giấy nghỉ phép", abbr: "GNP" },
  { name: "Phiếu gửi", abbr: "PG" },
  { name: "Phiếu chuyển", abbr: "PC" },
  { name: "Phiếu báo", abbr: "PB" },
];
export const OFFICIAL_LETTER = "Công văn";

const typeOfTitle = (line: Line): string | null => {
  const letters = line.text.replace(/[^\p{L}\s]/gu, "").trim();
  if (letters === "" || letters !== letters.toUpperCase()) return null; // titles are printed in capitals
  const f = fold(letters);
  // An exact name first: "THÔNG BÁO" is one letter away from "Thông cáo".
  const exact = DOC_TYPES.find((t) => fold(t.name) === f);
  if (exact) return exact.name;
  return DOC_TYPES.find((t) => fold(t.name).length >= 7 && levenshtein(f, fold(t.name)) <= 1)?.name ?? null;
};

const typeOfNotation = (notation: string | undefined): string | null => {
  if (!notation) return null;
  const m = /(?:^|\/)([\p{L}]+)-/u.exec(notation);
  if (!m) return null;
  return DOC_TYPES.find((t) => t.abbr === m[1])?.name ?? null;
};

// === Issuer

const LOCALITY_IN_NAME = /\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+\S.*$/iu;
const COMMITTEES: [RegExp, string][] = [
  [/^(?:ủy|uỷ) ban nhân dân\b/iu, "UBND"],
  [/^hội đồng nhân dân\b/iu, "HĐND"],
];

/**
 * Abbreviations of an issuer's name as ký hiệu print it: the initials of its words before the locality
 * ("Sở Nội vụ tỉnh Thanh Hóa" → "SNV", "Sở Giáo dục và Đào tạo" → "SGDĐT"), also without the first
 * word ("Cục Quản lý Dược" → "QLD", "Phòng Tài chính - Kế hoạch" → "TCKH"); "UBND", "HĐND".
 */
export const issuerAbbreviations = (name: string): string[] => {
  const base = name.normalize("NFC").replace(LOCALITY_IN_NAME, "").trim();
  const committee = COMMITTEES.find(([re]) => re.test(base));
  if (committee) return [committee[1]];
  const words = base.split(/[\s,\-–]+/).filter((w) => /^\p{L}/u.test(w) && w.toLowerCase() !== "và");
  const initials = words.map((w) => w[0]!.toUpperCase()).join("");
  return initials.length > 3 ? [initials, initials.slice(1)] : [initials];
};

/** The ký hiệu with its issuer part put right when it is one letter off an abbreviation of `issuer`. */
const fixIssuerAbbreviation = (notation: string, issuer: string): string => {
  const slash = notation.lastIndexOf("/");
  const head = notation.slice(0, slash + 1);
  const segments = notation.slice(slash + 1).split("-");
  // A named type's ký hiệu is "TYPE-ISSUER-…", a công văn's "ISSUER-UNIT".
  const at = segments.length > 1 && DOC_TYPES.some((t) => t.abbr === segments[0]) ? 1 : 0;
  const seg = segments[at];
  if (!seg) return notation;
  const abbrs = issuerAbbreviations(issuer).filter((a) => a.length >= 3);
  if (abbrs.includes(seg)) return notation;
  const near = abbrs.filter((a) => levenshtein(seg.toUpperCase(), a) <= 1);
  if (near.length !== 1) return notation;
  segments[at] = near[0]!;
  return head + segments.join("-");
};

const ABBREVIATIONS: [RegExp, string][] = [
  [/\bubnd\b/g, "uy ban nhan dan"],
  [/\bhdnd\b/g, "hoi dong nhan dan"],
  [/\btp\b\.?/g, "thanh pho"],
  [/\btx\b\.?/g, "thi xa"],
];
const normaliseIssuer = (s: string): string => {
  // OCR may glue the abbreviation to the locality: "UBNDTỈNH KHÁNH HÒA"…
  let f = fold(s)
    .replace(/[^a-z0-9 ]+/g, " ")
    .replace(/\b(ubnd|hdnd)(?=tinh|thanh ?pho|huyen|quan|thi xa|xa|phuong)/g, "$1 ")
    // …and the locality to its name: "UBNDTỈNHTHANHHÓA" ("tinh" and "thanh" end a syllable).
    .replace(/\btinh(?=[a-z])/g, "tinh ")
    .replace(/\bthanhpho/g, "thanh pho");
  for (const [re, full] of ABBREVIATIONS) f = f.replace(re, full);
  return f.replace(/\s+/g, " ").trim();
};
const LOCALITY_START = /^(?:tinh|thanh pho|tp|huyen|quan|thi xa|xa|phuong|thi tran)\b/;

const matchIssuer = (headerLines: Line[], known: readonly string[]): ExtractedFields["issuer"] => {
  if (headerLines.length === 0) return undefined;
  const parts = headerLines.map((l) => l.text);
  // The issuer is the bottom of the header (the parent body, if any, is printed above it). Candidates:
  // the last line, the last two, …, each also with the locality of the line above it ("SỞ TÀI CHÍNH"
  // under "UBND TỈNH BÌNH ĐỊNH" is "Sở Tài chính tỉnh Bình Định"). When none matches, the same ending
  // one line higher, and so on: on a photo the rule under the issuer may be read as a line of capitals.
  const normalisedKnown = known.map((name) => ({ name, k: normaliseIssuer(name) })).filter((x) => x.k !== "");
  let best: { name: string; k: string; ratio: number; lines: Line[] } | null = null;
  let tie = false;
  for (let bottom = parts.length; bottom > 0 && !best; bottom--) {
    const candidates: { n: string; lines: Line[] }[] = [];
    for (let i = 0; i < bottom; i++) {
      const run = normaliseIssuer(parts.slice(i, bottom).join(" "));
      candidates.push({ n: run, lines: headerLines.slice(i, bottom) });
      const parentLocality = i > 0 ? /\b(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong)\b.*$/.exec(normaliseIssuer(parts[i - 1]!))?.[0] : undefined;
      if (parentLocality) candidates.push({ n: `${run} ${parentLocality}`, lines: headerLines.slice(i - 1, bottom) });
    }
    // Best: the smallest distance per character, then the longest (most specific) name.
    tie = false;
    for (const { name, k } of normalisedKnown) {
      for (const c of candidates) {
        // The distance is at least the difference in length: a name far longer or shorter cannot match.
        if (Math.abs(c.n.length - k.length) > k.length * 0.15) continue;
        const d = levenshtein(c.n, k);
        const ratio = d / Math.max(k.length, 1);
        if (ratio > 0.15) continue;
        if (!best || ratio < best.ratio || (ratio === best.ratio && k.length > best.k.length)) {
          tie = false;
          best = { name, k, ratio, lines: c.lines };
        } else if (ratio === best.ratio && k.length === best.k.length && best.k !== k) tie = true;
      }
    }
  }
  if (best && !tie) return { value: best.name, known: true, confidence: Math.max(0.6, 1 - best.ratio * 2), source: source("first", best.lines) };
  // Not a known issuer: the header's own line(s) as printed, the last one (and its predecessor when
  // the last is only a locality: "ỦY BAN NHÂN DÂN / TỈNH BÌNH ĐỊNH").
  let from = parts.length - 1;
  if (from > 0 && LOCALITY_START.test(normaliseIssuer(parts[from]!))) from--;
  // The source shows the whole header (parent body included) for the clerk to check.
  return { value: parts.slice(from).join(" "), known: false, confidence: 0.4, source: source("first", headerLines) };
};

// === Header, title and trích yếu

const TRAILING_SPECKS = /[\s.,;:'"`]+$/u;
const VV = /^\s*v\s*[/|\\l1]\s*[vyu]\b\s*[.:]?\s*/;
const KINH_GUI = /^\s*k[i]nh\s*g[u]i\b/;

/** A header line: printed in capitals (OCR may slip on a letter or two), at least a word of letters, no digits. */
const isCapitalsLine = (text: string): boolean => {
  const letters = text.match(/\p{L}/gu) ?? [];
  const upper = letters.filter((c) => c !== c.toLowerCase()).length;
  return letters.length >= 4 && /\p{L}{2,}/u.test(text) && !/\d/.test(text) && upper >= letters.length * 0.8;
};

/** Left-column text of a header line: Quốc hiệu, motto, place/date and urgency marks cut away. */
const leftPart = (line: Line): string => {
  let end = line.folded.length;
  const motto = NATIONAL_MOTTO.exec(line.folded);
  if (motto) end = Math.min(end, motto.index);
  // "Quy Nhơn, ngày 10 …": cut before the place, the Title-case words before the comma.
  const dateAt = /,\s*ng[ay][a-z]{0,2}\s*[0-9oOlIi|]/.exec(line.folded);
  if (dateAt && dateAt.index < end) {
    end = dateAt.index;
    const words = [...line.text.slice(0, end).matchAll(/\S+/g)];
    for (let w = words.length - 1; w >= 0 && /^\p{Lu}\p{Ll}+\.?$/u.test(words[w]![0]); w--) end = words[w]!.index;
  }
  return line.text.slice(0, end).replace(/[|_]+/g, " ").replace(/\s+/g, " ").trim();
};

const URGENCY_MARKS: [RegExp, Urgency][] = [
  [/^hoa toc(?: hen gio)?$/, "FLASH"],
  [/^thuong khan$/, "VERY_URGENT"],
  [/^khan$/, "URGENT"],
];
const SECRECY_MARKS: [RegExp, SecrecyMark][] = [
  [/^tuyet mat$/, "TOP_SECRET"],
  [/^toi mat$/, "SECRET"],
  [/^mat$/, "CONFIDENTIAL"],
];

/** Runs of capital words in a line (a stamp "KHẨN" stands apart as such a run). */
const capitalRuns = (text: string): string[] =>
  text.split(/[^\p{L}\s]+|\s{2,}/u).flatMap((seg) => {
    const runs: string[] = [];
    let cur: string[] = [];
    for (const w of seg.trim().split(/\s+/)) {
      if (w !== "" && w === w.toUpperCase() && /\p{Lu}/u.test(w)) cur.push(w);
      else {
        if (cur.length) runs.push(cur.join(" "));
        cur = [];
      }
    }
    if (cur.length) runs.push(cur.join(" "));
    return runs;
  });

const findMark = <T>(lines: Line[], marks: [RegExp, T][]): ReadField<T> | undefined => {
  let found: { value: T; rank: number; line: Line; exact: boolean } | undefined;
  for (const line of lines) {
    for (const run of capitalRuns(line.text)) {
      // A stamp read on the same line as other capitals ("NS KHẨN"): its words start or end the run.
      const words = run.split(" ");
      const pieces = new Set<string>();
      for (let n = 1; n <= Math.min(4, words.length); n++) pieces.add(words.slice(0, n).join(" ")).add(words.slice(-n).join(" "));
      for (const piece of pieces) {
        const f = fold(piece);
        marks.forEach(([re, value], rank) => {
          if (re.test(f) && (!found || rank < found.rank)) found = { value, rank, line, exact: /[ẨẬỎỐ]/u.test(piece) };
        });
      }
    }
  }
  return found && { value: found.value, confidence: found.exact ? 0.95 : 0.8, source: source("first", [found.line]) };
};

// === Signer

const AUTHORITY = /^(?:kt|tm|tl|tuq|q)\s*\.\s*\S/;
const TITLE_WORDS = /\b(?:chu tich|giam doc|truong|bi thu|chanh|thu ky|tong cuc|cuc truong|hieu truong|vien truong)\b/;
const NAME = /((?:\p{Lu}\p{Ll}+\s+){1,4}\p{Lu}\p{Ll}+)\s*$/u;

/** The capital words at the end of a line (after the nơi nhận column's "…;" or "…."). */
const LIST_END = /[;:]|(?<!\b(?:KT|TM|TL|TUQ|Q))\.(?=\s|$)/u;
const trailingCapitals = (text: string): string => {
  const tail = text.split(LIST_END).pop() ?? "";
  const words = tail.trim().split(/\s+/);
  const out: string[] = [];
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (w !== "" && w === w.toUpperCase() && /\p{Lu}/u.test(w)) out.unshift(w);
    else if (/^(?:KT|TM|TL|TUQ|Q)\.$/.test(w)) out.unshift(w);
    else break;
  }
  return out.join(" ").replace(/^[-–]\s*/, "");
};

const findSigner = (lines: Line[], page: "first" | "last"): ExtractedFields["signer"] => {
  // The last capital title line that is followed, within a few lines, by a person's name.
  for (let i = lines.length - 1; i >= 0; i--) {
    const title = trailingCapitals(lines[i]!.text);
    const f = fold(title);
    if (title.split(" ").length < 2 || !(TITLE_WORDS.test(f) || AUTHORITY.test(f))) continue;
    // Collect the block: title lines upwards (authority lines such as "KT. CHỦ TỊCH", "TM. …").
    const block: { line: Line; text: string }[] = [{ line: lines[i]!, text: title }];
    for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
      const t = trailingCapitals(lines[k]!.text.replace(/^.*n[ơo]i\s*nh[ậa]n\s*:?/iu, ""));
      if (t.split(" ").length < 2 || !(AUTHORITY.test(fold(t)) || TITLE_WORDS.test(fold(t)))) break;
      block.unshift({ line: lines[k]!, text: t });
    }
    let fullName: string | undefined;
    let nameLine: Line | undefined;
    for (let k = i + 1; k < Math.min(lines.length, i + 9); k++) {
      const m = NAME.exec((lines[k]!.text.split(LIST_END).pop() ?? "").trim());
      if (m && !/^(?:Nơi|Như|Lưu)\b/u.test(m[1]!)) {
        fullName = m[1]!.replace(/\s+/g, " ");
        nameLine = lines[k];
        break;
      }
    }
    if (!fullName) continue;
    const position = block[block.length - 1]!.text;
    const authorityLines = block.slice(0, -1).map((b) => b.text);
    return {
      value: { position, ...(authorityLines.length ? { authority: authorityLines.join(" / ") } : {}), fullName },
      confidence: 0.8,
      source: source(page, [...block.map((b) => b.line), nameLine!]),
    };
  }
  return undefined;
};

// === The whole page

/** The trích yếu, its tone marks put right by the word list when one is given (a change lowers the confidence). */
const subjectField = (text: string, lines: Line[], words: WordList | undefined): ReadField<string> => {
  const restored = words ? restoreHoiTone(text, words) : undefined;
  return restored?.changed.length ? { value: restored.text, confidence: 0.8, source: source("first", lines) } : { value: text, confidence: 0.9, source: source("first", lines) };
};

/** Reads the `/dangky` fields from the OCR text of page 1 (and the last page). */
export const extractFields = (input: ExtractInput): ExtractedFields => {
  const lines = toLines(input.firstPage);
  const out: ExtractedFields = {};

  const code = findCode(lines);
  if (code) out.code = code;

  // Where the header ends: the title, the "Kính gửi", or the first long body line after the số line.
  const codeLine = code?.source.lines[0] ?? -1;
  let titleIndex = -1;
  let titleType: string | null = null;
  for (const line of lines.slice(0, 30)) {
    const t = typeOfTitle(line);
    if (t) {
      titleIndex = line.index;
      titleType = t;
      break;
    }
  }
  const vvLine = lines.slice(0, 30).find((l) => VV.test(l.folded));
  const kinhGui = lines.find((l) => KINH_GUI.test(l.folded));
  const headerEnd = [codeLine, titleIndex, vvLine?.index ?? -1, kinhGui?.index ?? -1].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), lines.length);
  const headerLines = lines.slice(0, Math.min(headerEnd, 12));

  // Issued date: "…, ngày 10 tháng 12 năm 2026" above the title / "Kính gửi" (OCR may read the right
  // column after the left one, so the whole top is searched); a place and comma before it preferred.
  const bodyStart = [titleIndex, kinhGui?.index ?? -1, lines.findIndex((l) => /^\s*can cu\b/.test(l.folded))].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), 16);
  const topEnd = Math.max(bodyStart, codeLine + 1);
  const dateHits = lines.slice(0, topEnd).flatMap((line) =>
    findDates(line.folded)
      .filter((h) => !DEADLINE_BEFORE.test(line.folded.slice(0, h.start).trimEnd()))
      .map((h) => ({ ...h, line, placeComma: /,\s*$/.test(line.folded.slice(0, h.start)) })),
  );
  const issued = dateHits.find((h) => h.placeComma) ?? dateHits[0];
  if (issued) out.issuedDate = { value: issued.date, confidence: issued.repaired ? 0.8 : issued.placeComma ? 1 : 0.85, source: source("first", [issued.line]) };

  // Issuer: the header's left column (without the Quốc hiệu, motto and rules).
  const issuerLines = headerLines
    .map((l) => ({ ...l, text: leftPart(l) }))
    .filter((l) => isCapitalsLine(l.text) && !/^\s*s[o0-9]?\s*[:;.,]/.test(foldSameLength(l.text)))
    .map((l) => ({ ...l, folded: foldSameLength(l.text) }));
  const issuer = matchIssuer(issuerLines, input.knownIssuers ?? []);
  if (issuer) out.issuer = issuer;

  // Urgency and secrecy marks: capital words standing alone in the top part of page 1.
  const top = lines.slice(0, Math.min(lines.length, topEnd + 2));
  const urgency = findMark(top, URGENCY_MARKS);
  if (urgency) out.urgency = urgency;
  const secrecy = findMark(top, SECRECY_MARKS);
  if (secrecy) out.secrecyMark = secrecy;

  // Type and trích yếu.
  // The ký hiệu starts with the abbreviation of the type the title names ("TỜ TRÌNH" → "TTr-…"): one
  // letter off ("TTT-", "TIr-", "ABC-") is an OCR slip, put right.
  const titleAbbr = DOC_TYPES.find((t) => t.name === titleType)?.abbr;
  if (code && titleAbbr && code.value.codeNotation) {
    const m = /^((?:\d{4}\/)?)([\p{L}]+)-/u.exec(code.value.codeNotation);
    if (m && m[2] !== titleAbbr && levenshtein(m[2]!.toUpperCase(), titleAbbr.toUpperCase()) <= 1) {
      code.value = { ...code.value, codeNotation: `${m[1]}${titleAbbr}${code.value.codeNotation.slice(m[0].length - 1)}` };
      code.confidence = Math.min(code.confidence, 0.8);
    }
  }
  // The ký hiệu holds the abbreviation of the issuer's name (Decree 30): one letter off the matched
  // issuer's ("SSNV" for Sở Nội vụ's "SNV", a doubled letter) is an OCR slip, put right.
  if (code?.value.codeNotation && issuer?.known) {
    const fixed = fixIssuerAbbreviation(code.value.codeNotation, issuer.value);
    if (fixed !== code.value.codeNotation) {
      code.value = { ...code.value, codeNotation: fixed };
      code.confidence = Math.min(code.confidence, 0.8);
    }
  }
  const notationType = typeOfNotation(code?.value.codeNotation);
  if (titleType && titleIndex >= 0) {
    out.docType = { value: titleType, confidence: notationType === null || notationType === titleType ? 1 : 0.7, source: source("first", [lines[titleIndex]!]) };
    const subjectLines: Line[] = [];
    // The trích yếu is centred under the title, narrower than the body, and tesseract often drops
    // the rule under it: a line about as wide as the widest body line below is the body already.
    const below = lines.slice(titleIndex + 1, titleIndex + 25).map((l) => l.text.trim().length);
    const bodyWidth = Math.max(0, ...below);
    for (const line of lines.slice(titleIndex + 1, titleIndex + 5)) {
      const t = line.text.trim();
      if (t === "") {
        if (subjectLines.length) break;
        continue;
      }
      if (/^[-_=—–.]{3,}$/.test(t) || KINH_GUI.test(line.folded) || /^can cu\b/.test(fold(t))) break;
      // The line under the title is the authority ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH") in a decision: stop at capitals after the subject.
      // (Or the rule under the trích yếu, read as a run of capitals.)
      if (subjectLines.length && ((t === t.toUpperCase() && /\p{Lu}{3,}/u.test(t)) || isCapitalsLine(t))) break;
      // The rule under it read as noise ("sa = ca"): no word of three letters.
      if (subjectLines.length && !/\p{L}{3,}/u.test(t)) break;
      const firstWidth = subjectLines[0]?.text.trim().length;
      if (firstWidth !== undefined && bodyWidth >= firstWidth * 1.15 && t.length >= bodyWidth * 0.85) break;
      subjectLines.push(line);
    }
    // A trích yếu ends without a full stop: a trailing "." or a leading quote is a speck.
    const text = subjectLines
      .map((l) => l.text.trim())
      .join(" ")
      .replace(/\s+/g, " ")
      .replace(/^[^\p{L}\p{N}]+/u, "")
      .replace(TRAILING_SPECKS, "");
    if (text) out.subject = subjectField(text, subjectLines, input.words);
  } else if (vvLine) {
    out.docType = { value: OFFICIAL_LETTER, confidence: notationType ? 0.6 : 0.9, source: source("first", [vvLine]) };
    const subjectLines: Line[] = [vvLine];
    const first = leftPart(vvLine);
    const parts = [first.slice(VV.exec(foldSameLength(first))?.[0].length ?? 0)];
    // Up to 3 more lines. tesseract may put a blank line between two wrapped lines (one is skipped);
    // a line in capitals is an urgency mark or the other column, not the trích yếu.
    let blanks = 0;
    for (const line of lines.slice(vvLine.index + 1)) {
      const t = leftPart(line);
      if (t === "") {
        if (++blanks > 1) break;
        continue;
      }
      if (KINH_GUI.test(line.folded) || t.length > 60 || isCapitalsLine(t)) break;
      blanks = 0;
      subjectLines.push(line);
      parts.push(t);
      if (subjectLines.length === 4) break;
    }
    const text = parts.join(" ").replace(/\s+/g, " ").trim().replace(TRAILING_SPECKS, "");
    if (text) out.subject = subjectField(`V/v ${text}`, subjectLines, input.words);
  } else if (notationType) {
    out.docType = { value: notationType, confidence: 0.7, source: code!.source };
  }

  // Signer: on the last page when there is one (else, or when not found there, on page 1).
  const signer = (input.lastPage !== undefined ? findSigner(toLines(input.lastPage), "last") : undefined) ?? findSigner(lines, "first");
  if (signer) out.signer = signer;

  // Requested deadline: "trước ngày …", "chậm nhất ngày …" in the body (lines joined: it may wrap).
  const pages: ["first" | "last", Line[]][] = [["first", lines.slice(headerEnd)]];
  if (input.lastPage !== undefined) pages.push(["last", toLines(input.lastPage)]);
  for (const [page, bodyLines] of pages) {
    const joined = bodyLines.map((l) => l.text).join(" ");
    const foldedJoined = foldSameLength(joined);
    const hits = findDates(foldedJoined).filter((h) => DEADLINE_BEFORE.test(foldedJoined.slice(Math.max(0, h.start - 40), h.start).trimEnd()));
    const after = hits.filter((h) => !out.issuedDate || compareDates(h.date, out.issuedDate.value) >= 0);
    const first = after[0];
    if (!first) continue;
    // The lines the phrase spans.
    let offset = 0;
    const spanned: Line[] = [];
    for (const l of bodyLines) {
      const end = offset + l.text.length;
      if (end >= first.start - 12 && offset <= first.end) spanned.push(l);
      offset = end + 1;
    }
    const others = after.filter((h) => compareDates(h.date, first.date) !== 0);
    out.requestedDueDate = { value: first.date, confidence: others.length ? 0.6 : first.repaired ? 0.8 : 0.95, source: source(page, spanned) };
    break;
  }
  return out;
};
