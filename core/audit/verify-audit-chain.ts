import type { Db } from "../store/client.ts";
import { GENESIS_HASH, hashAuditEvent } from "./append-audit-event.ts";
import { linkAuditChain } from "./link-audit-chain.ts";
import { checkAuditCheckpoint, type AuditCheckpointStore, type CheckpointCheck } from "./audit-checkpoint.ts";

export type AuditVerifyResult =
  | { ok: true; count: number; checkpoint?: CheckpointCheck }
  /** The chain breaks at `seq` (an event was edited, or deleted, inserted or reordered before it). */
  | { ok: false; count: number; seq: bigint; reason: "prevHash" | "hash"; checkpoint?: CheckpointCheck }
  /** The chain is intact but does not reach the stored checkpoint, or the checkpoint is not authentic. */
  | { ok: false; count: number; reason: "checkpoint"; checkpoint: CheckpointCheck };

export type AuditVerifyOptions = {
  /**
   * Link the events appended since the last link first (link-audit-chain.ts), so that they are
   * verified too. Without it, a tail of unlinked events is counted but not verified.
   * @defaultValue true
   */
  link?: boolean;
  /** Where the chain's head was checkpointed (see audit-checkpoint.ts): a cut-off tail is caught there. */
  checkpoints?: AuditCheckpointStore;
};

const PAGE = 1000;

/**
 * Links the events appended since the last link (unless `link: false`), then walks the audit log in
 * order and recomputes every hash. Returns the first event that does not
 * match: its stored prevHash differs from the previous event's hash (a row was deleted, inserted or
 * reordered before it), or its own hash does not cover its content (the row was edited).
 *
 * A chain cannot show that its last events were deleted; with `checkpoints`, the table is also
 * compared with the latest signed checkpoint of its head (`checkpoint` in the result; with no
 * checkpoint stored yet, `{ status: "none" }` and the result is the chain's alone).
 */
export const verifyAuditChain = async (db: Db, options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> => {
  if (options.link !== false) await linkAuditChain(db);
  const chain = await verifyChain(db);
  if (!options.checkpoints) return chain;
  const checkpoint = await checkAuditCheckpoint(db, options.checkpoints);
  if (!chain.ok) return { ...chain, checkpoint };
  if (checkpoint.status === "none" || checkpoint.status === "matched") return { ...chain, checkpoint };
  return { ok: false, count: chain.count, reason: "checkpoint", checkpoint };
};

const verifyChain = async (db: Db): Promise<Extract<AuditVerifyResult, { ok: true } | { reason: "prevHash" | "hash" }>> => {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let after = -1n;
  let unlinkedFrom: bigint | null = null;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: PAGE });
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      count++;
      if (row.hash === null) {
        // Unlinked: fine at the tail (appended since the last link), not before a linked event.
        unlinkedFrom ??= row.seq;
        after = row.seq;
        continue;
      }
      if (unlinkedFrom !== null) return { ok: false, count, seq: unlinkedFrom, reason: "hash" };
      if (row.prevHash !== prevHash) return { ok: false, count, seq: row.seq, reason: "prevHash" };
      const expected = hashAuditEvent(prevHash, {
        at: row.at,
        orgId: row.orgId,
        actorUserId: row.actorUserId,
        type: row.type,
        entityType: row.entityType,
        entityId: row.entityId,
        data: row.data,
      });
      if (expected !== row.hash) return { ok: false, count, seq: row.seq, reason: "hash" };
      prevHash = row.hash;
      after = row.seq;
    }
  }
};
