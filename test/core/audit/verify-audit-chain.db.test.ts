import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendAuditEvent } from "../../../core/audit/append-audit-event.ts";
import { linkAuditChain } from "../../../core/audit/link-audit-chain.ts";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  for (let i = 1; i <= 5; i++) {
    await db.prisma.$transaction((tx) =>
      appendAuditEvent(tx, {
        type: "assignment.acknowledged",
        at: new Date(Date.UTC(2026, 11, i)),
        entityType: "Assignment",
        entityId: `a${i}`,
        data: { n: i, note: "Đã nhận", nested: { z: 1, a: [1, 2] } },
      }),
    );
  }
  // As the service does right after each commit (core/audit/link-audit-chain.ts).
  await linkAuditChain(db.prisma);
});

const sql = async (text: string) => {
  const runner = await db.openSql();
  try {
    await runner.exec(text);
  } finally {
    if (db.kind === "postgres") await runner.close();
  }
};

describe("verifyAuditChain", () => {
  it("accepts an untouched chain", async () => {
    expect(await verifyAuditChain(db.prisma)).toEqual({ ok: true, count: 5 });
  });

  it("names the edited event", async () => {
    await sql(`UPDATE "AuditEvent" SET data = '{"n": 33, "note": "Đã nhận", "nested": {"z": 1, "a": [1, 2]}}' WHERE seq = 3`);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: false, seq: 3n, reason: "hash" });
  });

  it("names the event after a deleted one", async () => {
    await sql(`DELETE FROM "AuditEvent" WHERE seq = 2`);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: false, seq: 3n, reason: "prevHash" });
  });

  it("names the first event of a reordering", async () => {
    // Swap the content of events 2 and 4 (including their hashes): the order no longer chains.
    await sql(`UPDATE "AuditEvent" SET seq = -2 WHERE seq = 2; UPDATE "AuditEvent" SET seq = 2 WHERE seq = 4; UPDATE "AuditEvent" SET seq = 4 WHERE seq = -2;`);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: false, seq: 2n, reason: "prevHash" });
  });

  it("links the events appended since the last link, then verifies them with the rest", async () => {
    for (let i = 6; i <= 7; i++)
      await db.prisma.$transaction((tx) =>
        appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(Date.UTC(2026, 11, i)), entityType: "Assignment", entityId: `a${i}` }),
      );
    const tail = await db.prisma.auditEvent.findMany({ where: { seq: { gt: 5n } }, select: { hash: true } });
    expect(tail.map((r) => r.hash)).toEqual([null, null]);
    // Without linking, the unlinked tail is counted and the linked prefix verified.
    expect(await verifyAuditChain(db.prisma, { link: false })).toEqual({ ok: true, count: 7 });
    expect(await verifyAuditChain(db.prisma)).toEqual({ ok: true, count: 7 });
    const linked = await db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { prevHash: true, hash: true } });
    expect(linked.every((r, i) => r.hash !== null && r.prevHash === (i === 0 ? "0".repeat(64) : linked[i - 1]!.hash))).toBe(true);
    expect(await linkAuditChain(db.prisma)).toBe(0);
  });

  it("names a linked event whose hash was erased (it is not linked again)", async () => {
    await sql(`UPDATE "AuditEvent" SET "hash" = NULL, "prevHash" = NULL WHERE seq = 3`);
    expect(await linkAuditChain(db.prisma)).toBe(0);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: false, seq: 3n, reason: "hash" });
  });

  it("names an edited actor or time, not only data", async () => {
    await sql(`UPDATE "AuditEvent" SET "at" = "at" + interval '1 second' WHERE seq = 5`);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: false, seq: 5n, reason: "hash" });
  });
});
