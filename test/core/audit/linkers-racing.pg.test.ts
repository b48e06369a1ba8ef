// Issue 23: on PostgreSQL the linker holds the chain lock only while it reads a batch (hashing and
// the UPDATE run after it is released), and linkers exclude one another with their own lock. Two
// services (two pools) linking at once while 10 writers append must still give one chain, and no
// advisory lock may be left behind (a leaked session lock would stop every writer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent } from "../../../core/audit/append-audit-event.ts";
import { linkAuditChain } from "../../../core/audit/link-audit-chain.ts";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import { openDatabase, type Database } from "../../../core/store/client.ts";
import { directPoolOf } from "../../../core/store/direct-sql.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
let other: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  other = await openDatabase({ databaseUrl: db.url!, migrate: false, poolSize: 5 });
});
afterAll(async () => {
  await other.close();
  await db.close();
});

const advisoryLocksHeld = async (): Promise<number> => {
  const rows = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`);
  return rows[0]!.n;
};

describe("linkers racing on PostgreSQL", () => {
  it("two linkers and ten writers: one chain, every event linked once, no lock left", async () => {
    // The pooled path is what this file is about.
    expect(directPoolOf(db.prisma)).not.toBeNull();
    expect(directPoolOf(other.prisma)).not.toBeNull();
    await db.truncate();
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 30; i++) {
        await db.prisma.$transaction(
          async (tx) => {
            await appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(), entityType: "Assignment", entityId: `w${w}-${i}`, data: { w, i, note: "<b>x</b> ký" } });
          },
          { timeout: 60_000, maxWait: 60_000 },
        );
      }
    };
    let linkedA = 0;
    let linkedB = 0;
    const linker = async (on: Database, add: (n: number) => void) => {
      while (writing) add(await linkAuditChain(on.prisma));
    };
    const linkers = [linker(db, (n) => (linkedA += n)), linker(other, (n) => (linkedB += n))];
    await Promise.all(Array.from({ length: 10 }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(linkers);
    const rest = await linkAuditChain(db.prisma);

    // Each event was linked by exactly one of them (the UPDATE only takes unlinked rows).
    expect(linkedA + linkedB + rest).toBe(300);
    expect(await verifyAuditChain(db.prisma, { link: false })).toMatchObject({ ok: true, count: 300 });
    const events = await db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { prevHash: true, hash: true } });
    expect(events.every((e) => e.hash !== null)).toBe(true);
    expect(new Set(events.map((e) => e.prevHash)).size).toBe(300);
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it("a failing batch releases the chain lock: writers go on", async () => {
    await db.truncate();
    await db.prisma.$transaction(async (tx) => {
      await appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(), entityType: "Assignment", entityId: "a", data: {} });
    });
    // A row the linker cannot read back as JSON would make the batch fail: make the UPDATE fail
    // instead, by a trigger that refuses it, then drop the trigger.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_link() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_link BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_link()`);
    try {
      await expect(linkAuditChain(db.prisma)).rejects.toThrow(/refused/);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_link ON "AuditEvent"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION refuse_link()`);
    }
    expect(await advisoryLocksHeld()).toBe(0);
    // A writer is not kept waiting, and the next run links both events.
    await db.prisma.$transaction(async (tx) => {
      await appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(), entityType: "Assignment", entityId: "b", data: {} });
    });
    expect(await linkAuditChain(db.prisma)).toBe(2);
    expect(await verifyAuditChain(db.prisma, { link: false })).toMatchObject({ ok: true, count: 2 });
  });
});
