import { foldVietnamese } from "../text/fold.ts";

/** What full-text search matches a document on, folded (no diacritics, lower case). */
export const documentSearchText = (d: {
  ref: string;
  subject: string;
  issuer?: string | null | undefined;
  docType?: string | null | undefined;
  codeNumber?: string | null | undefined;
  codeNotation?: string | null | undefined;
  extra?: string[];
}): string =>
  foldVietnamese(
    [d.ref, d.subject, d.issuer, d.docType, d.codeNumber && d.codeNotation ? `${d.codeNumber}/${d.codeNotation}` : d.codeNumber, ...(d.extra ?? [])].filter(Boolean).join(" "),
  );
