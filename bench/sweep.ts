// Benchmark: the chase sweep's query (core/reminders/find-due-reminders.ts, limit 500) with 100 k and
// then 1 M assignments on file, of which the same 200 are due. time(1M) / time(100k) ≈ 1 means the
// sweep costs what is due; ≈ 10 means it costs the whole history. The same query with index scans
// switched off (a sequential scan and a top-N sort) is measured at both sizes as the contrast.
// EXPLAIN (ANALYZE, BUFFERS) is run once per size: whether Assignment_nextReminderAt_idx is used, and
// the buffers touched (a count, unlike milliseconds, that does not depend on the machine's load).
//
// Rows are made with one INSERT … SELECT generate_series statement per phase, on PostgreSQL.
// Run alone: node --import tsx bench/sweep.ts
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DUE_REMINDERS_SQL, findDueReminders } from "../core/reminders/find-due-reminders.ts";
import { openDatabase } from "../core/store/client.ts";
import { pgClientRunner } from "../core/store/sql.ts";
import { buildBenchOrg, insertBareDirective, insertBulkAssignments } from "./support/org.ts";
import { createBenchDatabase, pgTimestamp } from "./support/pg.ts";
import { median, progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const sizeLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
const INDEX = "Assignment_nextReminderAt_idx";

export type SweepBenchOptions = {
  /** Assignments in the small case. @defaultValue 100000 */
  small?: number;
  /** Assignments in the large case. @defaultValue 1000000 */
  large?: number;
  /** Due assignments (in both cases). @defaultValue 200 */
  due?: number;
  /** Timed runs of the query per size. @defaultValue 40 */
  runs?: number;
};

type PlanFacts = { usesIndex: boolean; buffers: number; planMs: number; execMs: number; plan: string[] };

/** EXPLAIN (ANALYZE, BUFFERS) of the statement Prisma runs, with the instant and limit inlined. */
const explain = async (client: pg.Client, now: Date, limit: number): Promise<PlanFacts> => {
  const sql = DUE_REMINDERS_SQL.replace("$1", `'${pgTimestamp(now)}'::timestamp(3)`).replace("$2", String(limit));
  const rows = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`)).rows.map((r) => r["QUERY PLAN"]);
  const top = rows.find((l) => /Buffers:/.test(l)) ?? "";
  const buffers = [...top.matchAll(/(?:hit|read)=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  const num = (re: RegExp) => Number(rows.map((l) => re.exec(l)?.[1]).find((x) => x !== undefined) ?? NaN);
  return { usesIndex: rows.some((l) => l.includes(INDEX)), buffers, planMs: num(/Planning Time: ([\d.]+)/), execMs: num(/Execution Time: ([\d.]+)/), plan: rows };
};

export const runSweepBench = async (options: SweepBenchOptions = {}): Promise<BenchResult> => {
  const small = options.small ?? 100_000;
  const large = options.large ?? 1_000_000;
  const dueCount = options.due ?? 200;
  const runs = options.runs ?? 40;
  const limit = 500;
  const bdb = await createBenchDatabase("sweep");
  const db = await openDatabase({ databaseUrl: bdb.url, migrate: false, poolSize: 2 });
  const client = new pg.Client({ connectionString: bdb.url });
  await client.connect();
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const now = new Date();
    const { documentId, directiveId } = await insertBareDirective(db.prisma, org, now);
    const sql = pgClientRunner(client);
    const dueEvery = Math.floor(small / dueCount);
    const dueAt = new Date(now.getTime() + 30 * 86_400_000);
    // The history: 200 rows due (an hour or so ago, spread), ~10 % open with a reminder in the next
    // 30 days, the rest finished (nextReminderAt NULL: the sweep never looks at them).
    const nextSql = (withDue: boolean) =>
      `CASE ${withDue ? `WHEN n % ${dueEvery} = 0 THEN d.now - (n % 97 + 1) * interval '1 minute'` : ""} WHEN n % 10 = 1 THEN d.now + (n % 30 + 1) * interval '1 day' ELSE NULL END`;
    const statusSql = (withDue: boolean) => `CASE ${withDue ? `WHEN n % ${dueEvery} = 0 THEN 'ASSIGNED'` : ""} WHEN n % 10 = 1 THEN 'ACKNOWLEDGED' ELSE 'COMPLETED' END`;

    const measure = async (label: string) => {
      await client.query(`ANALYZE "Assignment"`);
      const deps = { prisma: db.prisma };
      const at = new Date();
      for (let i = 0; i < 5; i++) await findDueReminders(deps, { now: at, limit }); // warm-up: plan cache, buffers
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        found = (await findDueReminders(deps, { now: at, limit })).length;
        times.push(performance.now() - t);
      }
      const plan = await explain(client, at, limit);
      // The contrast: the same query when the planner may not use an index (what it would cost
      // without Assignment_nextReminderAt_idx): it reads the whole table.
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off");
      const seqTimes: number[] = [];
      const seqSql = DUE_REMINDERS_SQL;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await client.query(seqSql, [pgTimestamp(at), limit]);
        seqTimes.push(performance.now() - t);
      }
      const seqPlan = await explain(client, at, limit);
      await client.query("ROLLBACK");
      progress(
        "sweep",
        `${label}: findDueReminders median ${median(times).toFixed(2)} ms (${found} due), index ${plan.usesIndex ? "used" : "NOT used"}, ${plan.buffers} buffers; without index ${median(seqTimes).toFixed(1)} ms`,
      );
      return { ms: median(times), found, plan, seqMs: median(seqTimes), seqBuffers: seqPlan.buffers };
    };

    progress("sweep", `inserting ${small.toLocaleString("en")} assignments (one INSERT … SELECT generate_series)`);
    let t = performance.now();
    await insertBulkAssignments(sql, org.unitIds, { documentId, directiveId, from: 1, to: small, nextReminderAtSql: nextSql(true), statusSql: statusSql(true), dueAt });
    const insertSmallS = (performance.now() - t) / 1000;
    const s = await measure(sizeLabel(small));

    progress("sweep", `inserting ${(large - small).toLocaleString("en")} more (to ${large.toLocaleString("en")})`);
    t = performance.now();
    await insertBulkAssignments(sql, org.unitIds, { documentId, directiveId, from: small + 1, to: large, nextReminderAtSql: nextSql(false), statusSql: statusSql(false), dueAt });
    const insertLargeS = (performance.now() - t) / 1000;
    const l = await measure(sizeLabel(large));

    const metrics = roundAll({
      rows_small: small,
      rows_large: large,
      due_found_small: s.found,
      due_found_large: l.found,
      query_ms_small: s.ms,
      query_ms_large: l.ms,
      time_ratio_large_over_small: l.ms / s.ms,
      index_used_small: s.plan.usesIndex ? 1 : 0,
      index_used_large: l.plan.usesIndex ? 1 : 0,
      buffers_small: s.plan.buffers,
      buffers_large: l.plan.buffers,
      buffers_ratio_large_over_small: l.plan.buffers / Math.max(1, s.plan.buffers),
      no_index_ms_small: s.seqMs,
      no_index_ms_large: l.seqMs,
      no_index_ratio_large_over_small: l.seqMs / s.seqMs,
      no_index_buffers_large: l.seqBuffers,
      insert_s_small: insertSmallS,
      insert_s_large: insertLargeS,
    });
    const L = sizeLabel(large);
    const S = sizeLabel(small);
    return {
      name: "sweep",
      metrics,
      comparisons: [
        {
          metric: `findDueReminders ms @${L} vs @${S}`,
          value: metrics.query_ms_large!,
          baseline: metrics.query_ms_small!,
          baselineIs: `same query @${S} (≈1: cost follows what is due)`,
        },
        { metric: `EXPLAIN buffers @${L} vs @${S}`, value: l.plan.buffers, baseline: s.plan.buffers, baselineIs: `same, @${S} (load-independent)` },
        { metric: `findDueReminders ms vs no index @${L}`, value: metrics.query_ms_large!, baseline: metrics.no_index_ms_large!, baselineIs: "same SQL, index scans off" },
      ],
      highlights: ["index_used_large", "due_found_large"],
      notes: [
        `sweep: EXPLAIN @${sizeLabel(large)}: ${INDEX} ${l.plan.usesIndex ? "IS used" : "is NOT used"} (@${sizeLabel(small)}: ${s.plan.usesIndex ? "used" : "NOT used"}); plan: ${l.plan.plan
          .filter((x) => !/Planning|Execution|Buffers/.test(x))
          .map((x) => x.trim())
          .join(" | ")}`,
        `sweep: ${dueCount} due of ${small.toLocaleString("en")} then ${large.toLocaleString("en")} rows, limit ${limit}, median of ${runs} runs through Prisma (adapter-pg)`,
      ],
    };
  } finally {
    await client.end().catch(() => {});
    await db.close().catch(() => {});
    await bdb.drop();
  }
};

if (process.argv[1] === SELF) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const result = await runSweepBench({ small: arg("--small"), large: arg("--large") });
  console.log(JSON.stringify(result, null, 2));
}
