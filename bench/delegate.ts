// Benchmark: delegations (a unit head hands the unit's main assignment to an officer of the unit,
// named by user code, with the unit's deadline) through the core (delegateAssignment; the
// checkpointer links the audit rows into the chain after the commits, counted in the core's time) on
// PostgreSQL, against the bare SQL a delegation needs, sent through `pg` directly with the same
// concurrency (10 in parallel, pools of 10):
//   the officer by code (SELECT from "User"); BEGIN; INSERT the officer's "Assignment" (its reminder
//   columns computed in this process, as the core does); the compare-and-set UPDATE of the unit's
//   "Assignment" (in progress, its reminder columns); INSERT "AuditEvent" (assignment.delegated);
//   INSERT the officer's "OutboxMessage"; COMMIT.
// Every assignment has a document and directive of its own (as in complete.ts); each unit has one
// officer. Measured like acks.ts (bench/support/core-vs-bare.ts).
//
// Run alone: node --import tsx bench/delegate.ts
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { delegateAssignment } from "../core/assignments/delegate-assignment.ts";
import { GENESIS_HASH, auditContentOf, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { loadReminderContext } from "../core/reminders/reminder-context.ts";
import { computeReminderState } from "../core/reminders/schedule-reminder.ts";
import { coreVsBareReport, measureCoreVsBare, passLayout, onPooledClient } from "./support/core-vs-bare.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { buildBenchOrg, insertOwnAssignments } from "./support/org.ts";
import { pgTimestamp } from "./support/pg.ts";
import { roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);

export type DelegateBenchOptions = { count?: number; sequentialCount?: number; concurrency?: number; warmup?: number };

export const runDelegateBench = async (options: DelegateBenchOptions = {}): Promise<BenchResult> => {
  const o = {
    count: options.count ?? 1000,
    sequentialCount: options.sequentialCount ?? 300,
    concurrency: options.concurrency ?? 10,
    warmup: options.warmup ?? 1000,
    rounds: 4,
    countedOps: 50,
  };
  const at = passLayout(o);
  const bench = await openCoreBench("delegate", o.concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const year = new Date().getUTCFullYear();
    const headIds = org.unitIds.map((u) => org.heads.find((h) => h.unitId === u)!.userId);
    // One officer per unit: cv01 in P01, cv02 in P02, …
    const officerCodes = org.unitCodes.map((code) => `cv${code.slice(1)}`);
    await db.prisma.user.createMany({
      data: org.unitIds.map((unitId, i) => ({ orgId: org.orgId, code: officerCodes[i]!, name: `Chuyên viên ${officerCodes[i]!}`, unitId, roles: ["OFFICER" as const] })),
    });
    const setup = new pg.Client({ connectionString: bdb.url });
    await setup.connect();
    await insertOwnAssignments(setup, org, headIds, { prefix: "g", total: at.total, year });
    await setup.query(`ANALYZE`);
    const fixed = (
      await setup.query<{ sentAt: Date; dueAt: Date }>(`SELECT "sentAt" AT TIME ZONE 'UTC' AS "sentAt", "dueAt" AT TIME ZONE 'UTC' AS "dueAt" FROM "Assignment" LIMIT 1`)
    ).rows[0]!;
    await setup.end();
    const { calendar, policy } = await loadReminderContext(deps, { orgId: org.orgId });
    const actorOf = (n: number) => headIds[n % headIds.length]!;
    const officerOf = (n: number) => officerCodes[n % officerCodes.length]!;

    const core = async (n: number) => {
      await delegateAssignment(deps, { actorUserId: actorOf(n), assignmentId: `gasg-${n}`, officerUserCode: officerOf(n) });
    };
    const bare = async (n: number) => {
      return onPooledClient(pgPool, async (c) => {
        const now = new Date();
        const actor = actorOf(n);
        const parentId = `gasg-${n}`;
        const officer = (
          await c.query<{ id: string; code: string; unitId: string }>(
            `SELECT "id", "code", "unitId" FROM "User" WHERE "orgId" = $1 AND lower("code") = lower($2) AND "active" LIMIT 1`,
            [org.orgId, officerOf(n)],
          )
        ).rows[0];
        if (!officer) throw new Error(`bare delegate ${n}: no officer ${officerOf(n)}`);
        const childId = randomUUID();
        const ref = `D${n + 1}/${year}-${org.unitCodes[n % org.unitCodes.length]!}-${officer.code}`;
        const reminder = (status: "ASSIGNED" | "IN_PROGRESS", sentAt: Date, acknowledgedAt: Date | null) =>
          computeReminderState({
            assignment: { status, role: "MAIN", urgency: "NORMAL", sentAt, acknowledgedAt, dueAt: fixed.dueAt, isPaper: false, lastReminderAt: null },
            calendar,
            policy,
            now,
          });
        const child = reminder("ASSIGNED", now, null);
        const parent = reminder("IN_PROGRESS", fixed.sentAt, fixed.sentAt);
        const ts = (d: Date | null) => d && pgTimestamp(d);
        await c.query("BEGIN");
        await c.query(
          `INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","ref","dueAt","originalDueAt","parentId","assigneeUserId","nextReminderAt","reminderStep","escalationLevel","sentAt","createdAt","updatedAt")
           VALUES ($1, $2, $3, $4, 'MAIN', $5, $6, $6, $7, $8, $9, $10, $11, $12, $12, $12)`,
          [
            childId,
            `gdir-${n}`,
            `gdoc-${n}`,
            officer.unitId,
            ref,
            ts(fixed.dueAt),
            parentId,
            officer.id,
            ts(child.nextReminderAt),
            child.reminderStep,
            child.escalationLevel,
            pgTimestamp(now),
          ],
        );
        const upd = await c.query(
          `UPDATE "Assignment" SET "status" = 'IN_PROGRESS', "acknowledgedAt" = COALESCE("acknowledgedAt", $2), "acknowledgedById" = COALESCE("acknowledgedById", $3),
                  "nextReminderAt" = $4, "reminderStep" = $5, "escalationLevel" = $6, "updatedAt" = $2
           WHERE "id" = $1 AND "status" IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PROGRESS')`,
          [parentId, pgTimestamp(now), actor, ts(parent.nextReminderAt), parent.reminderStep, parent.escalationLevel],
        );
        if (upd.rowCount !== 1) throw new Error(`bare delegate ${n}: compare-and-set matched ${upd.rowCount}`);
        const e = auditContentOf({
          type: "assignment.delegated",
          at: now,
          orgId: org.orgId,
          actorUserId: actor,
          entityType: "Assignment",
          entityId: childId,
          data: { parentId, ref, officerId: officer.id, dueAt: fixed.dueAt.toISOString(), note: null },
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
          `INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt") VALUES ($1, $2, $3, 'assignment.new', $4, 'NORMAL', $5, $5) ON CONFLICT DO NOTHING`,
          [randomUUID(), `asg:${childId}:assignment.new:${officer.id}`, officer.id, { assignmentId: childId }, pgTimestamp(now)],
        );
        await c.query("COMMIT");
      });
    };

    const figures = await measureCoreVsBare({
      name: "delegate",
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
      parents: await one(`SELECT count(*) AS c FROM "Assignment" WHERE "parentId" IS NULL AND "status" = 'IN_PROGRESS' AND "reminderStep" IS NOT NULL`),
      children: await one(`SELECT count(*) AS c FROM "Assignment" WHERE "parentId" IS NOT NULL AND "status" = 'ASSIGNED' AND "reminderStep" IS NOT NULL`),
      audits: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" = 'assignment.delegated'`),
      outbox: await one(`SELECT count(*) AS c FROM "OutboxMessage" WHERE "kind" = 'assignment.new'`),
      unlinked: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`),
    };
    await check.end();
    const want = { parents: at.total, children: at.total, audits: at.total, outbox: at.total, unlinked: 0 };
    if (JSON.stringify(found) !== JSON.stringify(want)) throw new Error(`delegate: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);

    const { metrics, comparisons } = coreVsBareReport("delegation", figures, o, "bare 7 statements via pg");
    return {
      name: "delegate",
      metrics: roundAll(metrics),
      comparisons,
      notes: [
        `delegate: ${o.count} per parallel pass at concurrency ${o.concurrency} in ${o.rounds} alternating rounds after ${o.warmup} per side to warm up (Prisma pool ${o.concurrency}, pg.Pool ${o.concurrency}); ${o.sequentialCount} per sequential pass; statements counted over ${o.countedOps} sequential delegations per side; PostgreSQL; checked: every unit's assignment IN_PROGRESS and every officer's ASSIGNED, both with a reminder planned, the audit row and the officer's outbox row, every audit row linked`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--count");
  const result = await runDelegateBench(i >= 0 ? { count: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
