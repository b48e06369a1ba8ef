// Benchmark: directives (a leader directs a registered document without a directive to `units` units:
// one main, the rest coordinating, a deadline in 10 working days) through the core (issueDirective; the
// checkpointer links the audit rows into the chain after the commits, counted in the core's time) on
// PostgreSQL, against the bare SQL a directive needs, sent through `pg` directly with the same
// concurrency (pools of the same size):
//   BEGIN; INSERT "Directive"; one INSERT "Assignment" of `units` rows (deadlines and first reminders
//   given); one INSERT "AuditEvent" of `units` + 1 rows (assignment.created each, directive.issued);
//   one INSERT "OutboxMessage" of a row per unit head; UPDATE "Document" to ASSIGNED with the main
//   deadline; the interchange's status-04 INSERT … SELECT from "InterchangePackage" (no package here:
//   no row); COMMIT.
// The bare side knows the units, their heads and the reminder times (it looks nothing up); the core
// reads them. Every document is registered beforehand (no scan: nothing to re-stamp).
// Measured like complete.ts (bench/support/core-vs-bare.ts): warm-up, alternating parallel rounds,
// Node and PostgreSQL CPU per directive, a sequential pass, statements per directive.
//
// Run alone: node --import tsx bench/issue.ts [--units 60]
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { GENESIS_HASH, auditContentOf, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { issueDirective } from "../core/directives/issue-directive.ts";
import { t } from "../core/messages/index.ts";
import { coreVsBareReport, measureCoreVsBare, passLayout, onPooledClient } from "./support/core-vs-bare.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { buildBenchOrg } from "./support/org.ts";
import { pgTimestamp } from "./support/pg.ts";
import { roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const TEXT = "Giao phòng chủ trì, các phòng phối hợp tham mưu UBND thành phố trả lời trước hạn.";

export type IssueBenchOptions = { units?: number; count?: number; sequentialCount?: number; concurrency?: number; warmup?: number; countedOps?: number };

export const runIssueBench = async (options: IssueBenchOptions = {}): Promise<BenchResult> => {
  const units = options.units ?? 5;
  const big = units > 10;
  const o = {
    count: options.count ?? (big ? 100 : 600),
    sequentialCount: options.sequentialCount ?? (big ? 30 : 150),
    concurrency: options.concurrency ?? 10,
    warmup: options.warmup ?? (big ? 30 : 300),
    rounds: 4,
    countedOps: options.countedOps ?? (big ? 5 : 20),
  };
  const name = big ? `issue${units}` : "issue";
  const at = passLayout(o);
  const bench = await openCoreBench(name, o.concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units, headsPerUnit: 1 });
    const year = new Date().getUTCFullYear();
    const headOf = new Map(org.heads.map((h) => [h.unitId, h.userId]));
    // One registered document per operation: id idoc-<n>, ref D<n+1>/<year>.
    const setup = new pg.Client({ connectionString: bdb.url });
    await setup.connect();
    await setup.query(
      `INSERT INTO "Document" ("id","orgId","direction","registerBook","registerYear","registerNumber","ref","docType","issuer","subject","status","createdById","arrivalAt","createdAt","updatedAt")
       SELECT 'idoc-' || n, $1, 'IN', 'IN', $2::int, n + 1, 'D' || (n + 1) || '/' || $2::text, 'Công văn', 'Sở Tài chính', 'Benchmark ' || n, 'REGISTERED', $3, d.now, d.now, d.now
       FROM generate_series(0, ${at.total - 1}) AS n, (SELECT now() AT TIME ZONE 'UTC' AS now) AS d`,
      [org.orgId, year, org.clerkId],
    );
    await setup.query(`ANALYZE`);
    await setup.end();

    const core = async (n: number) => {
      await issueDirective(deps, {
        actorUserId: org.leaderId,
        documentId: `idoc-${n}`,
        text: TEXT,
        main: org.unitCodes[0]!,
        coordinate: org.unitCodes.slice(1),
        due: { workingDays: 10 },
      });
    };
    const status04 = t("vi", "interchange.status.04", { unit: "Phòng 01" });
    const bare = async (n: number) => {
      return onPooledClient(pgPool, async (c) => {
        const now = new Date();
        const ts = pgTimestamp(now);
        const due = pgTimestamp(new Date(now.getTime() + 14 * 86_400_000));
        const remind = pgTimestamp(new Date(now.getTime() + 4 * 3_600_000));
        const documentId = `idoc-${n}`;
        const docRef = `D${n + 1}/${year}`;
        const directiveId = randomUUID();
        const asg = org.unitIds.map((unitId, i) => ({ id: randomUUID(), unitId, code: org.unitCodes[i]!, role: i === 0 ? "MAIN" : "COORDINATE" }));
        await c.query("BEGIN");
        await c.query(`INSERT INTO "Directive" ("id","documentId","authorId","enteredById","text","createdAt") VALUES ($1, $2, $3, $3, $4, $5)`, [
          directiveId,
          documentId,
          org.leaderId,
          TEXT,
          ts,
        ]);
        await c.query(
          `INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","ref","dueAt","originalDueAt","isPaper","sentAt","createdAt","updatedAt","nextReminderAt","reminderStep")
           SELECT a."id", $1, $2, a."unitId", a."role"::"AssignmentRole", a."ref", $3, $3, false, $4, $4, $4, $5, 'ACK_REMINDER'
           FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) AS a("id","unitId","role","ref")`,
          [directiveId, documentId, due, ts, remind, asg.map((a) => a.id), asg.map((a) => a.unitId), asg.map((a) => a.role), asg.map((a) => `${docRef}-${a.code}`)],
        );
        const events = [
          ...asg.map((a) =>
            auditContentOf({
              type: "assignment.created",
              at: now,
              orgId: org.orgId,
              actorUserId: org.leaderId,
              entityType: "Assignment",
              entityId: a.id,
              data: { ref: `${docRef}-${a.code}`, unit: a.code, role: a.role, dueAt: due, isPaper: false },
            }),
          ),
          auditContentOf({
            type: "directive.issued",
            at: now,
            orgId: org.orgId,
            actorUserId: org.leaderId,
            entityType: "Directive",
            entityId: directiveId,
            data: { documentId, authorId: org.leaderId, enteredById: org.leaderId, supersedesId: null, units: asg.map((a) => `${a.code}:${a.role}`) },
          }),
        ];
        await c.query(
          `INSERT INTO "AuditEvent" ("at","orgId","actorUserId","type","entityType","entityId","data","prevHash","hash")
           SELECT $1, $2, $3, e."type", e."entityType", e."entityId", e."data"::jsonb, $4, e."hash"
           FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS e("type","entityType","entityId","data","hash", "ord") ORDER BY e."ord"`,
          [
            ts,
            org.orgId,
            org.leaderId,
            GENESIS_HASH,
            events.map((e) => e.type),
            events.map((e) => e.entityType),
            events.map((e) => e.entityId),
            events.map((e) => JSON.stringify(e.data)),
            events.map((e) => hashAuditEvent(GENESIS_HASH, e)),
          ],
        );
        await c.query(
          `INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
           SELECT gen_random_uuid()::text, 'asg:' || m."asg" || ':assignment.new:' || m."userId", m."userId", 'assignment.new', jsonb_build_object('assignmentId', m."asg"), 'NORMAL', $1, $1
           FROM unnest($2::text[], $3::text[]) AS m("asg","userId") ON CONFLICT DO NOTHING`,
          [ts, asg.map((a) => a.id), asg.map((a) => headOf.get(a.unitId)!)],
        );
        await c.query(`UPDATE "Document" SET "status" = 'ASSIGNED', "dueAt" = $2, "updatedAt" = $3 WHERE "id" = $1`, [documentId, due, ts]);
        await c.query(
          `INSERT INTO "InterchangeStatusMessage" ("id","dedupeKey","packageId","statusCode","description","toOrganId","responseCode","responseDate","responseDocumentId","nextAttemptAt","createdAt")
           SELECT gen_random_uuid()::text, p."id" || ':04', p."id", '04', $2, p."fromOrganId", p."codeNumber" || '/' || p."codeNotation", p."promulgationDate", p."edxmlDocumentId", $3, $3
           FROM "InterchangePackage" p WHERE p."documentId" = $1 AND p."state" = 'REGISTERED' AND p."codeNumber" IS NOT NULL AND p."codeNotation" IS NOT NULL AND p."promulgationDate" IS NOT NULL
           ON CONFLICT ("dedupeKey") DO NOTHING`,
          [documentId, status04, ts],
        );
        await c.query("COMMIT");
      });
    };

    const figures = await measureCoreVsBare({
      name,
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
      assigned: await one(`SELECT count(*) AS c FROM "Document" WHERE "status" = 'ASSIGNED'`),
      directives: await one(`SELECT count(*) AS c FROM "Directive"`),
      assignments: await one(`SELECT count(*) AS c FROM "Assignment"`),
      audits: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" IN ('assignment.created', 'directive.issued')`),
      outbox: await one(`SELECT count(*) AS c FROM "OutboxMessage" WHERE "kind" = 'assignment.new'`),
      unlinked: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`),
    };
    await check.end();
    const want = { assigned: at.total, directives: at.total, assignments: units * at.total, audits: (units + 1) * at.total, outbox: units * at.total, unlinked: 0 };
    if (JSON.stringify(found) !== JSON.stringify(want)) throw new Error(`${name}: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);

    const { metrics, comparisons } = coreVsBareReport("directive", figures, o, "bare 8 statements via pg");
    return {
      name,
      metrics: roundAll({ units, ...metrics }),
      comparisons,
      notes: [
        `${name}: directives to ${units} units (1 main, ${units - 1} coordinating, one head each); ${o.count} per parallel pass at concurrency ${o.concurrency} in ${o.rounds} alternating rounds after ${o.warmup} per side to warm up (Prisma pool ${o.concurrency}, pg.Pool ${o.concurrency}); ${o.sequentialCount} per sequential pass; statements counted over ${o.countedOps} sequential directives per side; PostgreSQL; checked: every document ASSIGNED with its directive, ${units} assignments, ${units + 1} audit rows and ${units} outbox rows, every audit row linked`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--units");
  const result = await runIssueBench(i >= 0 ? { units: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
