// A minimal SQL runner over either PostgreSQL (pg) or PGlite, for what Prisma's client does not
// do for us: migrations, advisory locks, test set-up.
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

export type SqlRunner = {
  /** One statement with $1… parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A script of several statements, no parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
  /** Identifies the database session: runners sharing one (PGlite) must not interleave a migration. */
  session: object;
};

export const pgliteRunner = (db: PGlite, { closeDb = false } = {}): SqlRunner => ({
  session: db,
  query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
  exec: async (script) => {
    await db.exec(script);
  },
  close: async () => {
    if (closeDb) await db.close();
  },
});

export const pgClientRunner = (client: pg.Client): SqlRunner => ({
  session: client,
  query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
  exec: async (script) => {
    await client.query(script);
  },
  close: async () => {
    await client.end();
  },
});
