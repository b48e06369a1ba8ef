// Queuing an outgoing document for the national document interchange (issue 19, "Sending"): in the
// transaction that issues the document (core/outgoing/issue-outgoing-document.ts `finishOutgoingIssue`),
// its external recipients that name an agency of the directory (./agency-directory.ts) become the `To` of
// one InterchangeOutgoing row; ./send-outgoing.ts builds and sends the package. Light on purpose: the
// issuing use case imports it.
import { createHash } from "node:crypto";
import type { Tx } from "../store/tx.ts";
import { utcMidnightToLocalDate } from "../time.ts";
import { matchAgency } from "./agency-directory.ts";

/** The longest envelope DocumentId we give: one public validator caps it at 15 characters (docs/EDXML.md). */
export const EDXML_DOCUMENT_ID_MAX = 15;

/** Crockford's base32 (no I, L, O, U): upper case, unambiguous when read aloud or retyped. */
const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The envelope's DocumentId we give an outgoing package: `E` + 14 base32 characters of the SHA-256 of
 * `{our organ id},{yyyy/MM/dd},{số}/{ký hiệu}` (the long form one public implementation uses), 15
 * characters in all, so it fits the validator that caps it at 15. Stable: the same document always gets
 * the same id (a re-send is recognised); unique: 70 bits of the hash, and the column is unique. Opaque
 * to everyone else (never parsed back: the status messages are matched on the stored value).
 *
 * @example outgoingEdxmlDocumentId({ agencyOrganId: "000.00.32.H10", issuedDate: "2026-12-01", codeNumber: "05", codeNotation: "UBND-VP" }) // "E…" (15 characters)
 */
export const outgoingEdxmlDocumentId = (p: { agencyOrganId: string; issuedDate: string; codeNumber: string; codeNotation: string }): string => {
  const long = `${p.agencyOrganId},${p.issuedDate.replace(/-/g, "/")},${p.codeNumber}/${p.codeNotation}`;
  const digest = createHash("sha256").update(long, "utf8").digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 9)) bits = (bits << 8n) | BigInt(byte);
  let id = "";
  for (let i = 0; i < EDXML_DOCUMENT_ID_MAX - 1; i++) id += BASE32[Number((bits >> BigInt(5 * (EDXML_DOCUMENT_ID_MAX - 2 - i))) & 31n)];
  return `E${id}`;
};

/** What {@link enqueueOutgoingInterchange} queued: the recipients matched, by DocumentRecipient id. */
export type EnqueuedInterchange = { outgoingId: string; recipients: { documentRecipientId: string; organId: string; organName: string }[] } | null;

/**
 * Queues the document's package when at least one external recipient names an agency of the directory
 * (nothing otherwise, nor without `agencyOrganId`, nor for a paper-only document). Once per document.
 *
 * @example await enqueueOutgoingInterchange(tx, now, { documentId, agencyOrganId: deps.settings.agencyOrganId })
 */
export const enqueueOutgoingInterchange = async (tx: Tx, now: Date, p: { documentId: string; agencyOrganId: string | undefined }): Promise<EnqueuedInterchange> => {
  if (!p.agencyOrganId) return null;
  const doc = await tx.document.findUniqueOrThrow({
    where: { id: p.documentId },
    select: {
      isPaperOnly: true,
      codeNumber: true,
      codeNotation: true,
      issuedDate: true,
      recipients: { where: { unitId: null, externalName: { not: null } }, orderBy: { createdAt: "asc" }, select: { id: true, externalName: true } },
    },
  });
  if (doc.isPaperOnly || !doc.codeNumber || !doc.codeNotation || !doc.issuedDate) return null;
  const matched: { documentRecipientId: string; organId: string; organName: string }[] = [];
  for (const r of doc.recipients) {
    const agency = await matchAgency(tx, r.externalName!);
    // Our own agency is never a recipient of our package; the same agency named twice gets one To.
    if (!agency || agency.organId === p.agencyOrganId || matched.some((m) => m.organId === agency.organId)) continue;
    matched.push({ documentRecipientId: r.id, organId: agency.organId, organName: agency.name });
  }
  if (matched.length === 0) return null;
  const edxmlDocumentId = outgoingEdxmlDocumentId({
    agencyOrganId: p.agencyOrganId,
    issuedDate: utcMidnightToLocalDate(doc.issuedDate),
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
  });
  const existing = await tx.interchangeOutgoing.findUnique({ where: { documentId: p.documentId }, select: { id: true } });
  if (existing) return null;
  const row = await tx.interchangeOutgoing.create({ data: { documentId: p.documentId, edxmlDocumentId, nextAttemptAt: now, createdAt: now }, select: { id: true } });
  await tx.interchangeOutgoingRecipient.createMany({ data: matched.map((m) => ({ outgoingId: row.id, ...m, createdAt: now })) });
  return { outgoingId: row.id, recipients: matched };
};
