// Finding and removing JavaScript in a PDF (pdf-lib object level, so compressed object streams are
// covered too: pdf-lib unpacks them on load).
//
// Policy (see validate-upload.ts): an incoming PDF with JavaScript is ACCEPTED and flagged, and its
// original bytes are kept as they are, because a rewrite would break the issuing agency's digital
// signature. The stamped copy, which is what people open from the chat, is rewritten anyway; it is made
// with the JavaScript removed (`stripJavaScript`), so no script reaches a reader's PDF viewer through us.
import { PDFArray, PDFDict, PDFName, PDFStream } from "pdf-lib";
import type { PDFDocument, PDFObject } from "pdf-lib";

const S = PDFName.of("S");
const JS = PDFName.of("JS");
const JAVASCRIPT = PDFName.of("JavaScript");
const NEXT = PDFName.of("Next");
const XFA = PDFName.of("XFA");

const isJavaScriptAction = (dict: PDFDict) => dict.has(JS) || dict.get(S) === JAVASCRIPT;

/** Visits every dictionary in the document, including direct ones nested in others. */
const forEachDict = (doc: PDFDocument, visit: (dict: PDFDict) => void) => {
  const walk = (obj: PDFObject | undefined, depth: number) => {
    if (depth > 64 || obj === undefined) return; // direct objects cannot be cyclic, but stay bounded
    if (obj instanceof PDFStream) return walk(obj.dict, depth + 1);
    if (obj instanceof PDFDict) {
      visit(obj);
      for (const [, value] of obj.entries()) walk(value, depth + 1);
    } else if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) walk(obj.get(i), depth + 1);
    }
  };
  for (const [, obj] of doc.context.enumerateIndirectObjects()) walk(obj, 0);
  walk(doc.catalog, 0);
};

/** Whether the document contains JavaScript actions, a document-level JavaScript name tree or XFA. */
export const hasJavaScript = (doc: PDFDocument): boolean => {
  let found = false;
  forEachDict(doc, (dict) => {
    if (isJavaScriptAction(dict) || (dict.has(JAVASCRIPT) && !dict.has(S)) || dict.has(XFA)) found = true;
  });
  return found;
};

/**
 * Neutralises every JavaScript action in place and drops the document-level JavaScript name tree and
 * XFA forms. An action dictionary without `/S` and `/JS` is ignored by viewers, so references to it
 * (OpenAction, AA, an annotation's A) stay valid but do nothing. Returns how many items were removed.
 */
export const stripJavaScript = (doc: PDFDocument): number => {
  let removed = 0;
  forEachDict(doc, (dict) => {
    if (isJavaScriptAction(dict)) {
      dict.delete(JS);
      dict.delete(S);
      dict.delete(NEXT);
      removed++;
    }
    // The catalog's /Names dictionary holds the document-level scripts under /JavaScript.
    if (dict.has(JAVASCRIPT) && !dict.has(S)) {
      dict.delete(JAVASCRIPT);
      removed++;
    }
    if (dict.has(XFA)) {
      dict.delete(XFA);
      removed++;
    }
  });
  return removed;
};
