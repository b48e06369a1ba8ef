// Whether a PDF carries a digital signature: how issuing tells a document born digital and signed by
// its signer (its seal block keeps the original's form) from a scan of a wet-signed paper original
// (issued as a digitised copy, "SAO Y"; see seal-stamp.ts).
import { PDFDict, PDFName, type PDFDocument } from "pdf-lib";
import { loadCopy } from "./stamp-page.ts";

const BYTE_RANGE = PDFName.of("ByteRange");
const CONTENTS = PDFName.of("Contents");
const TYPE = PDFName.of("Type");
const DOC_TIMESTAMP = PDFName.of("DocTimeStamp");

/**
 * True when `doc` holds a signature dictionary (a /ByteRange and /Contents, ISO 32000-1 §12.8.1),
 * wherever it is stored (object streams included). A document timestamp alone (/DocTimeStamp) is
 * not a person's signature and does not count.
 */
export const hasDigitalSignature = (doc: PDFDocument): boolean => {
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    if (!object.has(BYTE_RANGE) || !object.has(CONTENTS)) continue;
    if (object.get(TYPE) === DOC_TIMESTAMP) continue;
    return true;
  }
  return false;
};

/**
 * `hasDigitalSignature` on bytes (not modified). Throws `DomainError("PDF_CORRUPT" | "PDF_ENCRYPTED")`
 * for a PDF that cannot be read.
 *
 * @example if (await pdfHasDigitalSignature(original)) form = "ORIGINAL";
 */
export const pdfHasDigitalSignature = async (pdf: Uint8Array): Promise<boolean> => hasDigitalSignature(await loadCopy(pdf));
