// Số and ký hiệu of an outgoing document (DOMAIN.md §3; Decree 30 Appendix I, II.3):
// - the number is the register number, with a leading zero below 10: 5 → "05", 12 → "12";
// - a công văn: `number/ORG-UNIT`, the drafting unit's code after the agency's: `12/UBND-VP`;
// - a named type: `number/TYPE-ORG`: `15/QĐ-UBND`. No spaces anywhere;
// - a legal normative document (văn bản quy phạm pháp luật): `number/year/TYPE-ORG`: `15/2026/QĐ-UBND`.
//
// Number series (Decree 30 Art. 15.1–2, DOMAIN.md §3), one register book each, counted per year:
// - each cơ quan numbers on its own: the organisation in "OUT"; a unit with its own seal (a ward's or
//   commune's People's Committee, `Unit.ownSeal`) in "OUT:<unit code>", with its own abbreviation
//   (`Unit.notation`) where the organisation's code would go;
// - secret documents in "OUT_SECRET" (or "OUT_SECRET:<unit code>");
// - legal normative documents one series per type: "OUT_QPPL:QĐ" (or "OUT_QPPL:QĐ:<unit code>").
// The book names are machine codes and never shown to people.
import { OFFICIAL_LETTER, docTypeAbbreviation } from "./doc-types.ts";

/** 5 → "05"; 12 → "12" (leading zero below 10). */
export const formatOutgoingNumber = (n: number): string => String(n).padStart(2, "0");

/**
 * The ký hiệu (without the number) of an outgoing document.
 *
 * @example outgoingNotation({ docType: "Công văn", orgCode: "UBND", draftingUnitCode: "VP" }) // "UBND-VP"
 * @example outgoingNotation({ docType: "Quyết định", orgCode: "UBND" }) // "QĐ-UBND"
 */
export const outgoingNotation = ({
  docType,
  orgCode,
  draftingUnitCode,
  normativeYear,
}: {
  docType: string;
  orgCode: string;
  draftingUnitCode?: string | null;
  normativeYear?: number;
}): string => {
  const abbreviation = docTypeAbbreviation(docType);
  if (normativeYear !== undefined) {
    if (!abbreviation || !isNormativeType(docType)) throw new Error(`Document type ${docType} is not a legal normative type`);
    return `${normativeYear}/${abbreviation}-${orgCode}`;
  }
  if (abbreviation) return `${abbreviation}-${orgCode}`;
  if (docType.normalize("NFC") !== OFFICIAL_LETTER) throw new Error(`No ký hiệu for document type ${docType}`);
  return draftingUnitCode ? `${orgCode}-${draftingUnitCode}` : orgCode;
};

/** "05/UBND-VP" */
export const numberAndNotation = (codeNumber: string | null, codeNotation: string | null): string =>
  codeNumber ? (codeNotation ? `${codeNumber}/${codeNotation}` : codeNumber) : (codeNotation ?? "");

/**
 * The types a local authority issues as legal normative documents (văn bản quy phạm pháp luật): the
 * People's Council's resolutions and the People's Committee's decisions (Law on the Promulgation of
 * Legal Documents); a ministry's circulars (Thông tư) for an agency of that level.
 */
export const NORMATIVE_DOC_TYPES: readonly string[] = ["Nghị quyết", "Quyết định", "Thông tư"];

export const isNormativeType = (docType: string): boolean => NORMATIVE_DOC_TYPES.includes(docType.normalize("NFC"));

/**
 * The register book (number series) an outgoing document is numbered in. See the top of this file.
 *
 * @example outgoingSeries({ secret: false }) // "OUT"
 * @example outgoingSeries({ secret: false, issuerUnitCode: "NB" }) // "OUT:NB"
 * @example outgoingSeries({ secret: false, normativeType: "QĐ" }) // "OUT_QPPL:QĐ"
 */
export const outgoingSeries = ({ secret, issuerUnitCode, normativeType }: { secret: boolean; issuerUnitCode?: string | null; normativeType?: string | null }): string => {
  const base = secret ? "OUT_SECRET" : normativeType ? `OUT_QPPL:${normativeType}` : "OUT";
  return issuerUnitCode ? `${base}:${issuerUnitCode.toUpperCase()}` : base;
};
