// Benchmark: completions (a unit head completes the unit's main assignment with a text report, no
// file) through the core (completeAssignment; the checkpointer links the audit rows into the chain
// after the commits, counted in the core's time) on PostgreSQL, against the bare SQL a completion
// needs, sent through `pg` directly with the same concurrency (10 in parallel, pools of 10):
//   BEGIN; the compare-and-set UPDATE of "Assignment" (completed, reminders off, acknowledged if it
//   was not); UPDATE "Document" to DONE; INSERT "Report"; INSERT two "AuditEvent" rows
//   (assignment.completed, document.done); INSERT the leader's "OutboxMessage"; the interchange's
//   status-06 INSERT … SELECT from "InterchangePackage" (no package here: no row); COMMIT.
// Every assignment has a document and directive of its own (each completion closes its document).
// Measured like acks.ts (bench/support/core-vs-bare.ts): warm-up, alternating parallel rounds, Node
// and PostgreSQL CPU per completion, a sequential pass, statements per completion.
//
// Run alone: node --import tsx bench/complete.ts
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { completeAssignment } from "../core/assignments/complete-assignment.ts";
import { GENESIS_HASH, auditContentOf, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { t } from "../core/messages/index.ts";
import { coreVsBareReport, measureCoreVsBare, passLayout, onPooledClient } from "./support/core-vs-bare.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { buildBenchOrg, insertOwnAssignments } from "./support/org.ts";
import { pgTimestamp } from "./support/pg.ts";
import { roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const TEXT = "Đã tham mưu văn bản trả lời số 12/UBND-TCKH, trình lãnh đạo ký ngày 10/12.";

export type CompleteBenchOptions = { count?: number; sequentialCount?: number; concurrency?: number; warmup?: number };

export const runCompleteBench = async (options: CompleteBenchOptions = {}): Promise<BenchResult> => {
  const o = {
    count: options.count ?? 1000,
    sequentialCount: options.sequentialCount ?? 300,
    concurrency: options.concurrency ?? 10,
    warmup: options.warmup ?? 1000,
    rounds: 4,
    countedOps: 50,
  };
  const at = passLayout(o);
  const bench = await openCoreBench("complete", o.concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const now = new Date();
    const year = now.getUTCFullYear();
    const headIds = org.unitIds.map((u) => org.heads.find((h) => h.unitId === u)!.userId);
    // One document, directive and acknowledged MAIN assignment per operation: ids c{doc,dir,asg}-<n>.
    const setup = new pg.Client({ connectionString: bdb.url });
    await setup.connect();
    await insertOwnAssignments(setup, org, headIds, { prefix: "c", total: at.total, year });
    await setup.query(`ANALYZE`);
    await setup.end();
    const actorOf = (n: number) => headIds[n % headIds.length]!;

    const core = async (n: number) => {
      await completeAssignment(deps, { actorUserId: actorOf(n), assignmentId: `casg-${n}`, text: TEXT });
    };
    const status06 = t("vi", "interchange.status.06", { unit: "" });
    const bare = async (n: number) => {
      return onPooledClient(pgPool, async (c) => {
        const now = new Date();
        const actor = actorOf(n);
        const assignmentId = `casg-${n}`;
        const documentId = `cdoc-${n}`;
        const ref = `D${n + 1}/${year}`;
        const reportId = randomUUID();
        await c.query("BEGIN");
        const upd = await c.query(
          `UPDATE "Assignment" SET "status" = 'COMPLETED', "completedAt" = $2, "completedById" = $3, "nextReminderAt" = NULL, "reminderStep" = NULL,
                  "acknowledgedAt" = COALESCE("acknowledgedAt", $2), "acknowledgedById" = COALESCE("acknowledgedById", $3), "updatedAt" = $2
           WHERE "id" = $1 AND "status" IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PROGRESS')`,
          [assignmentId, pgTimestamp(now), actor],
        );
        if (upd.rowCount !== 1) throw new Error(`bare complete ${n}: compare-and-set matched ${upd.rowCount}`);
        const doc = await c.query(`UPDATE "Document" SET "status" = 'DONE', "updatedAt" = $2 WHERE "id" = $1 AND "status" IN ('ASSIGNED', 'IN_PROGRESS')`, [
          documentId,
          pgTimestamp(now),
        ]);
        await c.query(`INSERT INTO "Report" ("id","assignmentId","kind","text","authorId","createdAt") VALUES ($1, $2, 'COMPLETION', $3, $4, $5)`, [
          reportId,
          assignmentId,
          TEXT,
          actor,
          pgTimestamp(now),
        ]);
        const events = [
          auditContentOf({
            type: "assignment.completed",
            at: now,
            orgId: org.orgId,
            actorUserId: actor,
            entityType: "Assignment",
            entityId: assignmentId,
            data: { ref, reportId, sha256: null, late: false },
          }),
          ...(doc.rowCount === 1
            ? [auditContentOf({ type: "document.done", at: now, orgId: org.orgId, actorUserId: actor, entityType: "Document", entityId: documentId, data: { ref } })]
            : []),
        ];
        const values = events.map((_, i) => `(${Array.from({ length: 9 }, (_, j) => `$${i * 9 + j + 1}`).join(",")})`).join(",");
        await c.query(
          `INSERT INTO "AuditEvent" ("at","orgId","actorUserId","type","entityType","entityId","data","prevHash","hash") VALUES ${values}`,
          events.flatMap((e) => [pgTimestamp(e.at), e.orgId, e.actorUserId, e.type, e.entityType, e.entityId, e.data, GENESIS_HASH, hashAuditEvent(GENESIS_HASH, e)]),
        );
        await c.query(
          `INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt") VALUES ($1, $2, $3, 'assignment.completed', $4, 'NORMAL', $5, $5) ON CONFLICT DO NOTHING`,
          [randomUUID(), `rep:${reportId}:${org.leaderId}`, org.leaderId, { assignmentId, reportId }, pgTimestamp(now)],
        );
        await c.query(
          `INSERT INTO "InterchangeStatusMessage" ("id","dedupeKey","packageId","statusCode","description","toOrganId","responseCode","responseDate","responseDocumentId","nextAttemptAt","createdAt")
           SELECT gen_random_uuid()::text, p."id" || ':06', p."id", '06', $2, p."fromOrganId", p."codeNumber" || '/' || p."codeNotation", p."promulgationDate", p."edxmlDocumentId", $3, $3
           FROM "InterchangePackage" p WHERE p."documentId" = $1 AND p."state" = 'REGISTERED' AND p."codeNumber" IS NOT NULL AND p."codeNotation" IS NOT NULL AND p."promulgationDate" IS NOT NULL
           ON CONFLICT ("dedupeKey") DO NOTHING`,
          [documentId, status06, pgTimestamp(now)],
        );
        await c.query("COMMIT");
      });
    };

    const figures = await measureCoreVsBare({
      name: "complete",
      database: bdb,
      core: { op: core, afterPass: () => checkpointer.checkpoint() },
      bare: { op: bare },
      ...o,
    });

    await checkpointer.close();
    const check = new pg.Client({ connectionString: bdb.url });
    await check.connect();
    const one = async (sql: string) => Number((await check.query(sql)).rows[0].c);
    const found = {
      completed: await one(`SELECT count(*) AS c FROM "Assignment" WHERE "status" = 'COMPLETED'`),
      done: await one(`SELECT count(*) AS c FROM "Document" WHERE "status" = 'DONE'`),
      reports: await one(`SELECT count(*) AS c FROM "Report"`),
      audits: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" IN ('assignment.completed', 'document.done')`),
      outbox: await one(`SELECT count(*) AS c FROM "OutboxMessage" WHERE "kind" = 'assignment.completed'`),
      unlinked: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`),
    };
    await check.end();
    const want = { completed: at.total, done: at.total, reports: at.total, audits: 2 * at.total, outbox: at.total, unlinked: 0 };
    if (JSON.stringify(found) !== JSON.stringify(want)) throw new Error(`complete: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);

    const { metrics, comparisons } = coreVsBareReport("completion", figures, o, "bare 8 statements via pg");
    return {
      name: "complete",
      metrics: roundAll(metrics),
      comparisons,
      notes: [
        `complete: ${o.count} per parallel pass at concurrency ${o.concurrency} in ${o.rounds} alternating rounds after ${o.warmup} per side to warm up (Prisma pool ${o.concurrency}, pg.Pool ${o.concurrency}); ${o.sequentialCount} per sequential pass; statements counted over ${o.countedOps} sequential completions per side; PostgreSQL; checked: every assignment COMPLETED with its report, document DONE, 2 audit rows and the leader's outbox row, every audit row linked`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--count");
  const result = await runCompleteBench(i >= 0 ? { count: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
