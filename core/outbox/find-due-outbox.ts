// The outbox sweep's query: rows due for a delivery attempt, oldest first, in a bounded batch.
import type { CoreDeps } from "../deps.ts";

export type DueOutboxRow = { id: string; attempts: number };

/**
 * Rows to hand to delivery now: PENDING with `nextAttemptAt <= now` (index `status, nextAttemptAt`),
 * plus SENDING rows whose claim expired (a worker died mid-send). At most `limit` of each.
 *
 * @param limit - batch size per sweep. @defaultValue 200
 */
export const findDueOutboxMessages = async (deps: CoreDeps, { limit = 200 }: { limit?: number } = {}): Promise<DueOutboxRow[]> => {
  const now = deps.clock.now();
  const pending = await deps.prisma.outboxMessage.findMany({
    where: { status: "PENDING", nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true, attempts: true },
  });
  const abandoned = await deps.prisma.outboxMessage.findMany({
    where: { status: "SENDING", lockedUntil: { lt: now } },
    orderBy: { lockedUntil: "asc" },
    take: limit,
    select: { id: true, attempts: true },
  });
  return [...pending, ...abandoned];
};
