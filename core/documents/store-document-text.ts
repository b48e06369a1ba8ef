// The text read from a document's file, kept with the document so that /tim finds words from inside
// the scan (issue 18). Written by whoever read the file: the registration after OCR or the PDF's text
// layer, the interchange when a package's PDF has a text layer. Derived data, like Document.searchText:
// no audit event for storing it, only for a refusal.
import { z } from "zod";
import type { CoreDeps } from "../deps.ts";
import type { Secrecy } from "../store/generated/enums.ts";
import type { Tx } from "../store/tx.ts";
import { DomainError } from "../errors.ts";
import { capUtf8, foldDocumentText, MAX_DOCUMENT_TEXT_BYTES, tidyDocumentText } from "../text/document-text.ts";
import { runUseCase } from "../use-case.ts";
import { isSecret } from "../workflow/state-machine.ts";

export const ZStoreDocumentTextInput = z.object({
  documentId: z.string().min(1),
  /** The text as read; tidied and capped at MAX_DOCUMENT_TEXT_BYTES here. */
  text: z.string(),
  /** TEXT_LAYER: every page from the PDF's text; OCR: every page read by OCR; MIXED: some of each. */
  source: z.enum(["TEXT_LAYER", "OCR", "MIXED"]),
});
export type StoreDocumentTextInput = z.input<typeof ZStoreDocumentTextInput>;

export type StoreDocumentTextResult = {
  /** False when the same text was stored already (nothing written). */
  changed: boolean;
  /** Characters kept (after tidying and the cap). */
  length: number;
};

/**
 * Stores (or replaces) the text read from a document's file, with its folded copy for search.
 * Idempotent: the same text again writes nothing. Refused, and never stored, for a secret document
 * (DOCUMENT_TEXT_SECRET): its content must not be on the system at all.
 *
 * @example await storeDocumentText(deps, { documentId, text: read.text, source: "OCR" })
 */
export const storeDocumentText = (deps: CoreDeps, raw: StoreDocumentTextInput): Promise<StoreDocumentTextResult> =>
  runUseCase(deps, { action: "document.storeText", entityType: "Document", entityId: raw.documentId }, async () => {
    const input = ZStoreDocumentTextInput.parse(raw);
    return deps.prisma.$transaction((tx) => writeDocumentText(tx, input));
  });

/**
 * `storeDocumentText` inside a transaction the caller holds (the interchange writes the text in the
 * registration's own transaction). Same checks; a refusal throws the DomainError.
 */
export const writeDocumentText = async (tx: Tx, input: { documentId: string; text: string; source: "TEXT_LAYER" | "OCR" | "MIXED" }): Promise<StoreDocumentTextResult> => {
  const text = capUtf8(tidyDocumentText(input.text), MAX_DOCUMENT_TEXT_BYTES);
  // The document's row is locked for the check (FOR UPDATE): a classification that changed since the
  // file was read is seen before anything is written.
  const [doc] = await tx.$queryRaw<{ id: string; secrecy: Secrecy }[]>`SELECT id, secrecy::text AS secrecy FROM "Document" WHERE id = ${input.documentId} FOR UPDATE`;
  if (!doc) throw new DomainError("NOT_FOUND", "document.notFound");
  if (isSecret(doc.secrecy)) throw new DomainError("DOCUMENT_TEXT_SECRET", "document.textSecret");
  const existing = await tx.documentText.findUnique({ where: { documentId: doc.id }, select: { text: true, source: true } });
  if (existing && existing.text === text && existing.source === input.source) return { changed: false, length: text.length };
  const searchText = foldDocumentText(text);
  await tx.documentText.upsert({
    where: { documentId: doc.id },
    create: { documentId: doc.id, text, searchText, source: input.source },
    update: { text, searchText, source: input.source },
  });
  return { changed: true, length: text.length };
};
