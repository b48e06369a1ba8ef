// Document types (loại văn bản) and their ký hiệu abbreviations (DOMAIN.md §3, Decree 30 Appendix III),
// as core needs them for numbering outgoing documents. The chat grammar keeps its own table with the
// parsing aliases (bots/shared/text/doc-types.ts: core cannot import bots); a test checks that both
// tables agree (test/core/outgoing/doc-types.test.ts).

/** The canonical name of an official letter (công văn): no abbreviation, ký hiệu `number/ORG-UNIT`. */
export const OFFICIAL_LETTER = "Công văn";

/** Canonical type name → abbreviation (null for công văn). */
export const OUTGOING_DOC_TYPES: Readonly<Record<string, string | null>> = {
  [OFFICIAL_LETTER]: null,
  "Nghị quyết": "NQ",
  "Quyết định": "QĐ",
  "Chỉ thị": "CT",
  "Quy chế": "QC",
  "Quy định": "QyĐ",
  "Thông cáo": "TC",
  "Thông báo": "TB",
  "Hướng dẫn": "HD",
  "Chương trình": "CTr",
  "Kế hoạch": "KH",
  "Phương án": "PA",
  "Đề án": "ĐA",
  "Dự án": "DA",
  "Báo cáo": "BC",
  "Biên bản": "BB",
  "Tờ trình": "TTr",
  "Hợp đồng": "HĐ",
  "Công điện": "CĐ",
  "Bản ghi nhớ": "BGN",
  "Bản thỏa thuận": "BTT",
  "Giấy ủy quyền": "GUQ",
  "Giấy mời": "GM",
  "Giấy giới thiệu": "GGT",
  "Giấy nghỉ phép": "GNP",
  "Phiếu gửi": "PG",
  "Phiếu chuyển": "PC",
  "Phiếu báo": "PB",
  "Bản sao y": "SY",
  "Bản trích sao": "TrS",
  "Bản sao lục": "SL",
};

/** Whether core knows the type (by its canonical name, exactly as the grammar returns it). */
export const isKnownDocType = (name: string): boolean => Object.hasOwn(OUTGOING_DOC_TYPES, name.normalize("NFC"));

/** The abbreviation of a canonical type name ("Quyết định" → "QĐ"); null for công văn or an unknown name. */
export const docTypeAbbreviation = (name: string): string | null => OUTGOING_DOC_TYPES[name.normalize("NFC")] ?? null;
