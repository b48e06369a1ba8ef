// The directory of agencies we can send to through the national document interchange (issue 19,
// "Sending"): the axis' own directory (`getAgencies`), refreshed by a job (daily, and at start when the
// table is empty) and by `edoc interchange agencies --refresh`, plus the organisation file's `agencies:`
// (agencies the axis does not list, or names the office writes differently). A recipient of /phathanh
// that names an agency of the directory (by its name, matched without diacritics, or by its organ id) is
// an interchange recipient: the document goes to it as an edXML package.
//
// Decisions:
// - One directory for the deployment (AGENCY_ORGAN_ID is one agency), keyed by organ id.
// - The axis' refresh never deletes: an agency it no longer lists is marked inactive (sent packages and
//   their statuses keep pointing at it) and is no longer matched. The organisation file's entries are
//   never touched by the axis' refresh and win on the same organ id (the office said so).
// - Matching is exact on the folded name (lower case, no diacritics, single spaces) or on the organ id:
//   no fuzzy matching, an official document does not go to a guessed agency.
import type { CoreDeps } from "../deps.ts";
import type { InterchangeTransport } from "../ports/interchange-transport.ts";
import type { Tx } from "../store/tx.ts";
import { foldVietnamese } from "../text/fold.ts";

/** An agency as the organisation file lists it. */
export type DirectoryAgencyInput = { organId: string; name: string; parentOrganId?: string; mail?: string };

export type RefreshAgenciesResult = { created: number; updated: number; deactivated: number; total: number };

/** The key a recipient name is matched on. */
export const agencyNameKey = (name: string): string => foldVietnamese(name.normalize("NFC"));

/** An organ id as typed: trimmed, capitals (`000.00.31.h10` → `000.00.31.H10`). */
const organIdKey = (text: string): string => text.trim().toUpperCase();

/** How long the axis' directory is trusted before the daily job asks again. */
export const AGENCY_DIRECTORY_MAX_AGE_MS = 20 * 3600 * 1000;

/**
 * Replaces the axis' part of the directory with what `getAgencies` answers now (the organisation file's
 * entries are left alone). Rejects with the transport's InterchangeError when the axis cannot be asked;
 * nothing is changed then.
 *
 * @example await refreshAgencyDirectory(deps, { transport })
 */
export const refreshAgencyDirectory = async (deps: Pick<CoreDeps, "prisma" | "clock">, { transport }: { transport: InterchangeTransport }): Promise<RefreshAgenciesResult> => {
  const agencies = await transport.getAgencies();
  const now = deps.clock.now();
  const byId = new Map<string, (typeof agencies)[number]>();
  for (const a of agencies) {
    const organId = organIdKey(a.code);
    const name = a.name.normalize("NFC").trim();
    // An entry without a usable name cannot be matched to a recipient: skipped.
    if (organId && name && organId.length <= 64) byId.set(organId, a);
  }
  return deps.prisma.$transaction(
    async (tx) => {
      const existing = new Map((await tx.interchangeAgency.findMany({ select: { organId: true, source: true, active: true } })).map((r) => [r.organId, r]));
      const result: RefreshAgenciesResult = { created: 0, updated: 0, deactivated: 0, total: byId.size };
      for (const [organId, a] of byId) {
        const known = existing.get(organId);
        if (known?.source === "ORG_FILE") continue;
        const name = a.name.normalize("NFC").trim().slice(0, 500);
        const data = {
          name,
          nameKey: agencyNameKey(name),
          parentOrganId: a.pcode ? organIdKey(a.pcode) : null,
          mail: a.mail ?? null,
          source: "AXIS" as const,
          active: true,
          refreshedAt: now,
        };
        if (known) {
          await tx.interchangeAgency.update({ where: { organId }, data });
          result.updated++;
        } else {
          await tx.interchangeAgency.create({ data: { organId, ...data } });
          result.created++;
        }
      }
      const gone = [...existing.values()].filter((r) => r.source === "AXIS" && r.active && !byId.has(r.organId)).map((r) => r.organId);
      if (gone.length > 0) result.deactivated = (await tx.interchangeAgency.updateMany({ where: { organId: { in: gone } }, data: { active: false, refreshedAt: now } })).count;
      return result;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
};

/** How many active agencies the directory holds, by where they come from (the axis, the organisation file). */
export const countDirectoryAgencies = async (deps: Pick<CoreDeps, "prisma">): Promise<{ axis: number; orgFile: number }> => {
  const [axis, orgFile] = await Promise.all([
    deps.prisma.interchangeAgency.count({ where: { active: true, source: "AXIS" } }),
    deps.prisma.interchangeAgency.count({ where: { active: true, source: "ORG_FILE" } }),
  ]);
  return { axis, orgFile };
};

/**
 * Whether the axis' directory should be asked again: never asked, or last asked longer ago than
 * {@link AGENCY_DIRECTORY_MAX_AGE_MS}.
 */
export const isAgencyDirectoryStale = async (deps: Pick<CoreDeps, "prisma" | "clock">): Promise<boolean> => {
  const last = await deps.prisma.interchangeAgency.findFirst({ where: { source: "AXIS" }, orderBy: { refreshedAt: "desc" }, select: { refreshedAt: true } });
  return !last || deps.clock.now().getTime() - last.refreshedAt.getTime() > AGENCY_DIRECTORY_MAX_AGE_MS;
};

/** Writes the organisation file's agencies (in the import's transaction); idempotent by organ id, never deletes. */
export const importDirectoryAgencies = async (tx: Tx, now: Date, agencies: DirectoryAgencyInput[]): Promise<number> => {
  for (const a of agencies) {
    const organId = organIdKey(a.organId);
    const name = a.name.normalize("NFC").trim();
    const data = {
      name,
      nameKey: agencyNameKey(name),
      parentOrganId: a.parentOrganId ? organIdKey(a.parentOrganId) : null,
      mail: a.mail ?? null,
      source: "ORG_FILE" as const,
      active: true,
      refreshedAt: now,
    };
    await tx.interchangeAgency.upsert({ where: { organId }, create: { organId, ...data }, update: data });
  }
  return agencies.length;
};

/** A recipient name matched to an agency of the directory. */
export type MatchedAgency = { organId: string; name: string };

/**
 * The agency a recipient names: by its organ id as typed, else by its name (folded). Null when none, or
 * when the name is ambiguous (two active agencies of the same name: the clerk must type the organ id).
 */
export const matchAgency = async (db: Pick<Tx, "interchangeAgency">, recipient: string): Promise<MatchedAgency | null> => {
  const byId = await db.interchangeAgency.findFirst({ where: { organId: organIdKey(recipient), active: true }, select: { organId: true, name: true } });
  if (byId) return byId;
  const byName = await db.interchangeAgency.findMany({ where: { nameKey: agencyNameKey(recipient), active: true }, select: { organId: true, name: true, source: true }, take: 3 });
  // The organisation file's entry wins over the axis' homonyms.
  const own = byName.filter((a) => a.source === "ORG_FILE");
  const pick = own.length > 0 ? own : byName;
  return pick.length === 1 ? { organId: pick[0]!.organId, name: pick[0]!.name } : null;
};
