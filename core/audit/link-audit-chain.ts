// Links the audit log's new events into the hash chain.
//
// Writers append events unlinked (prevHash and hash null) under a shared advisory lock, so they
// never wait for one another (core/audit/append-audit-event.ts). The linker takes the same lock
// exclusively: it waits for the writers in flight to commit or roll back, and then every unlinked
// event is committed and no event with a smaller `seq` can still appear. It links them in `seq`
// order from the chain's head, hashing each event as read back from the table (what
// `verifyAuditChain` hashes). The linked events are therefore always a prefix of the log in `seq`
// order, and the unlinked ones the events written since the last run.
//
// It runs right after every commit that appended events (the commit hook, via the checkpointer,
// in every process), before a checkpoint is written, and before a verification.
import type { Db } from "../store/client.ts";
import { AUDIT_CHAIN_LOCK_KEY, GENESIS_HASH, hashAuditEvent } from "./append-audit-event.ts";

/** Events linked per transaction. */
const BATCH = 500;

/** True when the log's last event is unlinked (one indexed read; no lock). */
export const hasUnlinkedAuditEvents = async (db: Db): Promise<boolean> => {
  const last = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  return last !== null && last.hash === null;
};

/**
 * Links every committed unlinked event after the chain's head; returns how many it linked.
 * Unlinked events *before* the head (a hash erased by hand) are left as they are: the
 * verification reports them.
 */
export const linkAuditChain = async (db: Db): Promise<number> => {
  let linked = 0;
  for (;;) {
    const n = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
      const head = await tx.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
      const rows = await tx.auditEvent.findMany({
        where: { hash: null, ...(head ? { seq: { gt: head.seq } } : {}) },
        orderBy: { seq: "asc" },
        take: BATCH,
        select: { seq: true, at: true, orgId: true, actorUserId: true, type: true, entityType: true, entityId: true, data: true },
      });
      if (rows.length === 0) return 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const links: { seq: string; p: string; h: string }[] = [];
      for (const row of rows) {
        const hash = hashAuditEvent(prevHash, row);
        links.push({ seq: row.seq.toString(), p: prevHash, h: hash });
        prevHash = hash;
      }
      await tx.$executeRawUnsafe(
        `UPDATE "AuditEvent" AS e SET "prevHash" = v.p, "hash" = v.h
         FROM jsonb_to_recordset($1::text::jsonb) AS v(seq text, p text, h text)
         WHERE e."seq" = v.seq::bigint AND e."hash" IS NULL`,
        JSON.stringify(links),
      );
      return rows.length;
    });
    linked += n;
    if (n < BATCH) return linked;
  }
};
