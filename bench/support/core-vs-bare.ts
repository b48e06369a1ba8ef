// The measuring harness of the "core vs the bare SQL it needs" benchmarks (complete, register; acks.ts
// is the model and keeps its own copy): warm-up on both sides, parallel passes in alternating rounds,
// this process's CPU and PostgreSQL's backend CPU per operation, a sequential pass, and the number
// of statements each side sends per operation (counted on pg.Client.prototype.query, which every
// statement of this process goes through: Prisma's adapter, the direct hot statements, pg.Pool).
import pg from "pg";
import { backendCpuMs } from "./pg.ts";
import { progress } from "./result.ts";

/** This process's CPU time (user + system) in ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let counting = false;
let statements = 0;
let patched = false;
/** Counts every statement a pg client of this process sends while `counting` is on. */
const patchStatementCounter = (): void => {
  if (patched) return;
  patched = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    if (counting) {
      statements += 1;
      // BENCH_LOG_STATEMENTS=1: the statements of the counting passes on stderr (first 100 characters each).
      if (process.env.BENCH_LOG_STATEMENTS === "1") {
        const q = args[0] as string | { text?: string; name?: string };
        const text = typeof q === "string" ? q : (q.text ?? q.name ?? "?");
        process.stderr.write(`  statement: ${text.replace(/\s+/g, " ").trim().slice(0, 100)}\n`);
      }
    }
    return original.apply(this, args);
  };
};

/** One side of the comparison: `op(n)` does operation number n (each n is used once, on fresh rows). */
export type Side = {
  op: (n: number) => Promise<void>;
  /** Runs after each pass and counts in its time (the core: the checkpointer linking its audit rows). */
  afterPass?: () => Promise<unknown>;
};

export type CoreVsBareOptions = {
  name: string;
  /** The database's name (for PostgreSQL's backend CPU) and URL (for the monitor connection). */
  database: { name: string; url: string };
  core: Side;
  bare: Side;
  /** Operations per parallel pass (split in `rounds` alternating rounds). */
  count: number;
  sequentialCount: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  /** Operations per side in the statement-counting pass (sequential). */
  countedOps: number;
  /**
   * ANALYZE the database after the warm-up, as autovacuum has a service's (it analyzes a table that
   * grew by a tenth since the last time). A bench database is seconds old and has no statistics, and a
   * statement the core prepares under a name gets its generic plan on its sixth execution, early in
   * the warm-up, for tables the planner takes for nearly empty; nothing invalidates that plan during
   * the run. The register bench's same-number check kept an index scan of all the organisation's
   * documents that way. ANALYZE invalidates those plans. The bare side's unnamed statements are planned
   * at each execution with their values and do not depend on it.
   */
  analyzeAfterWarmup?: boolean;
};

/** Where each pass's operation numbers start; `total` operations in all (prepare that many fixtures). */
export const passLayout = (o: Pick<CoreVsBareOptions, "count" | "sequentialCount" | "warmup" | "countedOps">) => {
  const at = { warmCore: 0, warmBare: o.warmup, coreParallel: 2 * o.warmup, bareParallel: 2 * o.warmup + o.count, coreSeq: 2 * o.warmup + 2 * o.count };
  const bareSeq = at.coreSeq + o.sequentialCount;
  const coreCounted = bareSeq + o.sequentialCount;
  const bareCounted = coreCounted + o.countedOps;
  return { ...at, bareSeq, coreCounted, bareCounted, total: bareCounted + o.countedOps };
};

export type CoreVsBareFigures = {
  coreParallelPerS: number;
  bareParallelPerS: number;
  coreNodeCpuMsPerOp: number;
  bareNodeCpuMsPerOp: number;
  corePgCpuMsPerOp: number | null;
  barePgCpuMsPerOp: number | null;
  coreSequentialPerS: number;
  bareSequentialPerS: number;
  coreStatementsPerOp: number;
  bareStatementsPerOp: number;
};

export const measureCoreVsBare = async (o: CoreVsBareOptions): Promise<CoreVsBareFigures> => {
  patchStatementCounter();
  const at = passLayout(o);
  let lastCpu = 0;
  /** Runs ops [base, base + n) with at most `concurrency` in flight; returns elapsed ms, leaves this process's CPU ms in lastCpu. */
  const pass = async (side: Side, base: number, n: number, concurrency: number): Promise<number> => {
    let next = 0;
    const c = cpuMs();
    const t = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, n) }, async () => {
        while (next < n) await side.op(base + next++);
      }),
    );
    await side.afterPass?.();
    lastCpu = cpuMs() - c;
    return performance.now() - t;
  };

  progress(o.name, `warming up (${o.warmup} per side)`);
  await pass(o.core, at.warmCore, o.warmup, o.concurrency);
  await pass(o.bare, at.warmBare, o.warmup, o.concurrency);
  if (o.analyzeAfterWarmup) {
    progress(o.name, "ANALYZE");
    const client = new pg.Client({ connectionString: o.database.url });
    await client.connect();
    try {
      await client.query("ANALYZE");
    } finally {
      await client.end();
    }
  }

  const monitor = new pg.Client({ connectionString: o.database.url });
  await monitor.connect();
  type Sum = { ms: number; cpu: number; pgCpu: number | null };
  const sum = { core: { ms: 0, cpu: 0, pgCpu: 0 } as Sum, bare: { ms: 0, cpu: 0, pgCpu: 0 } as Sum };
  const measured = async (into: Sum, run: () => Promise<number>) => {
    const pg0 = await backendCpuMs(monitor, o.database.name);
    into.ms += await run();
    into.cpu += lastCpu;
    const pg1 = await backendCpuMs(monitor, o.database.name);
    into.pgCpu = into.pgCpu === null || pg0 === null || pg1 === null ? null : into.pgCpu + pg1 - pg0;
  };
  const slice = Math.floor(o.count / o.rounds);
  try {
    for (let r = 0; r < o.rounds; r++) {
      const n = r === o.rounds - 1 ? o.count - slice * r : slice;
      progress(o.name, `round ${r + 1}/${o.rounds}: ${n} through the core, ${n} bare, ${o.concurrency} in parallel`);
      await measured(sum.core, () => pass(o.core, at.coreParallel + slice * r, n, o.concurrency));
      await measured(sum.bare, () => pass(o.bare, at.bareParallel + slice * r, n, o.concurrency));
    }
  } finally {
    await monitor.end();
  }
  progress(o.name, `${o.sequentialCount} per side, sequential`);
  const coreSeqMs = await pass(o.core, at.coreSeq, o.sequentialCount, 1);
  const bareSeqMs = await pass(o.bare, at.bareSeq, o.sequentialCount, 1);

  progress(o.name, `counting statements (${o.countedOps} per side, sequential)`);
  const counted = async (side: Side, base: number): Promise<number> => {
    statements = 0;
    counting = true;
    try {
      await pass(side, base, o.countedOps, 1);
    } finally {
      counting = false;
    }
    return statements / o.countedOps;
  };
  const coreStatementsPerOp = await counted(o.core, at.coreCounted);
  const bareStatementsPerOp = await counted(o.bare, at.bareCounted);

  const perS = (n: number, ms: number) => n / (ms / 1000);
  return {
    coreParallelPerS: perS(o.count, sum.core.ms),
    bareParallelPerS: perS(o.count, sum.bare.ms),
    coreNodeCpuMsPerOp: sum.core.cpu / o.count,
    bareNodeCpuMsPerOp: sum.bare.cpu / o.count,
    corePgCpuMsPerOp: sum.core.pgCpu === null ? null : sum.core.pgCpu / o.count,
    barePgCpuMsPerOp: sum.bare.pgCpu === null ? null : sum.bare.pgCpu / o.count,
    coreSequentialPerS: perS(o.sequentialCount, coreSeqMs),
    bareSequentialPerS: perS(o.sequentialCount, bareSeqMs),
    coreStatementsPerOp,
    bareStatementsPerOp,
  };
};

/** The metrics and table lines of a core-vs-bare result, named like the acks benchmark's (`<what>` per operation). */
export const coreVsBareReport = (what: string, f: CoreVsBareFigures, o: Pick<CoreVsBareOptions, "count" | "concurrency" | "sequentialCount">, bareIs: string) => {
  const metrics: Record<string, number> = {
    count: o.count,
    concurrency: o.concurrency,
    core_parallel_per_s: f.coreParallelPerS,
    bare_parallel_per_s: f.bareParallelPerS,
    throughput_ratio_core_over_bare: f.coreParallelPerS / f.bareParallelPerS,
    [`core_node_cpu_ms_per_${what}`]: f.coreNodeCpuMsPerOp,
    [`bare_node_cpu_ms_per_${what}`]: f.bareNodeCpuMsPerOp,
    ...(f.corePgCpuMsPerOp === null || f.barePgCpuMsPerOp === null
      ? {}
      : { [`core_pg_cpu_ms_per_${what}`]: f.corePgCpuMsPerOp, [`bare_pg_cpu_ms_per_${what}`]: f.barePgCpuMsPerOp }),
    sequential_count: o.sequentialCount,
    core_sequential_per_s: f.coreSequentialPerS,
    bare_sequential_per_s: f.bareSequentialPerS,
    throughput_ratio_sequential: f.coreSequentialPerS / f.bareSequentialPerS,
    [`core_statements_per_${what}`]: f.coreStatementsPerOp,
    [`bare_statements_per_${what}`]: f.bareStatementsPerOp,
  };
  const comparisons = [
    { metric: `${what}s/s core, ${o.concurrency} parallel`, value: f.coreParallelPerS, baseline: f.bareParallelPerS, baselineIs: `${bareIs}, same concurrency` },
    { metric: `Node CPU ms per ${what}, core`, value: f.coreNodeCpuMsPerOp, baseline: f.bareNodeCpuMsPerOp, baselineIs: "bare via pg (client-side CPU only)" },
    ...(f.corePgCpuMsPerOp === null || f.barePgCpuMsPerOp === null
      ? []
      : [
          {
            metric: `PostgreSQL CPU ms per ${what}, core`,
            value: f.corePgCpuMsPerOp,
            baseline: f.barePgCpuMsPerOp,
            baselineIs: "bare (the backends of this database, from /proc)",
          },
        ]),
    { metric: `${what}s/s core, sequential`, value: f.coreSequentialPerS, baseline: f.bareSequentialPerS, baselineIs: `${bareIs}, sequential` },
    {
      metric: `statements per ${what}, core`,
      value: f.coreStatementsPerOp,
      baseline: f.bareStatementsPerOp,
      baselineIs: "bare (BEGIN/COMMIT included; core: its audit linker's share too)",
    },
  ];
  return { metrics, comparisons };
};

/**
 * Runs a bare side's operation on a client of the pool: rolled back when it throws (after a BEGIN it
 * sent), released either way.
 */
export const onPooledClient = async <T>(pool: pg.Pool, op: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
  const c = await pool.connect();
  try {
    return await op(c);
  } catch (err) {
    await c.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    c.release();
  }
};
