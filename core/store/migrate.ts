// Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's native schema
// engine (it cannot be downloaded everywhere). Same bookkeeping table, same checksums, same
// advisory lock, so `prisma migrate deploy` on another machine accepts the history we write.
import { createHash, randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlRunner } from "./sql.ts";

/** Prisma's advisory lock key for migrations (schema-engine's `ADVISORY_LOCK_TIMEOUT` lock). */
export const PRISMA_MIGRATION_LOCK_KEY = 72707369;

export const DEFAULT_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationFile = { name: string; sql: string; checksum: string };

export type MigrateResult = {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
  /** Migrations whose file changed after being applied (Prisma warns about these too). */
  modified: string[];
};

/** A failed migration left in the history; nothing more is applied until someone resolves it. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export const checksumOf = (sql: string): string => createHash("sha256").update(sql, "utf8").digest("hex");

/** Reads `<dir>/<name>/migration.sql` for every migration directory, sorted by name. */
export const readMigrations = async (dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> => {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
};

type Row = { id: string; migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/**
 * Applies every migration that has no live row in `_prisma_migrations`, in name order, under
 * Prisma's advisory lock (so two processes started together apply each migration once).
 *
 * @example await migrate(runner) // → { applied: ["20261126005754_init"], modified: [] }
 */
export const migrate = async (db: SqlRunner, { dir = DEFAULT_MIGRATIONS_DIR } = {}): Promise<MigrateResult> => {
  // An advisory lock is re-entrant within one session, so runs sharing a session (PGlite) are also
  // queued in-process.
  const previous = sessionQueue.get(db.session) ?? Promise.resolve();
  // The previous run's failure went to its own caller; this run starts regardless.
  const run = previous.catch(() => {}).then(() => migrateLocked(db, dir));
  sessionQueue.set(db.session, run);
  return run;
};

const sessionQueue = new WeakMap<object, Promise<unknown>>();

const migrateLocked = async (db: SqlRunner, dir: string): Promise<MigrateResult> => {
  const migrations = await readMigrations(dir);
  await db.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATION_LOCK_KEY})`);
  try {
    await db.exec(CREATE_BOOKKEEPING);
    const rows = await db.query<Row>(`SELECT id, migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name`);
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `Migration ${failed.map((r) => r.migration_name).join(", ")} failed earlier and is not resolved. ` +
          `Fix the database, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '…') and run edoc migrate again.`,
      );
    }
    const live = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const modified = migrations.filter((m) => live.has(m.name) && live.get(m.name)!.checksum !== m.checksum).map((m) => m.name);
    const applied: string[] = [];
    for (const migration of migrations) {
      if (live.has(migration.name)) continue;
      const id = randomUUID();
      await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
        id,
        migration.checksum,
        migration.name,
      ]);
      try {
        await db.exec(migration.sql);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await db.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
        throw new MigrationError(`Migration ${migration.name} failed: ${message}`, { cause: err });
      }
      await db.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      applied.push(migration.name);
    }
    return { applied, modified };
  } finally {
    await db.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATION_LOCK_KEY})`);
  }
};
