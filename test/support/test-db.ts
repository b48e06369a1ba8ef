// A fresh, migrated database for one test file: PGlite in memory by default, a PostgreSQL database
// copied from the run's template when DATABASE_URL is set (see db-global-setup.ts).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../core/store/client.ts";
import { withDatabase } from "./pg-url.ts";

export type TestDatabase = Database & {
  /** The connection string of this file's database (PostgreSQL only). */
  url?: string;
  /** Empties every table (keeps the migrations' bookkeeping). */
  truncate(): Promise<void>;
};

export const createTestDatabase = async (): Promise<TestDatabase> => {
  const tpl = inject("dbTemplate");
  let db: Database;
  let url: string | undefined;
  let drop: () => Promise<void> = async () => {};
  if (tpl.kind === "postgres") {
    const name = `${tpl.template}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: tpl.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tpl.template}`);
    await admin.end();
    url = withDatabase(tpl.adminUrl, name);
    // The machine is shared and loaded: a transaction may wait longer than Prisma's 2 s for one of the
    // pool's connections when a race test opens 50 at once (it failed "Unable to start a transaction").
    db = await openDatabase({ databaseUrl: url, migrate: false, poolSize: 20, transactionWaitMs: 30_000 });
    drop = async () => {
      const a = new pg.Client({ connectionString: tpl.adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    const blob = new Blob([await readFile(tpl.dumpPath)]);
    const pglite = await PGlite.create({ loadDataDir: blob });
    db = await openDatabase({ pglite, migrate: false });
    const close = db.close;
    db = {
      ...db,
      close: async () => {
        await close();
        await pglite.close();
      },
    };
  }
  const truncate = async () => {
    const sql = await db.openSql();
    try {
      const tables = await sql.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
      if (tables.length) await sql.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
    } finally {
      if (db.kind === "postgres") await sql.close();
    }
  };
  const base = db;
  return {
    ...base,
    ...(url ? { url } : {}),
    truncate,
    close: async () => {
      await base.close();
      await drop();
    },
  };
};
