import type { Tx } from "../store/tx.ts";

/**
 * The next number of a register (sổ) for a year, inside the caller's transaction. The counter row
 * stays locked until the transaction ends, so concurrent registrations queue on it: numbers are
 * consecutive with no duplicates, and a rolled-back registration gives its number back (no gaps).
 */
export const allocateRegisterNumber = async (tx: Tx, { orgId, book, year }: { orgId: string; book: string; year: number }): Promise<number> => {
  const rows = await tx.$queryRawUnsafe<{ last: number }[]>(
    `INSERT INTO "RegisterCounter" ("orgId", "book", "year", "last") VALUES ($1, $2, $3, 1)
     ON CONFLICT ("orgId", "book", "year") DO UPDATE SET "last" = "RegisterCounter"."last" + 1
     RETURNING "last"`,
    orgId,
    book,
    year,
  );
  return Number(rows[0]!.last);
};

/**
 * The next REF handle (the number in `P12/2026`) for a prefix and year, inside the caller's
 * transaction, from the counter "REF:<prefix>". Outgoing documents of several series (the agency's,
 * a ward's, the legal normative ones) share one REF space, so the handle is not their số. A
 * missing counter starts after the highest number of `seedBook` in that year: before REF
 * counters existed, a document's REF was its number in that book. Take it after the series number
 * (allocateRegisterNumber), so concurrent issues lock the two counters in the same order.
 */
export const allocateRefNumber = async (tx: Tx, { orgId, prefix, year, seedBook }: { orgId: string; prefix: string; year: number; seedBook: string }): Promise<number> => {
  const rows = await tx.$queryRawUnsafe<{ last: number }[]>(
    `INSERT INTO "RegisterCounter" ("orgId", "book", "year", "last")
     VALUES ($1, $2, $3, 1 + COALESCE((SELECT max("registerNumber") FROM "Document" WHERE "orgId" = $1 AND "registerBook" = $4 AND "registerYear" = $3), 0))
     ON CONFLICT ("orgId", "book", "year") DO UPDATE SET "last" = "RegisterCounter"."last" + 1
     RETURNING "last"`,
    orgId,
    `REF:${prefix}`,
    year,
    seedBook,
  );
  return Number(rows[0]!.last);
};
