// Watching the hot paths' direct statements (core/store/direct-sql.ts) from a test: which of them ran
// (on PostgreSQL through the adapter's pool, on PGlite through Prisma's raw queries), a hook between
// the read and the write, and a count of every statement a use case sends.
import type { Db } from "../../core/store/client.ts";
import { directPoolOf, type HotStatement } from "../../core/store/direct-sql.ts";

type Row = Record<string, unknown>;

/**
 * The client with the hot statements `statements` watched: `ran` lists the ones sent, by name, and
 * `afterRead` runs once `read` has returned (it may change the database, or the row the direct path
 * sees).
 */
export const watchDirect = (target: Db, statements: { read: HotStatement; write: HotStatement }, afterRead: (row: Row) => Promise<void> | void = () => {}) => {
  const ran: string[] = [];
  const nameOf = (text: string) => Object.values(statements).find((s) => s.text === text)?.name;
  const seen = async (name: string | undefined, rows: Row[]) => {
    if (name === undefined || !Object.values(statements).some((s) => s.name === name)) return;
    ran.push(name);
    if (name === statements.read.name && rows[0]) await afterReadOf(rows[0]);
  };
  // A `hotRead`'s row travels as one JSON array: the hook sees it named, and what it changes is put back.
  const afterReadOf = async (raw: Row) => {
    const names = statements.read.columns;
    if (names === undefined) return afterRead(raw);
    const values = JSON.parse(raw.row as string) as unknown[];
    const row: Row = Object.fromEntries(names.map((n, i) => [n, values[i]]));
    await afterRead(row);
    raw.row = JSON.stringify(names.map((n) => row[n]));
  };
  // The target is an empty object (the client's own non-configurable properties would have to be
  // returned as they are); everything is read from the client.
  const prisma = new Proxy(
    {},
    {
      get(_, prop) {
        if (prop === Symbol.for("edoc.directSql")) {
          const pool = directPoolOf(target);
          if (pool === null) return undefined;
          return {
            query: async (q: { name: string; text: string; values: unknown[] }) => {
              const r = await pool.query(q);
              await seen(q.name, r.rows as Row[]);
              return r;
            },
          };
        }
        const value: unknown = Reflect.get(target, prop);
        if (prop === "$queryRawUnsafe") {
          return async (text: string, ...params: unknown[]) => {
            const rows = await target.$queryRawUnsafe<Row[]>(text, ...params);
            await seen(nameOf(text), rows);
            return rows;
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    },
  );
  return { prisma: prisma as Db, ran };
};

/**
 * The client with every statement it sends counted: Prisma's operations (model queries and raw
 * statements, inside transactions too) and, on PostgreSQL, what goes straight through the adapter's
 * pool. `statements` lists them (a model's `Model.operation`, or the first words of a raw or pooled
 * statement); `restore` takes the pool's counter off.
 */
export const countStatements = (target: Db) => {
  const statements: string[] = [];
  const head = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 40);
  const counted = target.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const text = model === undefined ? String((Array.isArray(args) ? args[0] : (args as { query?: unknown } | undefined)?.query) ?? "") : "";
        statements.push(model === undefined ? `${operation}: ${head(text)}` : `${model}.${operation}`);
        return query(args);
      },
    },
  }) as unknown as Db;
  const pool = directPoolOf(target);
  const poolQuery = pool?.query;
  if (pool && poolQuery) {
    pool.query = ((config: unknown, ...rest: unknown[]) => {
      const text = typeof config === "string" ? config : String((config as { text?: unknown }).text ?? "");
      statements.push(`pool: ${head(text)}`);
      return (poolQuery as (...a: unknown[]) => unknown).call(pool, config, ...rest);
    }) as typeof pool.query;
  }
  return {
    prisma: counted,
    statements,
    restore: () => {
      if (pool && poolQuery) pool.query = poolQuery;
    },
  };
};
