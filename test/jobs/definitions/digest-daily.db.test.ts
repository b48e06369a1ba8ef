import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { linkAuditChain } from "../../../core/audit/link-audit-chain.ts";
import { appendAuditEvent } from "../../../core/audit/append-audit-event.ts";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { dueAtForDate } from "../../../core/time.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { digestDailyJob } from "../../../jobs/definitions/digest-daily.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { buildAssignment, buildOrg } from "../../support/reminder-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  invalidateOrgCalendar();
});

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const ctxOf = (deps: JobContext["deps"]): JobContext => ({ deps, senders: {}, logger: silent, enqueue: async () => {} });

describe("digest.daily", () => {
  it("is scheduled 07:30 Monday–Saturday office time (seconds first)", () => {
    expect(digestDailyJob.schedule).toEqual({ pattern: "0 30 7 * * 1-6", tz: "Asia/Ho_Chi_Minh" });
  });

  it("sends nothing on a Tết day (17/02/2026) and one digest per MONITOR on the next working day, for every organisation", async () => {
    const a = await buildOrg(db.prisma, { code: "A" });
    const b = await buildOrg(db.prisma, { code: "B" });
    for (const org of [a, b]) await buildAssignment(db.prisma, org, { sentAt: new Date("2026-02-02T02:00:00Z"), dueAt: dueAtForDate("2026-02-12") });
    const clock = createTestClock(new Date("2026-02-17T07:30:00+07:00"));
    const deps = createTestDeps(db.prisma, { clock });
    await digestDailyJob.handler({}, ctxOf(deps));
    expect(await db.prisma.outboxMessage.count()).toBe(0);

    clock.set(new Date("2026-02-23T07:30:00+07:00"));
    await digestDailyJob.handler(digestDailyJob.schema.parse({}), ctxOf(deps));
    const rows = await db.prisma.outboxMessage.findMany({ select: { userId: true, dedupeKey: true } });
    expect(rows.map((r) => r.userId).sort()).toEqual([a.users.cvp, a.users["cv.vp"], b.users.cvp, b.users["cv.vp"]].sort());
    expect(rows.every((r) => r.dedupeKey.startsWith("digest:2026-02-23:"))).toBe(true);
  });

  it("prints the audit chain's head (seq and the first 12 hex of its hash), as it was when the digest was queued", async () => {
    const org = await buildOrg(db.prisma);
    await buildAssignment(db.prisma, org, { sentAt: new Date("2026-02-02T02:00:00Z"), dueAt: dueAtForDate("2026-02-12") });
    for (let n = 1; n <= 4; n++)
      await db.prisma.$transaction((tx) =>
        appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(Date.UTC(2026, 1, 20, 0, n)), entityType: "Assignment", entityId: `a${n}` }),
      );
    await linkAuditChain(db.prisma);
    const linked = await db.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const head = { seq: linked.seq, hash: linked.hash! };
    const deps = createTestDeps(db.prisma, { clock: createTestClock(new Date("2026-02-23T07:30:00+07:00")) });
    await digestDailyJob.handler({}, ctxOf(deps));
    // Events after 07:30 do not change what the digest recorded.
    await db.prisma.$transaction((tx) => appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(), entityType: "Assignment", entityId: "later" }));

    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { userId: org.users.cvp } });
    expect(row.payload).toMatchObject({ auditHead: { seq: String(head.seq), hash: head.hash } });
    const vi = await renderOutboxMessage(deps, { kind: row.kind, payload: row.payload, userId: row.userId, locale: "vi" });
    expect(vi.ok && vi.message.text).toContain(`Nhật ký hệ thống: sự kiện cuối #${head.seq}, mã ${head.hash.slice(0, 12)} `);
    const en = await renderOutboxMessage(deps, { kind: row.kind, payload: row.payload, userId: row.userId, locale: "en" });
    expect(en.ok && en.message.text).toContain(`Audit log: last event #${head.seq}, hash ${head.hash.slice(0, 12)} `);
    expect(vi.ok && vi.message.text).not.toContain(head.hash.slice(0, 13));
  });
});
