import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, checksumOf, migrate, readMigrations } from "../../../core/store/migrate.ts";
import { pgClientRunner, pgliteRunner, type SqlRunner } from "../../../core/store/sql.ts";
import { withDatabase } from "../../support/pg-url.ts";

// Each test gets an EMPTY database (not the run's migrated template).
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Opens `n` sessions on one new empty database. */
const emptyDatabase = async (n = 1): Promise<SqlRunner[]> => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await PGlite.create("memory://");
    cleanups.push(() => db.close());
    return Array.from({ length: n }, () => pgliteRunner(db));
  }
  const name = `edoc_mig_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const runners: SqlRunner[] = [];
  for (let i = 0; i < n; i++) {
    const c = new pg.Client({ connectionString: withDatabase(url, name) });
    await c.connect();
    runners.push(pgClientRunner(c));
  }
  cleanups.push(async () => {
    for (const r of runners) await r.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  return runners;
};

describe("migrate", () => {
  it("applies every migration once, and nothing the second time", async () => {
    const [db] = await emptyDatabase();
    const all = (await readMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect((await migrate(db!)).applied).toEqual(all);
    expect(await migrate(db!)).toEqual({ applied: [], modified: [] });
    const rows = await db!.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]!.n).toBe(all.length);
  });

  it("applies each migration once when two runs start together", async () => {
    const [a, b] = await emptyDatabase(2);
    const [ra, rb] = await Promise.all([migrate(a!), migrate(b!)]);
    const all = (await readMigrations()).map((m) => m.name);
    expect([...ra.applied, ...rb.applied].sort()).toEqual(all);
    const rows = await a!.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(all);
  });

  it("writes bookkeeping rows of Prisma's shape with the file's SHA-256", async () => {
    const [db] = await emptyDatabase();
    await migrate(db!);
    const columns = await db!.query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
      `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable, c.character_maximum_length])).toEqual([
      ["id", "character varying", "NO", 36],
      ["checksum", "character varying", "NO", 64],
      ["finished_at", "timestamp with time zone", "YES", null],
      ["migration_name", "character varying", "NO", 255],
      ["logs", "text", "YES", null],
      ["rolled_back_at", "timestamp with time zone", "YES", null],
      ["started_at", "timestamp with time zone", "NO", null],
      ["applied_steps_count", "integer", "NO", null],
    ]);
    const rows = await db!.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; id: string; rolled_back_at: Date | null }>(
      `SELECT * FROM "_prisma_migrations"`,
    );
    for (const row of rows) {
      const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"), "utf8");
      expect(row.checksum).toBe(checksumOf(sql));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("refuses to go on while a failed migration is unresolved", async () => {
    const [db] = await emptyDatabase();
    await migrate(db!);
    await db!.query(`UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(migrate(db!)).rejects.toThrow(/failed earlier and is not resolved/);
  });
});
