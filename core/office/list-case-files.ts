import { z } from "zod";
import type { CoreDeps } from "../deps.ts";
import { t, type Locale } from "../messages/index.ts";
import type { CaseFileStatus } from "../store/generated/enums.ts";
import { localDateOf, type LocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { fileCodeOf } from "./case-file-access.ts";
import { resolveOfficeScope, viewerActorId, type OfficeViewer } from "./office-scope.ts";
import type { TitledTable } from "./table-file.ts";

export type CaseFileListItem = {
  caseFileId: string;
  code: string;
  fileCode: string;
  title: string;
  retention: string;
  status: CaseFileStatus;
  creatorName: string | null;
  openedOn: LocalDate;
  closedOn: LocalDate | null;
  documentCount: number;
};

export type CaseFileList = { orgName: string; year: number; items: CaseFileListItem[] };

export type ListCaseFilesInput = { viewer: OfficeViewer; year: number };

/**
 * The year's list of case files (danh mục hồ sơ), by code.
 *
 * @example const list = await listCaseFiles(deps, { viewer: { actorUserId }, year: 2026 });
 */
export const listCaseFiles = (deps: CoreDeps, raw: ListCaseFilesInput): Promise<CaseFileList> =>
  runUseCase(deps, { action: "caseFile.list", actorUserId: viewerActorId(raw.viewer), entityType: "CaseFile" }, async () => {
    const scope = await resolveOfficeScope(deps, raw.viewer);
    const year = z.number().int().min(1900).max(2100).parse(raw.year);
    const files = await deps.prisma.caseFile.findMany({
      where: { orgId: scope.orgId, year },
      orderBy: { code: "asc" },
      select: { id: true, code: true, title: true, retention: true, status: true, createdById: true, openedAt: true, closedAt: true, _count: { select: { documents: true } } },
    });
    const creators = await deps.prisma.user.findMany({ where: { id: { in: [...new Set(files.map((f) => f.createdById))] } }, select: { id: true, name: true } });
    const nameOf = new Map(creators.map((c) => [c.id, c.name]));
    return {
      orgName: scope.orgName,
      year,
      items: files.map((f) => ({
        caseFileId: f.id,
        code: f.code,
        fileCode: fileCodeOf(deps.settings.agencyOrganId ?? scope.orgCode, year, f.code),
        title: f.title,
        retention: f.retention,
        status: f.status,
        creatorName: nameOf.get(f.createdById) ?? null,
        openedOn: localDateOf(f.openedAt, scope.zone),
        closedOn: f.closedAt ? localDateOf(f.closedAt, scope.zone) : null,
        documentCount: f._count.documents,
      })),
    };
  });

/** The list as a titled table (for XLSX/CSV). */
export const caseFileListTable = (list: CaseFileList, locale: Locale = "vi"): TitledTable => ({
  sheetName: t(locale, "office.caseFile.list.sheet"),
  titleLines: [list.orgName, t(locale, "office.caseFile.list.title", { year: list.year })],
  columns: [
    { title: t(locale, "office.caseFile.list.col.code"), kind: "text", width: 14 },
    { title: t(locale, "office.caseFile.list.col.title"), kind: "text", width: 48 },
    { title: t(locale, "office.caseFile.list.col.retention"), kind: "text", width: 14 },
    { title: t(locale, "office.caseFile.list.col.creator"), kind: "text", width: 22 },
    { title: t(locale, "office.caseFile.list.col.opened"), kind: "date", width: 12 },
    { title: t(locale, "office.caseFile.list.col.closed"), kind: "date", width: 12 },
    { title: t(locale, "office.caseFile.list.col.documents"), kind: "number", width: 10 },
    { title: t(locale, "office.caseFile.list.col.status"), kind: "text", width: 14 },
  ],
  rows: list.items.map((i) => [i.code, i.title, i.retention, i.creatorName, i.openedOn, i.closedOn, i.documentCount, t(locale, `office.caseFile.status.${i.status}`)]),
});
