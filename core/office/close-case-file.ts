import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { runUseCase } from "../use-case.ts";
import { ZCaseFileKey, loadCaseFile } from "./case-file-access.ts";
import { resolveOfficeScope } from "./office-scope.ts";

export const ZCloseCaseFileInput = ZCaseFileKey.extend({ actorUserId: z.string().min(1) });
export type CloseCaseFileInput = z.input<typeof ZCloseCaseFileInput>;

/**
 * Closes a case file when the work ends (kết thúc hồ sơ): no more documents can be added, and it
 * can be exported for the archive. Compare-and-set: closing twice is refused. An empty file cannot
 * be closed.
 *
 * @example await closeCaseFile(deps, { actorUserId, code: "05-VP", year: 2026 })
 */
export const closeCaseFile = (deps: CoreDeps, raw: CloseCaseFileInput): Promise<{ caseFileId: string; closedAt: Date; documentCount: number }> =>
  runUseCase(deps, { action: "caseFile.close", actorUserId: raw.actorUserId, entityType: "CaseFile" }, async () => {
    const scope = await resolveOfficeScope(deps, { actorUserId: raw.actorUserId });
    const input = ZCloseCaseFileInput.parse(raw);
    const now = deps.clock.now();
    return deps.prisma.$transaction(async (tx) => {
      const file = await loadCaseFile(tx, scope.orgId, input);
      const documentCount = await tx.caseFileDocument.count({ where: { caseFileId: file.id } });
      if (documentCount === 0) throw new DomainError("CASE_FILE_EMPTY", "office.caseFile.empty", { code: file.code, year: file.year });
      const closed = await tx.caseFile.updateMany({ where: { id: file.id, status: "OPEN" }, data: { status: "CLOSED", closedAt: now } });
      if (closed.count === 0) throw new DomainError("CASE_FILE_CLOSED", "office.caseFile.closed", { code: file.code, year: file.year });
      await appendAuditEvent(tx, {
        type: "caseFile.closed",
        at: now,
        orgId: scope.orgId,
        actorUserId: scope.actor!.id,
        entityType: "CaseFile",
        entityId: file.id,
        data: { code: file.code, year: file.year, documentCount },
      });
      return { caseFileId: file.id, closedAt: now, documentCount };
    });
  });
