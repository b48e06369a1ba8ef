// Benchmark: 1,000 acknowledgements (in 4 alternating rounds, after 1,000 to warm up each side) through the core (acknowledgeAssignment: one joined read of actor,
// policy and assignment, then one statement with the compare-and-set, the next reminder and the
// audit row; the checkpointer links the audit rows into the hash chain after the commits) on
// PostgreSQL, against the bare SQL an acknowledgement needs, sent through `pg` directly with the same
// concurrency (10 in parallel, each side with a pool of 10 connections):
//   - bare: BEGIN; the same compare-and-set UPDATE of "Assignment"; one INSERT into "AuditEvent"; COMMIT;
//   - bare + chain: the same, plus what the audit hash chain costs in SQL (the advisory lock that
//     serialises appends and the read of the previous hash), to tell the chain's price from the
//     ORM's and the use case's.
// A sequential pass (concurrency 1) of the core and the bare SQL is measured too.
//
// Run alone: node --import tsx bench/acks.ts
import { fileURLToPath } from "node:url";
import pg from "pg";
import { acknowledgeAssignment } from "../core/assignments/acknowledge-assignment.ts";
import { GENESIS_HASH, hashAuditEvent } from "../core/audit/append-audit-event.ts";
import { pgClientRunner } from "../core/store/sql.ts";
import { openCoreBench } from "./support/core-bench.ts";
import { onPooledClient } from "./support/core-vs-bare.ts";
import { buildBenchOrg, insertBareDirective, insertBulkAssignments } from "./support/org.ts";
import { backendCpuMs, pgTimestamp } from "./support/pg.ts";
import { progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const AUDIT_CHAIN_LOCK_KEY = 72041001; // core/audit/append-audit-event.ts
/**
 * Acknowledgements per side before timing (connections, prepared statements, the calendar cache,
 * V8's optimised code). With 300, the first timed pass of the core still cost 0.6 ms of CPU per
 * acknowledgement against 0.36 ms for the next one: the parallel passes now also alternate. With
 * 1000, the timed passes were still on the way down: in passes of 250 (10 in parallel, each followed
 * by its checkpoint) the core's Node CPU per pass went 223, 176, 147, 149, 138, 80, 67, 61, 60, 54,
 * 64, 47 ms and stayed at 47–54 from the twelfth pass (3,000 acknowledgements) on. The bare side's
 * few functions are warm long before (BENCHMARKS.md, issue 23).
 */
const WARMUP = 3000;
/** The parallel passes run in this many alternating rounds (core, bare, bare + chain lock, …), so neither side gets the warmer or quieter half of the run. */
const ROUNDS = 4;

export type AcksBenchOptions = {
  /** Acknowledgements per parallel pass. @defaultValue 1000 */
  count?: number;
  /** Acknowledgements per sequential pass. @defaultValue 300 */
  sequentialCount?: number;
  /** Parallel acknowledgements in flight. @defaultValue 10 */
  concurrency?: number;
};

/** This process's CPU time (user + system) in ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let lastCpuMs = 0;

/**
 * Runs `work(i)` for i in [0, n) with at most `concurrency` in flight; returns elapsed ms (and leaves
 * the CPU ms this process spent in `lastCpuMs`: the part of the cost that is ours, not PostgreSQL's).
 */
const pool = async (n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> => {
  let next = 0;
  const c = cpuMs();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
  lastCpuMs = cpuMs() - c;
  return performance.now() - t;
};

export const runAcksBench = async (options: AcksBenchOptions = {}): Promise<BenchResult> => {
  const count = options.count ?? 1000;
  const seqCount = options.sequentialCount ?? 300;
  const concurrency = options.concurrency ?? 10;
  const bench = await openCoreBench("acks", concurrency);
  const { bdb, db, pgPool, checkpointer, deps } = bench;
  try {
    const org = await buildBenchOrg(db.prisma, { units: 60, headsPerUnit: 1 });
    const now = new Date();
    const { documentId, directiveId } = await insertBareDirective(db.prisma, org, now);
    // Slices of fresh ASSIGNED rows, one per pass: [core ∥][bare ∥][chain ∥][core seq][bare seq][warm-ups].
    const passes = {
      coreParallel: 0,
      bareParallel: count,
      chainParallel: 2 * count,
      coreSeq: 3 * count,
      bareSeq: 3 * count + seqCount,
      warmCore: 3 * count + 2 * seqCount,
      warmBare: 3 * count + 2 * seqCount + WARMUP,
    };
    // (the bare side warms up twice: with and without the chain lock)
    const total = 3 * count + 2 * seqCount + 3 * WARMUP;
    const client = new pg.Client({ connectionString: bdb.url });
    await client.connect();
    await insertBulkAssignments(pgClientRunner(client), org.unitIds, {
      documentId,
      directiveId,
      from: 0,
      to: total - 1,
      dueAt: new Date(now.getTime() + 10 * 86_400_000),
      nextReminderAtSql: `d.now + interval '1 day'`,
    });
    const rows = (await client.query<{ id: string; n: string; unitId: string }>(`SELECT id, substr(ref, 2) AS n, "unitId" FROM "Assignment"`)).rows;
    await client.query(`ANALYZE`);
    await client.end();
    const idOf = new Array<string>(total);
    for (const r of rows) idOf[Number(r.n)] = r.id;
    const headOf = new Map(org.heads.map((h) => [h.unitId, h.userId]));
    const actorOf = (n: number) => headOf.get(org.unitIds[n % org.unitIds.length]!)!;

    // A core pass ends when the checkpointer has linked its last audit rows (counted in its time).
    const corePass = async (n: number, concurrency: number, base: number): Promise<number> => {
      const t = performance.now();
      const c = cpuMs();
      await pool(n, concurrency, core(base));
      await checkpointer.checkpoint();
      lastCpuMs = cpuMs() - c;
      return performance.now() - t;
    };
    const core = (base: number) => async (i: number) => {
      const n = base + i;
      await acknowledgeAssignment(deps, { actorUserId: actorOf(n), assignmentId: idOf[n]!, channel: "TELEGRAM", messageId: String(n) });
    };
    // The bare SQL: one transaction, the compare-and-set UPDATE and the audit INSERT.
    const bare = (base: number, chain: boolean) => async (i: number) => {
      const n = base + i;
      return onPooledClient(pgPool, async (c) => {
        const at = new Date();
        const actor = actorOf(n);
        await c.query("BEGIN");
        const upd = await c.query(
          `UPDATE "Assignment" SET "status" = 'ACKNOWLEDGED', "acknowledgedAt" = $2, "acknowledgedById" = $3, "ackChannel" = 'TELEGRAM', "ackMessageId" = $4, "updatedAt" = $2
           WHERE "id" = $1 AND "status" = 'ASSIGNED'`,
          [idOf[n], pgTimestamp(at), actor, String(n)],
        );
        if (upd.rowCount !== 1) throw new Error(`bare ack ${n}: compare-and-set matched ${upd.rowCount}`);
        let prevHash = GENESIS_HASH;
        if (chain) {
          await c.query(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
          prevHash = (await c.query<{ hash: string }>(`SELECT "hash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1`)).rows[0]?.hash ?? GENESIS_HASH;
        }
        const content = {
          at,
          orgId: org.orgId,
          actorUserId: actor,
          type: "assignment.acknowledged",
          entityType: "Assignment",
          entityId: idOf[n]!,
          data: { ref: `B${n}`, channel: "TELEGRAM", messageId: String(n) },
        };
        await c.query(`INSERT INTO "AuditEvent" ("at","orgId","actorUserId","type","entityType","entityId","data","prevHash","hash") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, [
          pgTimestamp(content.at),
          content.orgId,
          content.actorUserId,
          content.type,
          content.entityType,
          content.entityId,
          content.data,
          prevHash,
          hashAuditEvent(prevHash, content),
        ]);
        await c.query("COMMIT");
      });
    };

    // Warm both paths on rows of their own.
    progress("acks", `warming up`);
    await corePass(WARMUP, concurrency, passes.warmCore);
    await pool(WARMUP, concurrency, bare(passes.warmBare, true));
    await pool(WARMUP, concurrency, bare(passes.warmBare + WARMUP, false));

    // PostgreSQL's side of the cost: the CPU its backends for this database spend in each pass.
    const monitor = new pg.Client({ connectionString: bdb.url });
    await monitor.connect();
    const pgCpu = () => backendCpuMs(monitor, bdb.name);
    // Wall time, this process's CPU and PostgreSQL's CPU of one pass.
    const measured = async (pass: () => Promise<number>) => {
      const pg0 = await pgCpu();
      const ms = await pass();
      const cpu = lastCpuMs;
      const pg1 = await pgCpu();
      return { ms, cpu, pgCpu: pg0 === null || pg1 === null ? null : pg1 - pg0 };
    };
    const sum = { core: { ms: 0, cpu: 0, pgCpu: 0 as number | null }, bare: { ms: 0, cpu: 0, pgCpu: 0 as number | null }, chain: { ms: 0, cpu: 0, pgCpu: 0 as number | null } };
    const add = (into: { ms: number; cpu: number; pgCpu: number | null }, m: { ms: number; cpu: number; pgCpu: number | null }) => {
      into.ms += m.ms;
      into.cpu += m.cpu;
      into.pgCpu = into.pgCpu === null || m.pgCpu === null ? null : into.pgCpu + m.pgCpu;
    };
    const slice = Math.floor(count / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const n = r === ROUNDS - 1 ? count - slice * r : slice;
      progress("acks", `round ${r + 1}/${ROUNDS}: ${n} through the core, ${n} bare, ${n} bare + chain lock, ${concurrency} in parallel`);
      add(sum.core, await measured(() => corePass(n, concurrency, passes.coreParallel + slice * r)));
      add(sum.bare, await measured(() => pool(n, concurrency, bare(passes.bareParallel + slice * r, false))));
      add(sum.chain, await measured(() => pool(n, concurrency, bare(passes.chainParallel + slice * r, true))));
    }
    await monitor.end();
    const coreParMs = sum.core.ms;
    const coreCpu = sum.core.cpu;
    const corePgCpu = sum.core.pgCpu;
    const bareParMs = sum.bare.ms;
    const bareCpu = sum.bare.cpu;
    const barePgCpu = sum.bare.pgCpu;
    const chainParMs = sum.chain.ms;
    progress("acks", `${seqCount} through the core, sequential`);
    const coreSeqMs = await corePass(seqCount, 1, passes.coreSeq);
    progress("acks", `${seqCount} bare SQL, sequential`);
    const bareSeqMs = await pool(seqCount, 1, bare(passes.bareSeq, false));

    // Check: every row acknowledged once, one audit row each (the core writes no others here), and
    // every event the core appended linked into the chain once the checkpointer has run.
    await checkpointer.close();
    const check = new pg.Client({ connectionString: bdb.url });
    await check.connect();
    const acked = Number((await check.query(`SELECT count(*) AS c FROM "Assignment" WHERE "status" = 'ACKNOWLEDGED'`)).rows[0].c);
    const audits = Number((await check.query(`SELECT count(*) AS c FROM "AuditEvent" WHERE "type" = 'assignment.acknowledged'`)).rows[0].c);
    const unlinked = Number((await check.query(`SELECT count(*) AS c FROM "AuditEvent" WHERE "hash" IS NULL`)).rows[0].c);
    await check.end();
    if (acked !== total || audits !== total) throw new Error(`acks: expected ${total} acknowledged rows and audit events, found ${acked} and ${audits}`);
    if (unlinked !== 0) throw new Error(`acks: ${unlinked} audit events left unlinked after the checkpointer closed`);

    const perS = (n: number, ms: number) => n / (ms / 1000);
    const metrics = roundAll({
      count,
      concurrency,
      core_parallel_per_s: perS(count, coreParMs),
      bare_parallel_per_s: perS(count, bareParMs),
      bare_chain_parallel_per_s: perS(count, chainParMs),
      throughput_ratio_core_over_bare: perS(count, coreParMs) / perS(count, bareParMs),
      throughput_ratio_core_over_bare_chain: perS(count, coreParMs) / perS(count, chainParMs),
      core_parallel_ms_per_ack: coreParMs / count,
      core_node_cpu_ms_per_ack: coreCpu / count,
      bare_node_cpu_ms_per_ack: bareCpu / count,
      ...(corePgCpu === null || barePgCpu === null ? {} : { core_pg_cpu_ms_per_ack: corePgCpu / count, bare_pg_cpu_ms_per_ack: barePgCpu / count }),
      sequential_count: seqCount,
      core_sequential_per_s: perS(seqCount, coreSeqMs),
      bare_sequential_per_s: perS(seqCount, bareSeqMs),
      throughput_ratio_sequential: perS(seqCount, coreSeqMs) / perS(seqCount, bareSeqMs),
      core_sequential_ms_per_ack: coreSeqMs / seqCount,
      bare_sequential_ms_per_ack: bareSeqMs / seqCount,
    });
    return {
      name: "acks",
      metrics,
      comparisons: [
        {
          metric: `acks/s core, ${concurrency} parallel`,
          value: metrics.core_parallel_per_s!,
          baseline: metrics.bare_parallel_per_s!,
          baselineIs: "bare UPDATE+INSERT via pg, same concurrency",
        },
        {
          metric: `acks/s core, ${concurrency} parallel`,
          value: metrics.core_parallel_per_s!,
          baseline: metrics.bare_chain_parallel_per_s!,
          baselineIs: "bare + audit-chain lock & prev-hash read",
        },
        {
          metric: "Node CPU ms per ack, core",
          value: metrics.core_node_cpu_ms_per_ack!,
          baseline: metrics.bare_node_cpu_ms_per_ack!,
          baselineIs: "bare via pg (client-side CPU only)",
        },
        ...(metrics.core_pg_cpu_ms_per_ack === undefined
          ? []
          : [
              {
                metric: "PostgreSQL CPU ms per ack, core",
                value: metrics.core_pg_cpu_ms_per_ack,
                baseline: metrics.bare_pg_cpu_ms_per_ack!,
                baselineIs: "bare (the backends of this database, from /proc)",
              },
            ]),
        { metric: "acks/s core, sequential", value: metrics.core_sequential_per_s!, baseline: metrics.bare_sequential_per_s!, baselineIs: "bare UPDATE+INSERT via pg, sequential" },
      ],
      notes: [
        `acks: ${count} per parallel pass at concurrency ${concurrency} (Prisma pool ${concurrency}, pg.Pool ${concurrency}); ${seqCount} per sequential pass; PostgreSQL; every row checked ACKNOWLEDGED with one audit row, every core audit row linked into the chain by the checkpointer (counted in the core's time)`,
      ],
    };
  } finally {
    await bench.close();
  }
};

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf("--count");
  const result = await runAcksBench(i >= 0 ? { count: Number(process.argv[i + 1]) } : {});
  console.log(JSON.stringify(result, null, 2));
}
