// Telling a unique index's refusal apart from other errors, as either way to the database reports it:
// the pg pool (the direct statements, core/store/direct-sql.ts) and Prisma through its driver adapter
// (pg or PGlite; P2002 or a raw query's failure).

type PgError = { code?: unknown; constraint?: unknown };
type AdapterCause = { originalCode?: unknown; originalMessage?: unknown; constraint?: { index?: unknown } };
type PrismaError = { meta?: { driverAdapterError?: { cause?: AdapterCause } } };

/**
 * True when `err` is PostgreSQL's unique violation (23505) of the index named `index`.
 *
 * @example if (violatesUnique(err, "Assignment_open_delegation_key")) throw new DomainError("DELEGATION_EXISTS", …)
 */
export const violatesUnique = (err: unknown, index: string): boolean => {
  if (typeof err !== "object" || err === null) return false;
  const pg = err as PgError;
  if (pg.code === "23505") return pg.constraint === index;
  const cause = (err as PrismaError).meta?.driverAdapterError?.cause;
  if (cause?.originalCode !== "23505") return false;
  // PostgreSQL names the index; PGlite's adapter gives the fields only, and the message names it.
  return cause.constraint?.index === index || String(cause.originalMessage ?? "").includes(`"${index}"`);
};

/**
 * True when `err` is any unique violation as Prisma reports it (P2002, or the driver's message): where
 * the caller does not need to know which index refused.
 */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === "P2002" || /Unique constraint/i.test(String((err as Error)?.message));
