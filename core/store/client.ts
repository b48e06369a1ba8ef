// The database factory: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set, otherwise
// PGlite (PostgreSQL compiled to WASM, in-process) with its data in DATA_DIR/pg. One schema, one
// migration history, one SQL dialect.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { migrate, type MigrateResult } from "./migrate.ts";
import { pgClientRunner, pgliteRunner, type SqlRunner } from "./sql.ts";

export type Db = PrismaClient;

export type Database = {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** Opens a raw SQL session (its own connection on PostgreSQL); close it when done. */
  openSql(): Promise<SqlRunner>;
  /** Checks the connection answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** PostgreSQL connection string; unset → PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory parent: the data goes to `<dataDir>/pg`. Ignored with databaseUrl. */
  dataDir?: string;
  /** An already open PGlite (tests load a migrated snapshot into memory). */
  pglite?: PGlite;
  /** Run migrations on open. @defaultValue true */
  migrate?: boolean;
  /** Largest PostgreSQL pool. @defaultValue 10 */
  poolSize?: number;
  onMigrated?: (result: MigrateResult) => void;
};

const openPostgres = async (url: string, opts: OpenDatabaseOptions): Promise<Database> => {
  const openSql = async (): Promise<SqlRunner> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return pgClientRunner(client);
  };
  if (opts.migrate !== false) {
    const runner = await openSql();
    try {
      opts.onMigrated?.(await migrate(runner));
    } finally {
      await runner.close();
    }
  }
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    kind: "postgres",
    openSql,
    ping: async () => {
      await prisma.$queryRawUnsafe("SELECT 1");
      return true;
    },
    close: async () => {
      await prisma.$disconnect();
    },
  };
};

const openPglite = async (opts: OpenDatabaseOptions): Promise<Database> => {
  let db = opts.pglite;
  const owned = db === undefined;
  if (!db) {
    const dir = path.resolve(opts.dataDir ?? "./data", "pg");
    await mkdir(dir, { recursive: true });
    db = await PGlite.create(dir);
  }
  const pglite = db;
  if (opts.migrate !== false) {
    const migrated = await migrate(pgliteRunner(pglite));
    // PGlite learns the array types (Role[] and other enum arrays) when it opens: types the
    // migrations just created are unknown until refreshed, and array parameters then fail with
    // "malformed array literal" (found by test/app/service-telegram.db.test.ts on a fresh DATA_DIR).
    if (migrated.applied.length > 0) await pglite.refreshArrayTypes();
    opts.onMigrated?.(migrated);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: "pglite",
    // PGlite is a single session: the runner shares it (and must not close it).
    openSql: async () => pgliteRunner(pglite),
    ping: async () => {
      await pglite.query("SELECT 1");
      return true;
    },
    close: async () => {
      await prisma.$disconnect();
      if (owned) await pglite.close();
    },
  };
};

/** Opens the configured database and (by default) applies pending migrations. */
export const openDatabase = async (opts: OpenDatabaseOptions = {}): Promise<Database> =>
  opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts);
