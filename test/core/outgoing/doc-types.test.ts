import { describe, expect, it } from "vitest";
import { DOC_TYPES, OFFICIAL_LETTER as GRAMMAR_OFFICIAL_LETTER, docTypeAbbreviation as grammarAbbreviation } from "../../../bots/shared/text/doc-types.ts";
import { OFFICIAL_LETTER, OUTGOING_DOC_TYPES, docTypeAbbreviation } from "../../../core/outgoing/doc-types.ts";
import { formatOutgoingNumber, outgoingNotation } from "../../../core/outgoing/notation.ts";

describe("document types", () => {
  it("core's table and the chat grammar's table agree", () => {
    expect(OFFICIAL_LETTER).toBe(GRAMMAR_OFFICIAL_LETTER);
    expect(Object.fromEntries(DOC_TYPES.map((t) => [t.name, t.abbreviation]))).toEqual(OUTGOING_DOC_TYPES);
    for (const t of DOC_TYPES) expect(docTypeAbbreviation(t.name)).toBe(grammarAbbreviation(t.name));
  });
});

describe("số and ký hiệu", () => {
  it("pads numbers below 10 and builds the notation by type", () => {
    expect(formatOutgoingNumber(5)).toBe("05");
    expect(formatOutgoingNumber(12)).toBe("12");
    expect(formatOutgoingNumber(123)).toBe("123");
    expect(outgoingNotation({ docType: "Công văn", orgCode: "UBND", draftingUnitCode: "VP" })).toBe("UBND-VP");
    expect(outgoingNotation({ docType: "Quyết định", orgCode: "UBND", draftingUnitCode: "VP" })).toBe("QĐ-UBND");
    expect(outgoingNotation({ docType: "Tờ trình", orgCode: "UBND" })).toBe("TTr-UBND");
  });
});
