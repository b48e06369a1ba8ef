// The outbox sweep's query: rows due for a delivery attempt, oldest first, in a bounded batch.
import type { CoreDeps } from "../deps.ts";

/** A row due for delivery; `dueAt` is when it became due (its next attempt, or the end of an abandoned claim). */
export type DueOutboxRow = { id: string; attempts: number; dueAt: Date };

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
    orderBy: [{ nextAttemptAt: "asc" }, { seq: "asc" }],
    take: limit,
    select: { id: true, attempts: true, nextAttemptAt: true },
  });
  const abandoned = await deps.prisma.outboxMessage.findMany({
    where: { status: "SENDING", lockedUntil: { lt: now } },
    orderBy: { lockedUntil: "asc" },
    take: limit,
    select: { id: true, attempts: true, lockedUntil: true },
  });
  return [
    ...pending.map((r) => ({ id: r.id, attempts: r.attempts, dueAt: r.nextAttemptAt })),
    ...abandoned.map((r) => ({ id: r.id, attempts: r.attempts, dueAt: r.lockedUntil ?? now })),
  ];
};
