// Benchmark: registrations of incoming documents (the agency's clerk, no scan: metadata with số and
// ký hiệu, so the duplicate check runs) through the core (registerIncomingDocument, whose direct path
// is one joined read and one statement, core/documents/register-direct.ts; the checkpointer links the
// audit rows after the commits, counted in the core's time) on PostgreSQL, against the
// bare SQL a registration needs, sent through `pg` with the same concurrency (10 in parallel, pools
// of 10):
//   the duplicate check (SELECT from "Document" by issuer, số/ký hiệu and date); BEGIN; the register
//   number (the "RegisterCounter" upsert, whose row lock queues concurrent registrations on both
//   sides); INSERT "Document"; INSERT "AuditEvent" (document.registered); INSERT the leaders'
//   "OutboxMessage" rows (INSERT … SELECT from "User"); COMMIT.
// Measured like acks.ts (bench/support/core-vs-bare.ts).
//
// Run alone: node --import tsx bench/register.ts
import { fileURLToPath } from "node:url";
import pg from "pg";
import { GENESIS_HASH, auditContentOf, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { registerIncomingDocument } from "../core/documents/register-incoming-document.ts";
import { documentSearchText } from "../core/documents/search-text.ts";
import { localDateOf, localDateToUtcMidnight } from "../core/time.ts";
import { coreVsBareReport, measureCoreVsBare, passLayout, onPooledClient } from "./support/core-vs-bare.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { buildBenchOrg } from "./support/org.ts";
import { pgTimestamp } from "./support/pg.ts";
import { roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);

export type RegisterBenchOptions = { count?: number; sequentialCount?: number; concurrency?: number; warmup?: number };

export const runRegisterBench = async (options: RegisterBenchOptions = {}): Promise<BenchResult> => {
  const o = {
    count: options.count ?? 1000,
    sequentialCount: options.sequentialCount ?? 300,
    concurrency: options.concurrency ?? 10,
    warmup: options.warmup ?? 1000,
    rounds: 4,
    countedOps: 50,
  };
  const at = passLayout(o);
  const bench = await openCoreBench("register", o.concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const zone = (await db.prisma.organization.findUniqueOrThrow({ where: { id: org.orgId }, select: { timeZone: true } })).timeZone;
    const ISSUED = "2026-12-01";
    const fields = (n: number) => ({
      docType: "Công văn",
      issuer: "Sở Tài chính",
      codeNumber: String(n + 1),
      codeNotation: "STC-NS",
      issuedDate: ISSUED,
      subject: `V/v bố trí kinh phí thực hiện nhiệm vụ ${n}`,
    });

    const core = async (n: number) => {
      await registerIncomingDocument(deps, { actorUserId: org.clerkId, ...fields(n), urgency: "NORMAL" });
    };
    const bare = async (n: number) => {
      const f = fields(n);
      return onPooledClient(pgPool, async (c) => {
        const now = new Date();
        const year = Number(localDateOf(now, zone).slice(0, 4));
        const issued = localDateToUtcMidnight(f.issuedDate);
        await c.query(
          `SELECT "id", "ref" FROM "Document" WHERE "orgId" = $1 AND "direction" = 'IN' AND lower("issuer") = lower($2) AND "codeNumber" = $3 AND "codeNotation" = $4 AND "issuedDate" = $5 LIMIT 5`,
          [org.orgId, f.issuer, f.codeNumber, f.codeNotation, issued.toISOString().slice(0, 10)],
        );
        await c.query("BEGIN");
        const number = Number(
          (
            await c.query<{ last: number }>(
              `INSERT INTO "RegisterCounter" ("orgId", "book", "year", "last") VALUES ($1, 'IN', $2, 1) ON CONFLICT ("orgId", "book", "year") DO UPDATE SET "last" = "RegisterCounter"."last" + 1 RETURNING "last"`,
              [org.orgId, year],
            )
          ).rows[0]!.last,
        );
        const ref = `D${number}/${year}`;
        const doc = await c.query<{ id: string }>(
          `INSERT INTO "Document" ("id","orgId","direction","registerBook","registerYear","registerNumber","ref","docType","codeNumber","codeNotation","issuer","issuedDate","subject","arrivalAt","urgency","secrecy","isPaperOnly","createdById","searchText","createdAt","updatedAt")
           VALUES (gen_random_uuid()::text, $1, 'IN', 'IN', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'NORMAL', 'NONE', false, $12, $13, $11, $11) RETURNING "id"`,
          [
            org.orgId,
            year,
            number,
            ref,
            f.docType,
            f.codeNumber,
            f.codeNotation,
            f.issuer,
            issued.toISOString().slice(0, 10),
            f.subject,
            pgTimestamp(now),
            org.clerkId,
            documentSearchText({ ref, ...f }),
          ],
        );
        const documentId = doc.rows[0]!.id;
        const e = auditContentOf({
          type: "document.registered",
          at: now,
          orgId: org.orgId,
          actorUserId: org.clerkId,
          entityType: "Document",
          entityId: documentId,
          data: { ref, book: "IN", number, secrecy: "NONE", urgency: "NORMAL", sha256: null, source: null },
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
          `INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
           SELECT gen_random_uuid()::text, 'doc:' || $1 || ':toDirect:' || u."id", u."id", 'document.toDirect', jsonb_build_object('documentId', $1::text), 'NORMAL', $2, $2
           FROM "User" u WHERE u."orgId" = $3 AND u."active" AND 'LEADER' = ANY(u."roles") AND u."id" <> $4
           ON CONFLICT DO NOTHING`,
          [documentId, pgTimestamp(now), org.orgId, org.clerkId],
        );
        await c.query("COMMIT");
      });
    };

    const figures = await measureCoreVsBare({
      name: "register",
      database: bdb,
      core: { op: core, afterPass: () => checkpointer.checkpoint() },
      bare: { op: bare },
      analyzeAfterWarmup: true,
      ...o,
    });

    await checkpointer.close();
    const check = new pg.Client({ connectionString: bdb.url });
    await check.connect();
    const one = async (sql: string) => Number((await check.query(sql)).rows[0].c);
    const found = {
      documents: await one(`SELECT count(*) AS c FROM "Document"`),
      numbers: await one(`SELECT count(DISTINCT "registerNumber") AS c FROM "Document"`),
      counter: await one(`SELECT max("last") AS c FROM "RegisterCounter"`),
      audits: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" = 'document.registered'`),
      outbox: await one(`SELECT count(*) AS c FROM "OutboxMessage" WHERE "kind" = 'document.toDirect'`),
      unlinked: await one(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`),
    };
    await check.end();
    const want = { documents: at.total, numbers: at.total, counter: at.total, audits: at.total, outbox: at.total, unlinked: 0 };
    if (JSON.stringify(found) !== JSON.stringify(want)) throw new Error(`register: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);

    const { metrics, comparisons } = coreVsBareReport("registration", figures, o, "bare 7 statements via pg");
    return {
      name: "register",
      metrics: roundAll(metrics),
      comparisons,
      notes: [
        `register: ${o.count} per parallel pass at concurrency ${o.concurrency} in ${o.rounds} alternating rounds after ${o.warmup} per side to warm up and ANALYZE; ${o.sequentialCount} per sequential pass; statements counted over ${o.countedOps} sequential registrations per side; no scan (no file on either side); one leader to tell; PostgreSQL; checked: numbers 1…${at.total} without gaps or duplicates, one audit row and one outbox row each, every audit row linked`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--count");
  const result = await runRegisterBench(i >= 0 ? { count: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
