// Storage for multi-step conversations (a clerk's registration in progress, a directive waiting
// for /ok) and for the deduplication of incoming platform updates. Adapters reach the database only
// through these functions.
import type { CoreDeps } from "../deps.ts";
import { forgetQueryArgs } from "../store/forget-query-args.ts";
import type { Channel } from "../store/generated/enums.ts";

export type ConversationStore = {
  get<T = unknown>(key: string): Promise<T | null>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
};

/** Key-value storage in the ConversationState table; expired entries read as absent. */
export const createConversationStore = (deps: Pick<CoreDeps, "prisma" | "clock">): ConversationStore => ({
  get: async <T>(key: string) => {
    const row = await deps.prisma.conversationState.findUnique({ where: { key }, select: { value: true, expiresAt: true } });
    if (!row) return null;
    if (row.expiresAt && row.expiresAt <= deps.clock.now()) {
      await deps.prisma.conversationState.deleteMany({ where: { key } });
      return null;
    }
    return row.value as T;
  },
  set: async (key, value, ttlMs) => {
    const expiresAt = ttlMs ? new Date(deps.clock.now().getTime() + ttlMs) : null;
    await deps.prisma.conversationState.upsert({
      where: { key },
      create: { key, value: value as object, expiresAt },
      update: { value: value as object, expiresAt },
    });
    // A value can be a 1 MiB piece of a pending file: Prisma's debug history must not keep it.
    forgetQueryArgs();
  },
  delete: async (key) => {
    await deps.prisma.conversationState.deleteMany({ where: { key } });
  },
});

/**
 * Records that an incoming update was handled. Returns false when it already was (a platform
 * re-delivery, a webhook retry): the caller then skips it.
 */
export const markUpdateProcessed = async (deps: Pick<CoreDeps, "prisma" | "clock">, channel: Channel, updateKey: string): Promise<boolean> => {
  const r = await deps.prisma.processedUpdate.createMany({ data: [{ channel, updateKey, processedAt: deps.clock.now() }], skipDuplicates: true });
  return r.count === 1;
};

/** Forgets processed updates older than `olderThan` (platforms stop re-delivering after a day). */
export const pruneProcessedUpdates = async (deps: Pick<CoreDeps, "prisma">, olderThan: Date): Promise<number> =>
  (await deps.prisma.processedUpdate.deleteMany({ where: { processedAt: { lt: olderThan } } })).count;

// === Updates answered before they are handled (a webhook that answers at once)

/** An update recorded by {@link recordPendingUpdate}, not yet handled. */
export type PendingUpdate = { updateKey: string; payload: unknown; receivedAt: Date };

/**
 * Records an incoming update before the platform gets its answer, so that a crash before it is
 * handled loses nothing (the next start replays it). Returns false when it was already recorded
 * (a redelivery) or already handled (a ProcessedUpdate row): the caller then skips it.
 */
export const recordPendingUpdate = async (deps: Pick<CoreDeps, "prisma" | "clock">, channel: Channel, updateKey: string, payload: unknown): Promise<boolean> => {
  const done = await deps.prisma.processedUpdate.findUnique({ where: { channel_updateKey: { channel, updateKey } }, select: { updateKey: true } });
  if (done) return false;
  const r = await deps.prisma.pendingUpdate.createMany({ data: [{ channel, updateKey, payload: payload as object, receivedAt: deps.clock.now() }], skipDuplicates: true });
  return r.count === 1;
};

/** Forgets a pending update once handled (or refused for good). */
export const forgetPendingUpdate = async (deps: Pick<CoreDeps, "prisma">, channel: Channel, updateKey: string): Promise<void> => {
  await deps.prisma.pendingUpdate.deleteMany({ where: { channel, updateKey } });
};

/** The updates of a channel recorded but not handled, oldest first (to replay at start). */
export const listPendingUpdates = async (deps: Pick<CoreDeps, "prisma">, channel: Channel): Promise<PendingUpdate[]> =>
  deps.prisma.pendingUpdate.findMany({ where: { channel }, orderBy: [{ receivedAt: "asc" }, { updateKey: "asc" }], select: { updateKey: true, payload: true, receivedAt: true } });
