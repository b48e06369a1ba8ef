// Case files (hồ sơ, DOMAIN.md §8): shared loading and the file code.
//
// Who: the office's people (office-scope.ts: MONITOR users and the agency's clerks) open, fill,
// close, list and export case files. Decree 30 lets the handler open files too; that needs
// per-unit file lists and is left for later.
import { z } from "zod";
import { DomainError } from "../errors.ts";
import type { Tx } from "../store/tx.ts";
import type { Db } from "../store/client.ts";

/** A case file named the way people name it: its code (số và ký hiệu hồ sơ) in a year's list. */
export const ZCaseFileKey = z.object({
  code: z.string().trim().min(1).max(20),
  year: z.number().int().min(1900).max(2100),
});
export type CaseFileKey = z.infer<typeof ZCaseFileKey>;

/**
 * The file code of Decree 30 App. VI (mã hồ sơ) as one string: the agency's identifier, the year of
 * the file list and the file's notation, joined by dots, e.g. "000.00.31.H23.2026.05-VP". The
 * identifier is AGENCY_ORGAN_ID (mã định danh điện tử); where it is not configured, lists and
 * messages show the organisation's code instead, and the archive export refuses. The archive
 * metadata writes the three parts as separate fields (`fileCodeParts`).
 */
export const fileCodeOf = (orgCode: string, year: number, code: string): string => `${orgCode}.${year}.${code}`;

/** The three fields of App. VI's file code: OrganId (13), FileCatalog (the year, 4), FileNotation (20). */
export const fileCodeParts = (organId: string, year: number, code: string): { OrganId: string; FileCatalog: number; FileNotation: string } => ({
  OrganId: organId,
  FileCatalog: year,
  FileNotation: code,
});

export const CASE_FILE_SELECT = {
  id: true,
  orgId: true,
  code: true,
  title: true,
  retention: true,
  year: true,
  status: true,
  createdById: true,
  openedAt: true,
  closedAt: true,
} as const;

/** Loads a case file of the organisation by code and year (code compared without case). */
export const loadCaseFile = async (db: Db | Tx, orgId: string, key: CaseFileKey) => {
  const file = await db.caseFile.findFirst({ where: { orgId, year: key.year, code: { equals: key.code, mode: "insensitive" } }, select: CASE_FILE_SELECT });
  if (!file) throw new DomainError("CASE_FILE_NOT_FOUND", "office.caseFile.notFound", { code: key.code, year: key.year });
  return file;
};
