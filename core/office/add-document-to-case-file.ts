import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { stampOrLog } from "../documents/ensure-stamped-copy.ts";
import { DomainError } from "../errors.ts";
import { runUseCase } from "../use-case.ts";
import { ZCaseFileKey, loadCaseFile } from "./case-file-access.ts";
import { resolveOfficeScope } from "./office-scope.ts";

export const ZAddDocumentToCaseFileInput = ZCaseFileKey.extend({
  actorUserId: z.string().min(1),
  /** The document by id, or by its canonical ref ("D7/2026", "P12/2026"). */
  documentId: z.string().min(1).optional(),
  documentRef: z.string().trim().min(1).optional(),
}).refine((i) => (i.documentId === undefined) !== (i.documentRef === undefined), { message: "give documentId or documentRef" });
export type AddDocumentToCaseFileInput = z.input<typeof ZAddDocumentToCaseFileInput>;
export type AddDocumentToCaseFileResult = { caseFileId: string; documentId: string; documentRef: string; ordinal: number };

/**
 * Adds a document to an OPEN case file. The document is linked, not copied, so it may be in
 * several files; its ordinal in this file (số thứ tự văn bản trong hồ sơ) is the next one, given
 * under the row lock of the file so two clerks adding at once get different numbers. Secret
 * documents may be filed (as metadata: they have no content on the system) by viewers who see them.
 * An incoming document's ĐẾN stamp is then made again with its "Số và ký hiệu HS" line filled.
 *
 * @example await addDocumentToCaseFile(deps, { actorUserId, code: "05-VP", year: 2026, documentRef: "D7/2026" })
 */
export const addDocumentToCaseFile = (deps: CoreDeps, raw: AddDocumentToCaseFileInput): Promise<AddDocumentToCaseFileResult> =>
  runUseCase(deps, { action: "caseFile.addDocument", actorUserId: raw.actorUserId, entityType: "CaseFile" }, async () => {
    const scope = await resolveOfficeScope(deps, { actorUserId: raw.actorUserId });
    const input = ZAddDocumentToCaseFileInput.parse(raw);
    const now = deps.clock.now();
    const doc = await deps.prisma.document.findFirst({
      where: { orgId: scope.orgId, ...(input.documentId ? { id: input.documentId } : { ref: input.documentRef! }), ...(scope.includeSecret ? {} : { secrecy: "NONE" }) },
      select: { id: true, ref: true, direction: true },
    });
    if (!doc) throw new DomainError("DOCUMENT_NOT_FOUND", "document.notFound");
    const added = await deps.prisma.$transaction(async (tx) => {
      const file = await loadCaseFile(tx, scope.orgId, input);
      // Serialises ordinals per file: the lock holds until the transaction ends.
      await tx.$executeRawUnsafe(`SELECT 1 FROM "CaseFile" WHERE id = $1 FOR UPDATE`, file.id);
      if (file.status !== "OPEN") throw new DomainError("CASE_FILE_CLOSED", "office.caseFile.closed", { code: file.code, year: file.year });
      const already = await tx.caseFileDocument.findUnique({ where: { caseFileId_documentId: { caseFileId: file.id, documentId: doc.id } }, select: { ordinal: true } });
      if (already) throw new DomainError("CASE_FILE_HAS_DOCUMENT", "office.caseFile.hasDocument", { ref: doc.ref, code: file.code, ordinal: already.ordinal });
      const last = await tx.caseFileDocument.aggregate({ where: { caseFileId: file.id }, _max: { ordinal: true } });
      const ordinal = (last._max.ordinal ?? 0) + 1;
      await tx.caseFileDocument.create({ data: { caseFileId: file.id, documentId: doc.id, ordinal, addedAt: now } });
      await appendAuditEvent(tx, {
        type: "caseFile.documentAdded",
        at: now,
        orgId: scope.orgId,
        actorUserId: scope.actor!.id,
        entityType: "CaseFile",
        entityId: file.id,
        data: { code: file.code, year: file.year, documentId: doc.id, ref: doc.ref, ordinal },
      });
      return { caseFileId: file.id, documentId: doc.id, documentRef: doc.ref, ordinal };
    });
    // After the commit, like a directive's re-stamp: a failure leaves the previous stamped copy, and
    // the next re-stamp (or this call's retry) fills the line. Paper-only documents have no copy.
    if (doc.direction === "IN") await stampOrLog(deps, doc.id, { restamp: true });
    return added;
  });
