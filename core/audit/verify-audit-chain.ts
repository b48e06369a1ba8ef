import type { Db } from "../store/client.ts";
import { GENESIS_HASH, hashAuditEvent } from "./append-audit-event.ts";

export type AuditVerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; seq: bigint; reason: "prevHash" | "hash" };

const PAGE = 1000;

/**
 * Walks the audit log in order and recomputes every hash. Returns the first event that does not
 * match: its stored prevHash differs from the previous event's hash (a row was deleted, inserted or
 * reordered before it), or its own hash does not cover its content (the row was edited).
 */
export const verifyAuditChain = async (db: Db): Promise<AuditVerifyResult> => {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let after = -1n;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: PAGE });
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      count++;
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
