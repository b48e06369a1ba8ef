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
const BY_ABBREVIATION = new Map(
  DOC_TYPES.filter((t) => t.abbreviation !== null).map((t) => [t.abbreviation!.toUpperCase(), t.name]),
);
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
  DOC_TYPES.find((t) => t.name === name)?.abbreviation ??
  DOC_TYPES.find((t) => foldVietnamese(t.name) === foldVietnamese(name))?.abbreviation ??
  null;

/** The canonical type name of an abbreviation ("QĐ" → "Quyết định"; exact, case-insensitive). */
export const docTypeByAbbreviation = (abbreviation: string): string | null =>
  BY_ABBREVIATION.get(abbreviation.trim().normalize("NFC").toUpperCase()) ?? null;
