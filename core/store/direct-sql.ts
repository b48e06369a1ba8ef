// One statement straight through the PostgreSQL pool that Prisma's adapter uses, for the few hot
// paths (an acknowledgement) where Prisma's per-statement cost is most of the request's CPU.
//
// Only on PostgreSQL: on PGlite every statement shares one session, and a statement sent beside
// Prisma could land inside a transaction Prisma holds open, so there the callers use Prisma's
// `$queryRawUnsafe`/`$executeRawUnsafe` (see `runSql`). Values pg parses by the process time zone
// (timestamp without time zone) must not be selected through it: select them as epoch milliseconds.
import type pg from "pg";
import type { PrismaClient as Db } from "./generated/client.ts";
import type { Tx } from "./tx.ts";

const DIRECT = Symbol.for("edoc.directSql");
const SHARED_SESSION = Symbol.for("edoc.directSql.sharedSession");

/**
 * Attaches the pool to the client (it stays reachable through proxies of the client). `sharedSession`:
 * the pool's connections all reach one session (the embedded database through its owner's socket,
 * pglite-wire-server.ts), where a statement prepared under a name by one connection is there for the
 * others too, so the second to prepare it would fail ("prepared statement … already exists").
 */
export const attachDirectSql = (prisma: object, pool: pg.Pool, opts: { sharedSession?: boolean } = {}): void => {
  Object.defineProperty(prisma, DIRECT, { value: pool, enumerable: false });
  if (opts.sharedSession) Object.defineProperty(prisma, SHARED_SESSION, { value: true, enumerable: false });
};

/** The PostgreSQL pool behind the client; null on PGlite (one session: go through Prisma there). */
export const directPoolOf = (db: Db | Tx): pg.Pool | null => (db as unknown as Record<symbol, pg.Pool | undefined>)[DIRECT] ?? null;
const poolOf = directPoolOf;

/**
 * A statement run often: on PostgreSQL it is prepared once per connection under `name` (no planning
 * per call; not through the embedded database's owner, where the connections share one session).
 * `columns`: a read made by `hotRead`, whose rows arrive as one JSON array each (see there).
 */
export type HotStatement = { name: string; text: string; kind: "query" | "execute"; columns?: readonly string[] };

/** json_build_array takes at most this many arguments (PostgreSQL's FUNC_MAX_ARGS). */
const MAX_JSON_COLUMNS = 100;

/**
 * A hot joined read whose columns (output name → SQL expression) travel as one JSON array per row,
 * decoded back into an object with those names by `runSql`. pg decodes every column of a result on
 * its own (the row description, a parser and a property per column, every time): the
 * acknowledgement's thirty-column read cost 80 µs of Node CPU, the same row as one JSON text 50 µs
 * (BENCHMARKS.md, issue 23). JSON keeps what the expressions give: text, numbers (timestamps as
 * `epochMs`), booleans, null.
 *
 * @example hotRead("edoc_ack_read", { ...ACTOR_COLUMNS, ref: 'a."ref"' }, `FROM "User" u … WHERE u."id" = $1`)
 */
export const hotRead = (name: string, columns: Readonly<Record<string, string>>, from: string): HotStatement => {
  const names = Object.keys(columns);
  if (names.length > MAX_JSON_COLUMNS) throw new Error(`hotRead ${name}: ${names.length} columns, at most ${MAX_JSON_COLUMNS}`);
  return { name, kind: "query", columns: names, text: `SELECT json_build_array(\n  ${Object.values(columns).join(",\n  ")})::text AS "row"\n${from}` };
};

/** The rows of a `hotRead` as objects named by its columns. */
const decodeRows = <R>(rows: { row: string }[], names: readonly string[]): R[] =>
  rows.map(({ row }) => {
    const values = JSON.parse(row) as unknown[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = values[i];
    return out as R;
  });

/** Runs one statement: through the pool on PostgreSQL, through Prisma otherwise. Returns rows and the affected count. */
export const runSql = async <R>(db: Db, statement: HotStatement, params: unknown[]): Promise<{ rows: R[]; count: number }> => {
  const { name, text, kind, columns } = statement;
  const pool = poolOf(db);
  if (pool !== null) {
    const shared = (db as unknown as Record<symbol, boolean | undefined>)[SHARED_SESSION] === true;
    const r = await pool.query(shared ? { text, values: params } : { name, text, values: params });
    return { rows: columns ? decodeRows<R>(r.rows as { row: string }[], columns) : (r.rows as R[]), count: r.rowCount ?? 0 };
  }
  if (kind === "query") {
    const rows = await db.$queryRawUnsafe<unknown[]>(text, ...params);
    return { rows: columns ? decodeRows<R>(rows as { row: string }[], columns) : (rows as R[]), count: rows.length };
  }
  return { rows: [], count: await db.$executeRawUnsafe(text, ...params) };
};

// === Helpers for the hot statements' text and parameters

/** A list of constants as SQL literals (`'A', 'B'`), for values from the code's own tables (never input). */
export const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(", ");

/** A timestamp column as epoch milliseconds (pg would read a timestamp without zone in the process's zone). */
export const epochMs = (col: string): string => `(extract(epoch from ${col}) * 1000)::float8`;

/** A date as the ISO text a `$n::timestamp(3)` parameter takes; null stays null. */
export const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Epoch milliseconds read back with `epochMs` as a date; null stays null. */
export const dateOfMs = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
