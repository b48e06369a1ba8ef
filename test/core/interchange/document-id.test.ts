// The envelope DocumentId we give outgoing packages (core/interchange/send-enqueue.ts): it must fit the
// validator that caps it at 15 characters (docs/EDXML.md), be the same for the same document every
// time (a re-send is recognised), and differ between documents.
import { describe, expect, it } from "vitest";
import { EDXML_DOCUMENT_ID_MAX, outgoingEdxmlDocumentId } from "../../../core/interchange/send-enqueue.ts";

const doc = { agencyOrganId: "000.00.32.H10", issuedDate: "2026-12-01", codeNumber: "05", codeNotation: "UBND-VP" };

describe("outgoingEdxmlDocumentId", () => {
  it("is at most 15 characters of unambiguous upper-case base32, whatever the số/ký hiệu's length", () => {
    expect(EDXML_DOCUMENT_ID_MAX).toBe(15);
    const long = { ...doc, codeNumber: "1234567", codeNotation: "QĐ-UBND-VP-TCKH-NS-ĐT-XDCB" };
    for (const d of [doc, long]) {
      const id = outgoingEdxmlDocumentId(d);
      expect(id).toHaveLength(15);
      expect(id).toMatch(/^E[0-9A-HJKMNP-TV-Z]{14}$/);
    }
    // The long form one implementation uses would not fit.
    expect(`${doc.agencyOrganId},2026/12/01,${doc.codeNumber}/${doc.codeNotation}`.length).toBeGreaterThan(15);
  });

  it("is stable for the same document and differs when any part differs", () => {
    expect(outgoingEdxmlDocumentId({ ...doc })).toBe(outgoingEdxmlDocumentId(doc));
    const variants = [doc, { ...doc, agencyOrganId: "000.00.33.H10" }, { ...doc, issuedDate: "2026-12-02" }, { ...doc, codeNumber: "06" }, { ...doc, codeNotation: "UBND-TCKH" }];
    expect(new Set(variants.map(outgoingEdxmlDocumentId)).size).toBe(variants.length);
    // Ten thousand numbers of one year: no two share an id.
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => outgoingEdxmlDocumentId({ ...doc, codeNumber: String(i + 1).padStart(2, "0") })));
    expect(ids.size).toBe(10_000);
  });
});
