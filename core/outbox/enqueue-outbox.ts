import type { Tx } from "../store/tx.ts";
import type { Urgency } from "../store/generated/enums.ts";
import type { OutboxKind, OutboxPayloads } from "./outbox-kinds.ts";

export type OutboxIntent<K extends OutboxKind = OutboxKind> = {
  userId: string;
  kind: K;
  payload: OutboxPayloads[K];
  /** Same key → one row, however often the change is retried. */
  dedupeKey: string;
  urgency?: Urgency;
  /** Not before this time (reminders); default now. */
  notBefore?: Date;
};

/**
 * Writes message intents in the caller's transaction. A retried change cannot queue a message
 * twice: rows are unique by `dedupeKey`.
 */
export const enqueueOutbox = async (tx: Tx, now: Date, intents: OutboxIntent[]): Promise<number> => {
  if (intents.length === 0) return 0;
  const result = await tx.outboxMessage.createMany({
    data: intents.map((i) => ({
      userId: i.userId,
      kind: i.kind,
      payload: i.payload as object,
      dedupeKey: i.dedupeKey,
      urgency: i.urgency ?? "NORMAL",
      nextAttemptAt: i.notBefore ?? now,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  return result.count;
};
