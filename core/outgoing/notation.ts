// Số and ký hiệu of an outgoing document (DOMAIN.md §3; Decree 30 Appendix I, II.3):
// - the number is the register number, with a leading zero below 10: 5 → "05", 12 → "12";
// - a công văn: `number/ORG-UNIT`, the drafting unit's code after the agency's: `12/UBND-VP`;
// - a named type: `number/TYPE-ORG`: `15/QĐ-UBND`. No spaces anywhere.
import { OFFICIAL_LETTER, docTypeAbbreviation } from "./doc-types.ts";

/** 5 → "05"; 12 → "12" (leading zero below 10). */
export const formatOutgoingNumber = (n: number): string => String(n).padStart(2, "0");

/**
 * The ký hiệu (without the number) of an outgoing document.
 *
 * @example outgoingNotation({ docType: "Công văn", orgCode: "UBND", draftingUnitCode: "VP" }) // "UBND-VP"
 * @example outgoingNotation({ docType: "Quyết định", orgCode: "UBND" }) // "QĐ-UBND"
 */
export const outgoingNotation = ({ docType, orgCode, draftingUnitCode }: { docType: string; orgCode: string; draftingUnitCode?: string | null }): string => {
  const abbreviation = docTypeAbbreviation(docType);
  if (abbreviation) return `${abbreviation}-${orgCode}`;
  if (docType.normalize("NFC") !== OFFICIAL_LETTER) throw new Error(`No ký hiệu for document type ${docType}`);
  return draftingUnitCode ? `${orgCode}-${draftingUnitCode}` : orgCode;
};

/** "05/UBND-VP" */
export const numberAndNotation = (codeNumber: string | null, codeNotation: string | null): string =>
  codeNumber ? (codeNotation ? `${codeNumber}/${codeNotation}` : codeNumber) : (codeNotation ?? "");
