// Throwaway PostgreSQL databases for benchmarks: CREATE DATABASE edoc_bench_<what>_<random>, migrate
// with core/store/migrate.ts through pg, DROP … WITH (FORCE) at the end (also when the bench fails).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../../core/store/migrate.ts";
import { pgClientRunner } from "../../core/store/sql.ts";

/** The server benchmarks use; BENCH_PG_URL overrides it. */
export const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export type BenchDatabase = { name: string; url: string; drop(): Promise<void> };

const adminQuery = async (sql: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
};

/** Creates and migrates a fresh database; `drop()` removes it. */
export const createBenchDatabase = async (what: string, { migrated = true } = {}): Promise<BenchDatabase> => {
  const name = `edoc_bench_${what}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(ADMIN_URL, name);
  const drop = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (migrated) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await migrate(pgClientRunner(client));
    } catch (err) {
      await client.end().catch(() => {});
      await drop().catch(() => {});
      throw err;
    }
    await client.end();
  }
  return { name, url, drop };
};

/** PostgreSQL's version string, e.g. "15.20". */
export const serverVersion = async (): Promise<string> => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  } finally {
    await admin.end();
  }
};

/**
 * CPU time (user + system, ms) spent so far by the PostgreSQL backends connected to `database`
 * (read from /proc; PostgreSQL must run on this machine). Backends that exit are no longer counted,
 * so measure across a pass whose pools keep their connections open. Null when /proc cannot be read.
 */
export const backendCpuMs = async (client: { query: (sql: string, values?: unknown[]) => Promise<{ rows: { pid: number }[] }> }, database: string): Promise<number | null> => {
  const { readFile } = await import("node:fs/promises");
  const { rows } = await client.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    } catch {
      return null;
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
};

/** A timestamp as PostgreSQL's timestamp(3) text in UTC (what Prisma stores). */
export const pgTimestamp = (d: Date): string => d.toISOString().replace("T", " ").replace("Z", "");
