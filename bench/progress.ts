// Benchmark: progress reports (a unit head reports progress on the unit's main assignment with a
// text, no file) through the core (reportProgress; the checkpointer links the audit rows into the
// chain after the commits, counted in the core's time) on PostgreSQL, against the bare SQL a progress
// report needs, sent through `pg` directly with the same concurrency (10 in parallel, pools of 10):
//   BEGIN; the compare-and-set UPDATE of "Assignment" (in progress, the reminder columns the policy
//   plans next, computed in this process as the core does); INSERT "Report"; INSERT "AuditEvent"
//   (assignment.progressReported); INSERT the leader's "OutboxMessage"; COMMIT.
// Every assignment has a document and directive of its own (as in complete.ts). Measured like
// acks.ts (bench/support/core-vs-bare.ts).
//
// Run alone: node --import tsx bench/progress.ts
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { reportProgress } from "../core/assignments/report-progress.ts";
import { GENESIS_HASH, auditContentOf, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { loadReminderContext } from "../core/reminders/reminder-context.ts";
import { computeReminderState } from "../core/reminders/schedule-reminder.ts";
import { coreVsBareReport, measureCoreVsBare, passLayout, onPooledClient } from "./support/core-vs-bare.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { buildBenchOrg, insertOwnAssignments } from "./support/org.ts";
import { pgTimestamp } from "./support/pg.ts";
import { roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const TEXT = "Đã làm việc với các xã, đang tổng hợp số liệu; dự kiến trình dự thảo ngày 10/12.";

export type ProgressBenchOptions = { count?: number; sequentialCount?: number; concurrency?: number; warmup?: number };

export const runProgressBench = async (options: ProgressBenchOptions = {}): Promise<BenchResult> => {
  const o = {
    count: options.count ?? 1000,
    sequentialCount: options.sequentialCount ?? 300,
    concurrency: options.concurrency ?? 10,
    warmup: options.warmup ?? 1000,
    rounds: 4,
    countedOps: 50,
  };
  const at = passLayout(o);
  const bench = await openCoreBench("progress", o.concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const year = new Date().getUTCFullYear();
    const headIds = org.unitIds.map((u) => org.heads.find((h) => h.unitId === u)!.userId);
    const setup = new pg.Client({ connectionString: bdb.url });
    await setup.connect();
    await insertOwnAssignments(setup, org, headIds, { prefix: "p", total: at.total, year });
    await setup.query(`ANALYZE`);
    // The assignments' fixed columns, for the bare side's reminder computation.
    const fixed = (
      await setup.query<{ sentAt: Date; dueAt: Date }>(`SELECT "sentAt" AT TIME ZONE 'UTC' AS "sentAt", "dueAt" AT TIME ZONE 'UTC' AS "dueAt" FROM "Assignment" LIMIT 1`)
    ).rows[0]!;
    await setup.end();
    const { calendar, policy } = await loadReminderContext(deps, { orgId: org.orgId });
    const actorOf = (n: number) => headIds[n % headIds.length]!;

    const core = async (n: number) => {
      await reportProgress(deps, { actorUserId: actorOf(n), assignmentId: `pasg-${n}`, text: TEXT });
    };
    const bare = async (n: number) => {
      return onPooledClient(pgPool, async (c) => {
        const now = new Date();
        const actor = actorOf(n);
        const assignmentId = `pasg-${n}`;
        const reportId = randomUUID();
        const state = computeReminderState({
          assignment: {
            status: "IN_PROGRESS",
            role: "MAIN",
            urgency: "NORMAL",
            sentAt: fixed.sentAt,
            acknowledgedAt: fixed.sentAt,
            dueAt: fixed.dueAt,
            isPaper: false,
            lastReminderAt: null,
          },
          calendar,
          policy,
          now,
        });
        await c.query("BEGIN");
        const upd = await c.query(
          `UPDATE "Assignment" SET "status" = 'IN_PROGRESS', "acknowledgedAt" = COALESCE("acknowledgedAt", $2), "acknowledgedById" = COALESCE("acknowledgedById", $3),
                  "nextReminderAt" = $4, "reminderStep" = $5, "escalationLevel" = $6, "updatedAt" = $2
           WHERE "id" = $1 AND "status" IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PROGRESS')`,
          [assignmentId, pgTimestamp(now), actor, state.nextReminderAt && pgTimestamp(state.nextReminderAt), state.reminderStep, state.escalationLevel],
        );
        if (upd.rowCount !== 1) throw new Error(`bare progress ${n}: compare-and-set matched ${upd.rowCount}`);
        await c.query(`INSERT INTO "Report" ("id","assignmentId","kind","text","authorId","createdAt") VALUES ($1, $2, 'PROGRESS', $3, $4, $5)`, [
          reportId,
          assignmentId,
          TEXT,
          actor,
          pgTimestamp(now),
        ]);
        const e = auditContentOf({
          type: "assignment.progressReported",
          at: now,
          orgId: org.orgId,
          actorUserId: actor,
          entityType: "Assignment",
          entityId: assignmentId,
          data: { reportId, sha256: null },
        });
        await c.query(`INSERT INTO "AuditEvent" ("at","orgId","actorUserId","type","entityType","entityId","data","prevHash","hash") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, [
          pgTimestamp(e.at),
          e.orgId,
          e.actorUserId,
          e.type,
          e.entityType,
          e.entityId,
          e.data,
          GENESIS_HASH,
          hashAuditEvent(GENESIS_HASH, e),
        ]);
        await c.query(
          `INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt") VALUES ($1, $2, $3, 'assignment.progress', $4, 'NORMAL', $5, $5) ON CONFLICT DO NOTHING`,
          [randomUUID(), `rep:${reportId}:${org.leaderId}`, org.leaderId, { assignmentId, reportId }, pgTimestamp(now)],
        );
        await c.query("COMMIT");
      });
    };

    const figures = await measureCoreVsBare({
      name: "progress",
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
      inProgress: await one(`SELECT count(*) AS c FROM "Assignment" WHERE "status" = 'IN_PROGRESS' AND "reminderStep" IS NOT NULL`),
      reports: await one(`SELECT count(*) AS c FROM "Report" WHERE "kind" = 'PROGRESS'`),
      audits: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" = 'assignment.progressReported'`),
      outbox: await one(`SELECT count(*) AS c FROM "OutboxMessage" WHERE "kind" = 'assignment.progress'`),
      unlinked: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`),
    };
    await check.end();
    const want = { inProgress: at.total, reports: at.total, audits: at.total, outbox: at.total, unlinked: 0 };
    if (JSON.stringify(found) !== JSON.stringify(want)) throw new Error(`progress: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);

    const { metrics, comparisons } = coreVsBareReport("report", figures, o, "bare 6 statements via pg");
    return {
      name: "progress",
      metrics: roundAll(metrics),
      comparisons,
      notes: [
        `progress: ${o.count} per parallel pass at concurrency ${o.concurrency} in ${o.rounds} alternating rounds after ${o.warmup} per side to warm up (Prisma pool ${o.concurrency}, pg.Pool ${o.concurrency}); ${o.sequentialCount} per sequential pass; statements counted over ${o.countedOps} sequential reports per side; PostgreSQL; checked: every assignment IN_PROGRESS with a reminder planned, its report, audit row and the leader's outbox row, every audit row linked`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--count");
  const result = await runProgressBench(i >= 0 ? { count: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
