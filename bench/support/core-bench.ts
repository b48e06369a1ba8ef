// What the core-versus-bare benchmarks (acks, complete, register) each open: a migrated PostgreSQL
// database of their own, the core's client on it wired as the service is (the commit hook and the
// checkpointer, which links the audit events the core appends into the chain 200 ms after a burst
// of commits), and a plain `pg.Pool` for the bare side, both with `concurrency` connections.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createAuditCheckpointer, withAuditCommitHook, type AuditCheckpointer } from "../../core/audit/audit-checkpoint.ts";
import { createFileCheckpointStore } from "../../core/audit/checkpoint-file-store.ts";
import { DEFAULT_SETTINGS, silentLogger, type CoreDeps } from "../../core/deps.ts";
import { createMemoryFileStore } from "../../core/files/file-store.ts";
import { openDatabase, type Database } from "../../core/store/client.ts";
import { createBenchDatabase, type BenchDatabase } from "./pg.ts";

export type CoreBench = {
  bdb: BenchDatabase;
  db: Database;
  /** The bare side's pool. */
  pgPool: pg.Pool;
  checkpointer: AuditCheckpointer;
  /** The core's dependencies, with the commit hook and the checkpointer. */
  deps: CoreDeps;
  /** Closes everything and drops the database. */
  close(): Promise<void>;
};

export const openCoreBench = async (what: string, concurrency: number): Promise<CoreBench> => {
  const bdb = await createBenchDatabase(what);
  const checkpointDir = await mkdtemp(path.join(os.tmpdir(), `edoc-bench-${what}-`));
  const db = await openDatabase({ databaseUrl: bdb.url, migrate: false, poolSize: concurrency });
  const pgPool = new pg.Pool({ connectionString: bdb.url, max: concurrency });
  // pool.end() resolves before its sockets close; the DROP … WITH (FORCE) at the end may then
  // terminate one, and an 'error' without a listener would kill the process.
  pgPool.on("error", () => {});
  const checkpointer = createAuditCheckpointer({
    db: db.prisma,
    store: createFileCheckpointStore({ file: path.join(checkpointDir, "checkpoint.json"), secret: "bench-secret-bench-secret-bench-secret-0" }),
    clock: { now: () => new Date() },
  });
  const deps: CoreDeps = {
    prisma: withAuditCommitHook(db.prisma, checkpointer.afterCommit),
    logger: silentLogger,
    auditCheckpoint: checkpointer,
    clock: { now: () => new Date() },
    files: createMemoryFileStore(),
    settings: DEFAULT_SETTINGS,
  };
  return {
    bdb,
    db,
    pgPool,
    checkpointer,
    deps,
    close: async () => {
      await checkpointer.close().catch(() => {});
      await rm(checkpointDir, { recursive: true, force: true });
      await pgPool.end().catch(() => {});
      await db.close().catch(() => {});
      // BENCH_KEEP_DB=1: keep the database to look at its plans afterwards (its name on stderr).
      if (process.env.BENCH_KEEP_DB === "1") process.stderr.write(`kept database ${bdb.name} (${bdb.url})\n`);
      else await bdb.drop();
    },
  };
};
