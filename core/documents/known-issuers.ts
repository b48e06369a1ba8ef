// The issuer names a scan's header is matched against when it is read (issue 18): the issuers
// already in the organisation's register of incoming documents, most recent first, so that an OCR'd
// header ("UBND TÍNH GIA LAI") is shown as the office writes it.
import type { CoreDeps } from "../deps.ts";

/** At most this many names are matched against. */
export const MAX_KNOWN_ISSUERS = 500;

/** The distinct issuers of the organisation's incoming documents, most recently registered first. */
export const knownIssuers = async (deps: Pick<CoreDeps, "prisma">, orgId: string): Promise<string[]> => {
  const rows = await deps.prisma.document.findMany({
    where: { orgId, direction: "IN", issuer: { not: null } },
    distinct: ["issuer"],
    orderBy: { createdAt: "desc" },
    select: { issuer: true },
    take: MAX_KNOWN_ISSUERS,
  });
  return rows.flatMap((r) => (r.issuer ? [r.issuer] : []));
};
