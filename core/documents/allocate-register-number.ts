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
