// What the axis kept refusing and we gave up (FAILED; ./axis-rows.ts): the outgoing packages and the status
// messages, for the `edoc interchange failed` listing. The people concerned were told in chat when each was
// given up; this keeps them visible afterwards.
import type { CoreDeps } from "../deps.ts";

export type FailedInterchangeRow =
  | { kind: "package"; id: string; ref: string; code: string; to: string[]; attempts: number; failedAt: Date | null; lastError: string | null }
  | { kind: "status"; id: string; statusCode: string; to: string; about: string; attempts: number; failedAt: Date | null; lastError: string | null };

/**
 * The given-up rows, newest first (packages, then statuses).
 *
 * @example for (const row of await listFailedInterchange(deps)) console.log(row.kind, row.lastError);
 */
export const listFailedInterchange = async (deps: Pick<CoreDeps, "prisma">, { limit = 100 }: { limit?: number } = {}): Promise<FailedInterchangeRow[]> => {
  const packages = await deps.prisma.interchangeOutgoing.findMany({
    where: { state: "FAILED" },
    orderBy: { failedAt: "desc" },
    take: limit,
    select: {
      id: true,
      attempts: true,
      failedAt: true,
      lastError: true,
      recipients: { orderBy: { createdAt: "asc" }, select: { organId: true } },
      document: { select: { ref: true, codeNumber: true, codeNotation: true } },
    },
  });
  const statuses = await deps.prisma.interchangeStatusMessage.findMany({
    where: { state: "FAILED" },
    orderBy: { failedAt: "desc" },
    take: limit,
    select: { id: true, statusCode: true, toOrganId: true, responseCode: true, attempts: true, failedAt: true, lastError: true },
  });
  return [
    ...packages.map((p): FailedInterchangeRow => ({
      kind: "package",
      id: p.id,
      ref: p.document.ref,
      code: `${p.document.codeNumber ?? ""}/${p.document.codeNotation ?? ""}`,
      to: p.recipients.map((r) => r.organId),
      attempts: p.attempts,
      failedAt: p.failedAt,
      lastError: p.lastError,
    })),
    ...statuses.map((s): FailedInterchangeRow => ({
      kind: "status",
      id: s.id,
      statusCode: s.statusCode,
      to: s.toOrganId,
      about: s.responseCode,
      attempts: s.attempts,
      failedAt: s.failedAt,
      lastError: s.lastError,
    })),
  ];
};
