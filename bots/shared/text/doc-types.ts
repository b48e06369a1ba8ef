// Document types (loại văn bản) and their abbreviations for ký hiệu (DOMAIN.md §3, Decree 30
// Appendix III). A named type's ký hiệu is `number/ABBR-ORG` (15/QĐ-UBND); a công văn has no
// abbreviation and uses `number/ORG-UNIT` (12/UBND-VP).
import { foldVietnamese } from "./fold.ts";

/** One document type: its canonical Vietnamese name and its abbreviation (null for công văn). */
export type DocTypeEntry = { name: string; abbreviation: string | null };

/** The canonical name of an official letter, the default type. */
export const OFFICIAL_LETTER = "Công văn";

/** Every type of DOMAIN.md §3 with its abbreviation, plus công văn (no abbreviation). */
export const DOC_TYPES: readonly DocTypeEntry[] = [
  { name: OFFICIAL_LETTER, abbreviation: null },
  { name: "Nghị quyết", abbreviation: "NQ" },
  { name: "Quyết định", abbreviation: "QĐ" },
  { name: "Chỉ thị", abbreviation: "CT" },
  { name: "Quy chế", abbreviation: "QC" },
  { name: "Quy định", abbreviation: "QyĐ" },
  { name: "Thông cáo", abbreviation: "TC" },
  { name: "Thông báo", abbreviation: "TB" },
  { name: "Hướng dẫn", abbreviation: "HD" },
  { name: "Chương trình", abbreviation: "CTr" },
  { name: "Kế hoạch", abbreviation: "KH" },
  { name: "Phương án", abbreviation: "PA" },
  { name: "Đề án", abbreviation: "ĐA" },
  { name: "Dự án", abbreviation: "DA" },
  { name: "Báo cáo", abbreviation: "BC" },
  { name: "Biên bản", abbreviation: "BB" },
  { name: "Tờ trình", abbreviation: "TTr" },
  { name: "Hợp đồng", abbreviation: "HĐ" },
  { name: "Công điện", abbreviation: "CĐ" },
  { name: "Bản ghi nhớ", abbreviation: "BGN" },
  { name: "Bản thỏa thuận", abbreviation: "BTT" },
  { name: "Giấy ủy quyền", abbreviation: "GUQ" },
  { name: "Giấy mời", abbreviation: "GM" },
  { name: "Giấy giới thiệu", abbreviation: "GGT" },
  { name: "Giấy nghỉ phép", abbreviation: "GNP" },
  { name: "Phiếu gửi", abbreviation: "PG" },
  { name: "Phiếu chuyển", abbreviation: "PC" },
  { name: "Phiếu báo", abbreviation: "PB" },
  { name: "Bản sao y", abbreviation: "SY" },
  { name: "Bản trích sao", abbreviation: "TrS" },
  { name: "Bản sao lục", abbreviation: "SL" },
];

// Informal and English names people use, folded → canonical name.
const ALIASES: Record<string, string> = {
  cv: OFFICIAL_LETTER,
  "official letter": OFFICIAL_LETTER,
  letter: OFFICIAL_LETTER,
  "nghi quyet ca biet": "Nghị quyết",
  "quyet dinh ca biet": "Quyết định",
  resolution: "Nghị quyết",
  decision: "Quyết định",
  directive: "Chỉ thị",
  regulation: "Quy định",
  notice: "Thông báo",
  guidance: "Hướng dẫn",
  programme: "Chương trình",
  program: "Chương trình",
  plan: "Kế hoạch",
  project: "Dự án",
  report: "Báo cáo",
  minutes: "Biên bản",
  submission: "Tờ trình",
  contract: "Hợp đồng",
  telegram: "Công điện",
  invitation: "Giấy mời",
  "sao y": "Bản sao y",
  "sao y ban chinh": "Bản sao y",
  "trich sao": "Bản trích sao",
  "sao luc": "Bản sao lục",
};

const BY_FOLDED_NAME = new Map(DOC_TYPES.map((t) => [foldVietnamese(t.name), t.name]));
// "ĐA" (Đề án) and "DA" (Dự án), "HĐ" (Hợp đồng) and "HD" (Hướng dẫn) differ only by Đ, so the
// abbreviation is first compared exactly (upper-case, Đ kept), then without diacritics only where
// that is unambiguous.
const BY_ABBREVIATION = new Map(DOC_TYPES.filter((t) => t.abbreviation !== null).map((t) => [t.abbreviation!.toUpperCase(), t.name]));
const BY_FOLDED_ABBREVIATION = (() => {
  const counts = new Map<string, number>();
  for (const t of DOC_TYPES) if (t.abbreviation) counts.set(foldVietnamese(t.abbreviation), (counts.get(foldVietnamese(t.abbreviation)) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const t of DOC_TYPES) {
    if (!t.abbreviation) continue;
    const key = foldVietnamese(t.abbreviation);
    if (counts.get(key) === 1) out.set(key, t.name);
  }
  return out;
})();

/**
 * The canonical name of a typed document type, or null when it is unknown. Accepts the name with or
 * without diacritics in any case ("quyet dinh"), its abbreviation ("QĐ", "qd", "TTr"), and a few
 * informal or English names ("CV", "decision"). Bare "DA"/"HD" are Dự án/Hướng dẫn; type "ĐA"/"HĐ"
 * (or the full name) for Đề án/Hợp đồng.
 */
export const normalizeDocType = (typed: string): string | null => {
  const trimmed = typed.trim().replace(/\.$/, "");
  if (trimmed === "") return null;
  const exact = BY_ABBREVIATION.get(trimmed.normalize("NFC").toUpperCase());
  if (exact) return exact;
  const folded = foldVietnamese(trimmed);
  return BY_FOLDED_NAME.get(folded) ?? BY_FOLDED_ABBREVIATION.get(folded) ?? ALIASES[folded] ?? null;
};

/** The ký hiệu abbreviation of a canonical type name ("Quyết định" → "QĐ"); null for công văn or an unknown name. */
export const docTypeAbbreviation = (name: string): string | null =>
  DOC_TYPES.find((t) => t.name === name)?.abbreviation ?? DOC_TYPES.find((t) => foldVietnamese(t.name) === foldVietnamese(name))?.abbreviation ?? null;

/** The canonical type name of an abbreviation ("QĐ" → "Quyết định"; exact, case-insensitive). */
export const docTypeByAbbreviation = (abbreviation: string): string | null => BY_ABBREVIATION.get(abbreviation.trim().normalize("NFC").toUpperCase()) ?? null;

// === Incoming documents: every type, not only the agency's own
//
// Decree 30 Art. 22.1: every document that arrives is registered. Appendix III lists only the types
// an agency itself issues (above); what arrives may also be a law or another legal normative
// document of the Law on the Promulgation of Legal Documents (Luật Ban hành văn bản quy phạm pháp
// luật), a conclusion, a citizen's petition, a letter… so an incoming document takes these names
// too, and otherwise the type exactly as typed. Outgoing documents keep Appendix III's list.

/** Types an incoming document may have beyond Appendix III, with the abbreviation of their ký hiệu. */
export const INCOMING_ONLY_DOC_TYPES: readonly DocTypeEntry[] = [
  { name: "Hiến pháp", abbreviation: null },
  { name: "Bộ luật", abbreviation: null },
  { name: "Luật", abbreviation: null },
  { name: "Pháp lệnh", abbreviation: "PL" },
  { name: "Lệnh", abbreviation: "L-CTN" },
  { name: "Nghị định", abbreviation: "NĐ" },
  { name: "Nghị quyết liên tịch", abbreviation: "NQLT" },
  { name: "Thông tư", abbreviation: "TT" },
  { name: "Thông tư liên tịch", abbreviation: "TTLT" },
  { name: "Kết luận", abbreviation: "KL" },
  { name: "Thông báo kết luận", abbreviation: null },
  { name: "Đơn", abbreviation: null },
  { name: "Thư", abbreviation: null },
];

/** The longest type name kept (core's limit). */
export const MAX_DOC_TYPE_LENGTH = 100;

const INCOMING_BY_FOLDED_NAME = new Map(INCOMING_ONLY_DOC_TYPES.map((t) => [foldVietnamese(t.name), t.name]));
const INCOMING_BY_ABBREVIATION = new Map(INCOMING_ONLY_DOC_TYPES.filter((t) => t.abbreviation !== null).map((t) => [foldVietnamese(t.abbreviation!), t.name]));
const INCOMING_ALIASES: Record<string, string> = {
  "nghi dinh chinh phu": "Nghị định",
  decree: "Nghị định",
  law: "Luật",
  circular: "Thông tư",
  "joint circular": "Thông tư liên tịch",
  conclusion: "Kết luận",
  petition: "Đơn",
  "don thu": "Đơn",
  "don khieu nai": "Đơn",
  "don to cao": "Đơn",
  "don kien nghi": "Đơn",
};

/**
 * The type of an incoming document as it will be registered: a known name in its canonical form
 * (Appendix III's types as {@link normalizeDocType} reads them, and the types of legal documents,
 * conclusions and petitions: "nghi dinh" → "Nghị định", "TTLT" → "Thông tư liên tịch"), or else the
 * text as typed, spaces tidied ("Tờ khai"). Null only when nothing is typed or it is longer than
 * {@link MAX_DOC_TYPE_LENGTH}.
 */
export const normalizeIncomingDocType = (typed: string): string | null => {
  const tidy = typed.trim().replace(/\s+/g, " ").replace(/\.$/, "").normalize("NFC");
  if (tidy === "" || tidy.length > MAX_DOC_TYPE_LENGTH) return null;
  const folded = foldVietnamese(tidy);
  // The legal types first: "ND" is Nghị định, not an unknown abbreviation.
  const legal = INCOMING_BY_FOLDED_NAME.get(folded) ?? INCOMING_BY_ABBREVIATION.get(folded) ?? INCOMING_ALIASES[folded];
  if (legal) return legal;
  return normalizeDocType(tidy) ?? tidy.charAt(0).toLocaleUpperCase("vi") + tidy.slice(1);
};
