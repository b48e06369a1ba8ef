import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { ZCaseFileKey, fileCodeOf } from "./case-file-access.ts";
import { resolveOfficeScope } from "./office-scope.ts";

export const ZOpenCaseFileInput = z.object({
  actorUserId: z.string().min(1),
  /** Số và ký hiệu hồ sơ in the year's file list, e.g. "05-VP" (no dots or spaces: it goes into the file code). */
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[\p{L}\p{N}_-]+$/u, "letters, digits, - and _ only"),
  /** Tiêu đề hồ sơ. */
  title: z.string().trim().min(1).max(500),
  /** Thời hạn bảo quản, e.g. "10 năm", "Vĩnh viễn". */
  retention: z.string().trim().min(1).max(30),
  /** The year of the file list; default: this year in the office. */
  year: ZCaseFileKey.shape.year.optional(),
});
export type OpenCaseFileInput = z.input<typeof ZOpenCaseFileInput>;
export type OpenCaseFileResult = { caseFileId: string; code: string; year: number; fileCode: string };

/**
 * Opens a case file (hồ sơ) in a year's file list. Codes are unique per organisation and year.
 *
 * @example await openCaseFile(deps, { actorUserId, code: "05-VP", title: "Hồ sơ dự toán ngân sách năm 2027", retention: "10 năm" })
 */
export const openCaseFile = (deps: CoreDeps, raw: OpenCaseFileInput): Promise<OpenCaseFileResult> =>
  runUseCase(deps, { action: "caseFile.open", actorUserId: raw.actorUserId, entityType: "CaseFile" }, async () => {
    const scope = await resolveOfficeScope(deps, { actorUserId: raw.actorUserId });
    const input = ZOpenCaseFileInput.parse(raw);
    const now = deps.clock.now();
    const year = input.year ?? Number(localDateOf(now, scope.zone).slice(0, 4));
    return deps.prisma.$transaction(async (tx) => {
      const taken = await tx.caseFile.findFirst({ where: { orgId: scope.orgId, year, code: { equals: input.code, mode: "insensitive" } }, select: { id: true } });
      if (taken) throw new DomainError("CASE_FILE_EXISTS", "office.caseFile.exists", { code: input.code, year });
      const file = await tx.caseFile.create({
        data: { orgId: scope.orgId, code: input.code, title: input.title, retention: input.retention, year, createdById: scope.actor!.id, openedAt: now },
        select: { id: true },
      });
      await appendAuditEvent(tx, {
        type: "caseFile.opened",
        at: now,
        orgId: scope.orgId,
        actorUserId: scope.actor!.id,
        entityType: "CaseFile",
        entityId: file.id,
        data: { code: input.code, year, title: input.title, retention: input.retention },
      });
      return { caseFileId: file.id, code: input.code, year, fileCode: fileCodeOf(deps.settings.agencyOrganId ?? scope.orgCode, year, input.code) };
    });
  });
