// The organisations a scheduled report runs for (usually one).
import type { CoreDeps } from "../deps.ts";

/** Ids of every organisation, by code. */
export const listOrganizationIds = async (deps: Pick<CoreDeps, "prisma">): Promise<string[]> =>
  (await deps.prisma.organization.findMany({ select: { id: true }, orderBy: { code: "asc" } })).map((o) => o.id);
