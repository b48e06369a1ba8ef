// The issuer names a scan's header is matched against when it is read (issue 18), so that an OCR'd
// header ("UBND TÍNH GIA LAI", "SỞ TÀI CHÍNH" under "UBND TỈNH BÌNH ĐỊNH") is shown as a name the
// office already writes, whatever OCR made of the capitals. In order, the first spelling of a name
// (folded: case and diacritics do not matter) winning:
//   1. the issuers already in the organisation's register of incoming documents, most recent first
//      (as the office writes them);
//   2. the organisation file: its `agencies:` entries and its units with their own seal (a ward's or
//      commune's People's Committee is a cơ quan that sends documents up);
//   3. the interchange axis' agency directory (names as the axis writes them).
import type { CoreDeps } from "../deps.ts";
import { foldVietnamese } from "../text/fold.ts";

/** At most this many of the register's issuers are matched against. */
export const MAX_KNOWN_ISSUERS = 500;
/** At most this many names of the axis' agency directory are matched against. */
export const MAX_DIRECTORY_ISSUERS = 5000;

/** The names a scan's header is matched against (see the header), without repeats. */
export const knownIssuers = async (deps: Pick<CoreDeps, "prisma">, orgId: string): Promise<string[]> => {
  const [register, orgFileAgencies, ownSealUnits, axis] = await Promise.all([
    deps.prisma.document.findMany({
      where: { orgId, direction: "IN", issuer: { not: null } },
      distinct: ["issuer"],
      orderBy: { createdAt: "desc" },
      select: { issuer: true },
      take: MAX_KNOWN_ISSUERS,
    }),
    deps.prisma.interchangeAgency.findMany({ where: { source: "ORG_FILE", active: true }, orderBy: { name: "asc" }, select: { name: true } }),
    deps.prisma.unit.findMany({ where: { orgId, ownSeal: true, active: true }, orderBy: { code: "asc" }, select: { name: true } }),
    deps.prisma.interchangeAgency.findMany({ where: { source: "AXIS", active: true }, orderBy: { name: "asc" }, select: { name: true }, take: MAX_DIRECTORY_ISSUERS }),
  ]);
  const names = [...register.map((r) => r.issuer), ...orgFileAgencies.map((a) => a.name), ...ownSealUnits.map((u) => u.name), ...axis.map((a) => a.name)];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    if (!name || name.trim() === "") continue;
    const key = foldVietnamese(name);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
};
