// Links the audit log's new events into the hash chain.
//
// Writers append events unlinked (prevHash and hash null) under a shared advisory lock, so they
// never wait for one another (core/audit/append-audit-event.ts). The linker takes the same lock
// exclusively: it waits for the writers in flight to commit or roll back, and then every unlinked
// event is committed and no event with a smaller `seq` can still appear. It reads them under that
// lock and links them in `seq` order from the chain's head, hashing each event as read back from
// the table (what `verifyAuditChain` hashes). The linked events are therefore always a prefix of
// the log in `seq` order, and the unlinked ones the events written since the last run.
//
// Linkers exclude one another with a second advisory lock (`AUDIT_LINKER_LOCK_KEY`), always taken
// before the chain lock. On PostgreSQL the chain lock is held only while the batch is read (a
// session-level lock on one pooled connection): hashing and the UPDATE run after it is released,
// so writers wait for a read, not for the linking. On PGlite (one session, one process) the whole
// batch is one Prisma transaction.
//
// It runs right after every commit that appended events (the commit hook, via the checkpointer,
// in every process), before a checkpoint is written, and before a verification.
import type pg from "pg";
import type { Db } from "../store/client.ts";
import { directPoolOf, epochMs } from "../store/direct-sql.ts";
import { AUDIT_CHAIN_LOCK_KEY, GENESIS_HASH, hashAuditEvent, type AuditContent } from "./append-audit-event.ts";

/** Events linked per batch. */
const BATCH = 500;

/** Advisory lock that lets one linker at a time run (taken before the chain lock). */
export const AUDIT_LINKER_LOCK_KEY = 72041002;

/** True when the log's last event is unlinked (one indexed read; no lock). */
export const hasUnlinkedAuditEvents = async (db: Db): Promise<boolean> => {
  const last = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  return last !== null && last.hash === null;
};

type Link = { seq: string; p: string; h: string };

const UPDATE_LINKS = `UPDATE "AuditEvent" AS e SET "prevHash" = v.p, "hash" = v.h
   FROM jsonb_to_recordset($1::text::jsonb) AS v(seq text, p text, h text)
   WHERE e."seq" = v.seq::bigint AND e."hash" IS NULL`;

/** Hashes `rows` (in `seq` order) onto the chain whose head hash is `headHash`. */
const chainLinks = (headHash: string | null, rows: { seq: string; content: AuditContent }[]): Link[] => {
  let prevHash = headHash ?? GENESIS_HASH;
  return rows.map(({ seq, content }) => {
    const hash = hashAuditEvent(prevHash, content);
    const link = { seq, p: prevHash, h: hash };
    prevHash = hash;
    return link;
  });
};

/**
 * Links every committed unlinked event after the chain's head; returns how many it linked.
 * Unlinked events *before* the head (a hash erased by hand) are left as they are: the
 * verification reports them.
 */
export const linkAuditChain = async (db: Db): Promise<number> => {
  const pool = directPoolOf(db);
  return pool === null ? linkThroughPrisma(db) : linkThroughPool(pool);
};

const linkThroughPrisma = async (db: Db): Promise<number> => {
  let linked = 0;
  for (;;) {
    const n = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LINKER_LOCK_KEY})`);
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
      const head = await tx.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
      const rows = await tx.auditEvent.findMany({
        where: { hash: null, ...(head ? { seq: { gt: head.seq } } : {}) },
        orderBy: { seq: "asc" },
        take: BATCH,
        select: { seq: true, at: true, orgId: true, actorUserId: true, type: true, entityType: true, entityId: true, data: true },
      });
      if (rows.length === 0) return 0;
      const links = chainLinks(
        head?.hash ?? null,
        rows.map((row) => ({ seq: row.seq.toString(), content: row })),
      );
      await tx.$executeRawUnsafe(UPDATE_LINKS, JSON.stringify(links));
      return rows.length;
    });
    linked += n;
    if (n < BATCH) return linked;
  }
};

/** One event of a batch as READ_BATCH gives it: seq, at, orgId, actorUserId, type, entityType, entityId, data. */
type EventTuple = [string, number, string | null, string | null, string, string, string | null, unknown];

// The head's hash and the batch after it in one row, the batch as one JSON array (pg decodes each
// column of each row on its own: 500 rows of eight columns cost more than parsing one text). seq as
// text, `at` as epoch milliseconds (a timestamp without zone would come back in the process's zone),
// data as jsonb renders it (what `data::text` gives, then parsed).
const READ_BATCH = `
WITH head AS (SELECT "seq", "hash" FROM "AuditEvent" WHERE "hash" IS NOT NULL ORDER BY "seq" DESC LIMIT 1),
batch AS (
  SELECT e."seq", e."at", e."orgId", e."actorUserId", e."type", e."entityType", e."entityId", e."data" FROM "AuditEvent" e
  WHERE e."hash" IS NULL AND e."seq" > coalesce((SELECT "seq" FROM head), 0) ORDER BY e."seq" ASC LIMIT ${BATCH}
)
SELECT (SELECT "hash" FROM head) AS "headHash",
       (SELECT coalesce(json_agg(json_build_array(b."seq"::text, ${epochMs('b."at"')}, b."orgId", b."actorUserId", b."type", b."entityType", b."entityId", b."data")
                                 ORDER BY b."seq"), '[]')::text FROM batch b) AS "events"`;

const linkThroughPool = async (pool: pg.Pool): Promise<number> => {
  const client = await pool.connect();
  let clean = false;
  try {
    await client.query(`SELECT pg_advisory_lock(${AUDIT_LINKER_LOCK_KEY})`);
    let linked = 0;
    for (;;) {
      // Under the chain lock: no writer in flight, every unlinked event committed. Taken, the batch
      // read and released in one round trip (a multi-statement simple query; each statement reads a
      // fresh snapshot): writers wait for PostgreSQL's read only, never for this process's event loop
      // to send the unlock. Events appended after it get larger `seq`s. An error leaves the lock with
      // the session, which is then closed (below).
      const results = (await client.query(
        `SELECT pg_advisory_lock(${AUDIT_CHAIN_LOCK_KEY}); ${READ_BATCH}; SELECT pg_advisory_unlock(${AUDIT_CHAIN_LOCK_KEY})`,
      )) as unknown as pg.QueryResult[];
      const read = results[1]!.rows[0] as { headHash: string | null; events: string };
      const events = JSON.parse(read.events) as EventTuple[];
      if (events.length > 0) {
        const links = chainLinks(
          read.headHash,
          events.map(([seq, at, orgId, actorUserId, type, entityType, entityId, data]) => ({
            seq,
            content: { at: new Date(at), orgId, actorUserId, type, entityType, entityId, data },
          })),
        );
        await client.query(UPDATE_LINKS, [JSON.stringify(links)]);
      }
      linked += events.length;
      if (events.length < BATCH) break;
    }
    await client.query(`SELECT pg_advisory_unlock(${AUDIT_LINKER_LOCK_KEY})`);
    clean = true;
    return linked;
  } finally {
    // A connection left holding a session lock (an error above) is closed, which releases it.
    client.release(clean ? undefined : true);
  }
};
