import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { createTestDeps } from "../../support/core.ts";
import { buildIdentity, buildOutboxRow, buildScenario } from "../../support/outbox-builders.ts";
import { createRecordingSender, type RecordingSender } from "../../support/recording-sender.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
});

const setup = async () => {
  const deps = createTestDeps(db.prisma);
  const s = await buildScenario(db.prisma);
  const telegram = createRecordingSender("TELEGRAM");
  const zalo = createRecordingSender("ZALO");
  const senders = { TELEGRAM: telegram, ZALO: zalo };
  const tg = await buildIdentity(db.prisma, s.users.head.id, { channel: "TELEGRAM", chatId: "tg-head", lastSeenAt: new Date("2026-11-30T02:00:00Z") });
  const za = await buildIdentity(db.prisma, s.users.head.id, { channel: "ZALO", chatId: "za-head", lastSeenAt: new Date("2026-11-20T02:00:00Z") });
  const row = await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
  return { deps, s, telegram, zalo, senders, tg, za, row };
};
const reload = (id: string) => db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });

describe("deliverOutboxMessage", () => {
  it("sends through the most recently seen identity and records everything in the row", async () => {
    const { deps, senders, telegram, zalo, row, tg } = await setup();
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toEqual({ outcome: "sent", channel: "TELEGRAM", identityId: tg.id, platformMessageId: "telegram-1", recorded: true });
    expect(telegram.sentTo("tg-head")).toHaveLength(1);
    expect(telegram.sent[0]?.message.title).toBe("[KHẨN] Giao việc D7-TCKH");
    expect(zalo.sent).toHaveLength(0);
    const after = await reload(row.id);
    expect(after).toMatchObject({ status: "SENT", channel: "TELEGRAM", identityId: tg.id, platformMessageId: "telegram-1", lockedBy: null, lockedUntil: null, attempts: 0 });
    expect(after.sentAt?.toISOString()).toBe(deps.clock.now().toISOString());
    // Sent rows are never claimed again.
    expect(await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w2" })).toEqual({ outcome: "not_claimable" });
    expect(telegram.sent).toHaveLength(1);
  });

  // Race test: it means something on PostgreSQL, where the two workers' claims really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("sends exactly once, in the order written, when two workers deliver the same rows concurrently", async () => {
    const { deps, s, senders, telegram, row } = await setup();
    telegram.delayMs = 20;
    const rows = [row];
    for (let i = 0; i < 7; i++) rows.push(await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id } }));
    // Every sweep hands every unsent row to both workers at once; a row waits while an earlier
    // row of the same person is unsent, so each sweep sends the next one.
    const results: Awaited<ReturnType<typeof deliverOutboxMessage>>[] = [];
    const order: string[] = [];
    for (let sweep = 0; sweep < rows.length; sweep++) {
      const unsent = (await db.prisma.outboxMessage.findMany({ where: { id: { in: rows.map((r) => r.id) }, status: { not: "SENT" } }, select: { id: true } })).map((r) => r.id);
      const round = await Promise.all(
        unsent.flatMap((id) => [deliverOutboxMessage(deps, { outboxId: id, senders, workerId: "w1" }), deliverOutboxMessage(deps, { outboxId: id, senders, workerId: "w2" })]),
      );
      results.push(...round);
      order.push(...unsent.filter((id, i) => round[2 * i]!.outcome === "sent" || round[2 * i + 1]!.outcome === "sent"));
    }
    expect(results.filter((r) => r.outcome === "sent")).toHaveLength(rows.length);
    expect(order).toEqual(rows.map((r) => r.id));
    expect(telegram.sent).toHaveLength(rows.length);
    expect(await db.prisma.outboxMessage.count({ where: { status: "SENT" } })).toBe(rows.length);
  });

  it("on 429 releases the row for later without spending an attempt", async () => {
    const { deps, senders, telegram, row } = await setup();
    telegram.fail({ kind: "rate_limited", retryAfterMs: 5_000 });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toEqual({ outcome: "rate_limited", channel: "TELEGRAM", retryAfterMs: 5_000 });
    const after = await reload(row.id);
    expect(after).toMatchObject({ status: "PENDING", attempts: 0, lockedBy: null });
    expect(after.nextAttemptAt.getTime()).toBe(deps.clock.now().getTime() + 5_000);
    // Not due yet: nothing happens; once due it is sent.
    expect(await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" })).toEqual({ outcome: "not_claimable" });
    deps.clock.advance(5_000);
    expect((await findDueOutboxMessages(deps)).map((d) => d.id)).toEqual([row.id]);
    expect((await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" })).outcome).toBe("sent");
    expect(telegram.sent).toHaveLength(1);
    expect((await reload(row.id)).attempts).toBe(0);
  });

  it("retries 5xx with exponential backoff, then delivers", async () => {
    const { deps, senders, telegram, row } = await setup();
    telegram.fail({ kind: "transient", status: 502 }, { times: 2 });
    const policy = { backoffBaseMs: 10_000 };
    const first = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy });
    expect(first).toMatchObject({ outcome: "retry", attempts: 1 });
    expect((await reload(row.id)).nextAttemptAt.getTime()).toBe(deps.clock.now().getTime() + 10_000);
    deps.clock.advance(10_000);
    const second = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy });
    expect(second).toMatchObject({ outcome: "retry", attempts: 2 });
    expect((await reload(row.id)).nextAttemptAt.getTime()).toBe(deps.clock.now().getTime() + 20_000);
    deps.clock.advance(19_999);
    expect((await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy })).outcome).toBe("not_claimable");
    deps.clock.advance(1);
    expect((await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy })).outcome).toBe("sent");
    expect(telegram.sent).toHaveLength(1);
    expect(telegram.calls).toHaveLength(3);
    expect(await reload(row.id)).toMatchObject({ status: "SENT", attempts: 2, lastError: null });
  });

  it("gives up after maxAttempts transient failures and tells the office", async () => {
    const { deps, s, senders, telegram, row } = await setup();
    telegram.fail({ kind: "transient" }, { times: Infinity });
    const policy = { maxAttempts: 3, backoffBaseMs: 1_000 };
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push((await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy })).outcome);
      deps.clock.advance(60_000);
    }
    expect(outcomes).toEqual(["retry", "retry", "failed"]);
    expect(await reload(row.id)).toMatchObject({ status: "FAILED", attempts: 3 });
    const office = await db.prisma.outboxMessage.findMany({ where: { kind: "office.unreachable" }, orderBy: { userId: "asc" } });
    expect(office.map((o) => o.userId).sort()).toEqual([s.users.office.id, s.users.office2.id].sort());
  });

  it("on 403 marks the identity unreachable and falls back to the other channel at once", async () => {
    const { deps, senders, telegram, zalo, row, tg, za } = await setup();
    telegram.fail({ kind: "blocked" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "sent", channel: "ZALO", identityId: za.id });
    expect(zalo.sentTo("za-head")).toHaveLength(1);
    expect(telegram.sent).toHaveLength(0);
    expect(await db.prisma.chatIdentity.findUniqueOrThrow({ where: { id: tg.id } })).toMatchObject({ status: "UNREACHABLE" });
    const audit = await db.prisma.auditEvent.findMany({ where: { type: "identity.unreachable" } });
    expect(audit.map((a) => a.entityId)).toEqual([tg.id]);
  });

  it("when every channel refuses, fails the row and tells each MONITOR once", async () => {
    const { deps, s, senders, telegram, zalo, row } = await setup();
    telegram.fail({ kind: "blocked" });
    zalo.fail({ kind: "blocked" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "failed", reason: "unreachable", officeNotified: 2 });
    expect(await reload(row.id)).toMatchObject({ status: "FAILED" });
    const office = await db.prisma.outboxMessage.findMany({ where: { kind: "office.unreachable" } });
    expect(office.map((o) => o.userId).sort()).toEqual([s.users.office.id, s.users.office2.id].sort());
    expect(office.every((o) => (o.payload as { userId: string; outboxId: string }).outboxId === row.id)).toBe(true);
    expect(await db.prisma.chatIdentity.count({ where: { userId: s.users.head.id, status: "ACTIVE" } })).toBe(0);
    // The office's message names the person and says why.
    await buildIdentity(db.prisma, s.users.office.id, { channel: "TELEGRAM", chatId: "tg-office" });
    const officeRow = office.find((o) => o.userId === s.users.office.id);
    expect((await deliverOutboxMessage(deps, { outboxId: officeRow!.id, senders, workerId: "w1" })).outcome).toBe("sent");
    const note = telegram.sentTo("tg-office")[0]?.message;
    expect(note?.title).toBe("Không gửi được tin nhắn tới Phạm Thị Dung");
    expect(note?.text).toContain("chặn bot");
    expect(note?.text).toContain("(giao việc)");
  });

  it("treats a person with no linked identity as unreachable", async () => {
    const { deps, s, senders } = await setup();
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "failed", reason: "unreachable", officeNotified: 2 });
  });

  it("fails a permanently refused message and tells the office", async () => {
    const { deps, senders, telegram, row } = await setup();
    telegram.fail({ kind: "permanent" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "failed", reason: "permanent", officeNotified: 2 });
    expect(telegram.sent).toHaveLength(0);
  });

  it("cancels a row whose subject vanished, sending nothing", async () => {
    const { deps, s, senders, telegram, row } = await setup();
    await db.prisma.assignment.update({ where: { id: s.main.id }, data: { status: "CANCELLED" } });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toEqual({ outcome: "cancelled", reason: "assignment cancelled" });
    expect(await reload(row.id)).toMatchObject({ status: "CANCELLED" });
    expect(telegram.calls).toHaveLength(0);
  });

  it("a hung platform call times out as transient before the claim expires", async () => {
    const { deps, senders, telegram, row } = await setup();
    telegram.fail({ kind: "hang" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy: { sendTimeoutMs: 50 } });
    expect(r).toMatchObject({ outcome: "retry", attempts: 1 });
    telegram.releaseHung();
  });

  it("a timed-out send is cancelled through its signal: the platform answering later delivers nothing", async () => {
    const { deps, senders, telegram, row } = await setup();
    telegram.fail({ kind: "hang" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1", policy: { sendTimeoutMs: 50 } });
    expect(r).toMatchObject({ outcome: "retry", attempts: 1, error: "TELEGRAM: send timed out after 50 ms" });
    expect(telegram.signals).toHaveLength(1);
    expect(telegram.signals[0]?.aborted).toBe(true);
    telegram.releaseHung();
    await new Promise((resolve) => setImmediate(resolve));
    expect(telegram.sent).toHaveLength(0);
  });

  it("a worker killed mid-send: after lockedUntil another worker delivers; nothing lost, at most one duplicate", async () => {
    const { deps, senders, telegram, s, row } = await setup();
    await db.prisma.outboxMessage.delete({ where: { id: row.id } });
    // The dead worker claimed the row and may or may not have reached the platform before dying.
    const lockedUntil = new Date(deps.clock.now().getTime() + 120_000);
    const reachedPlatform = await buildOutboxRow(db.prisma, {
      userId: s.users.head.id,
      kind: "assignment.new",
      payload: { assignmentId: s.main.id },
      status: "SENDING",
      lockedUntil,
    });
    const diedBefore = await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.coord.id }, status: "SENDING", lockedUntil });
    await telegram.send({ identityId: "x", channel: "TELEGRAM", chatId: "tg-head", userId: s.users.head.id, locale: "vi" }, { text: "the dead worker's send" });

    for (const r of [reachedPlatform, diedBefore]) expect(await deliverOutboxMessage(deps, { outboxId: r.id, senders, workerId: "w2" })).toEqual({ outcome: "not_claimable" });
    expect(await findDueOutboxMessages(deps)).toEqual([]);

    deps.clock.advance(120_001);
    expect((await findDueOutboxMessages(deps)).map((d) => d.id).sort()).toEqual([reachedPlatform.id, diedBefore.id].sort());
    for (const r of [reachedPlatform, diedBefore]) expect((await deliverOutboxMessage(deps, { outboxId: r.id, senders, workerId: "w2" })).outcome).toBe("sent");
    // Each message arrived at least once; the one the dead worker had sent arrived twice, not more.
    expect(telegram.sentTo("tg-head")).toHaveLength(3);
    for (const r of [reachedPlatform, diedBefore]) {
      expect(await reload(r.id)).toMatchObject({ status: "SENT" });
      expect((await deliverOutboxMessage(deps, { outboxId: r.id, senders, workerId: "w3" })).outcome).toBe("not_claimable");
    }
  });
});

// A channel that keeps messages for everyone (the web chat's `inbox: true`), recorded.
const inboxSender = (): RecordingSender & { inbox: true } => Object.assign(createRecordingSender("WEB"), { inbox: true as const });

describe("deliverOutboxMessage with an inbox channel (the web chat is every person's inbox)", () => {
  it("keeps the message in the inbox of a person who never linked a chat: sent, no identity, nobody else told", async () => {
    const { deps, s, senders } = await setup();
    const web = inboxSender();
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" });
    expect(r).toEqual({ outcome: "sent", channel: "WEB", identityId: null, platformMessageId: "web-1", recorded: true, inbox: { officeNotified: 0 } });
    // Rendered for that person; addressed to them by user id.
    expect(web.sent.map((x) => [x.target.userId, x.target.chatId, x.target.identityId, x.message.title])).toEqual([
      [s.users.officer.id, s.users.officer.id, null, "[KHẨN] Giao việc D7-TCKH"],
    ]);
    expect(await reload(row.id)).toMatchObject({ status: "SENT", channel: "WEB", identityId: null, platformMessageId: "web-1" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable" } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "outbox.failed" } })).toBe(0);
  });

  it("a linked chat comes first: the inbox is not used, nothing is sent twice", async () => {
    const { deps, senders, telegram, row, tg } = await setup();
    const web = inboxSender();
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" });
    expect(r).toEqual({ outcome: "sent", channel: "TELEGRAM", identityId: tg.id, platformMessageId: "telegram-1", recorded: true });
    expect(telegram.sent).toHaveLength(1);
    expect(web.calls).toHaveLength(0);
  });

  it("a transient failure on the linked chat retries later; it does not fall through to the inbox", async () => {
    const { deps, senders, telegram, row } = await setup();
    const web = inboxSender();
    telegram.fail({ kind: "transient", status: 502 });
    expect(await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" })).toMatchObject({ outcome: "retry", attempts: 1 });
    expect(web.calls).toHaveLength(0);
  });

  it("every linked chat refuses (403): kept in the inbox, and the office is told so, once per monitor", async () => {
    const { deps, s, senders, telegram, zalo, row } = await setup();
    const web = inboxSender();
    telegram.fail({ kind: "blocked" });
    zalo.fail({ kind: "blocked" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "sent", channel: "WEB", identityId: null, recorded: true, inbox: { officeNotified: 2 } });
    expect(web.sent).toHaveLength(1);
    expect(await reload(row.id)).toMatchObject({ status: "SENT", channel: "WEB" });
    const office = await db.prisma.outboxMessage.findMany({ where: { kind: "office.unreachable" } });
    expect(office.map((o) => o.userId).sort()).toEqual([s.users.office.id, s.users.office2.id].sort());
    // The office's notice says why, and that the message waits in the person's web inbox.
    const officeRow = office.find((o) => o.userId === s.users.office.id)!;
    await buildIdentity(db.prisma, s.users.office.id, { channel: "TELEGRAM", chatId: "tg-office" });
    expect((await deliverOutboxMessage(deps, { outboxId: officeRow.id, senders: { ...senders, WEB: web }, workerId: "w1" })).outcome).toBe("sent");
    const note = telegram.sentTo("tg-office")[0]?.message;
    expect(note?.text).toContain("chặn bot");
    expect(note?.text).toContain("Thông báo vẫn được giữ trong hộp thư web của người này: họ sẽ thấy khi đăng nhập.");
  });

  it("chats that refused before (UNREACHABLE) still make the office hear of the next message", async () => {
    const { deps, s, senders, row, tg, za } = await setup();
    const web = inboxSender();
    await db.prisma.chatIdentity.updateMany({ where: { id: { in: [tg.id, za.id] } }, data: { status: "UNREACHABLE" } });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "sent", channel: "WEB", inbox: { officeNotified: 2 } });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable", userId: { not: s.users.head.id } } })).toBe(2);
  });

  it("a person signed in to the web chat: that identity takes its turn by last use, and no inbox copy is added", async () => {
    const { deps, s, senders, telegram, zalo, row } = await setup();
    const web = inboxSender();
    const webIdentity = await buildIdentity(db.prisma, s.users.head.id, { channel: "WEB", chatId: s.users.head.id, lastSeenAt: new Date("2026-11-01T02:00:00Z") });
    telegram.fail({ kind: "blocked" });
    zalo.fail({ kind: "blocked" });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { ...senders, WEB: web }, workerId: "w1" });
    expect(r).toEqual({ outcome: "sent", channel: "WEB", identityId: webIdentity.id, platformMessageId: "web-1", recorded: true });
    expect(web.calls).toHaveLength(1);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable" } })).toBe(0);
  });

  it("a linked chat whose channel is not configured: the inbox takes it instead of retrying", async () => {
    const { deps, s, row } = await setup();
    const web = inboxSender();
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders: { WEB: web }, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "sent", channel: "WEB", identityId: null, inbox: { officeNotified: 0 } });
    expect(web.sent.map((x) => x.target.userId)).toEqual([s.users.head.id]);
  });

  it("an inbox keeps the order of addressing: a newer row waits while an older one is due, without spending an attempt", async () => {
    const { deps, s, senders } = await setup();
    const web = inboxSender();
    const all = { ...senders, WEB: web };
    const at = (sec: number) => new Date(deps.clock.now().getTime() - 60_000 + sec * 1_000);
    const rows = [];
    for (const [i, a] of [s.main, s.coord, s.info].entries())
      rows.push(await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: a.id }, createdAt: at(i) }));
    const [first, second, third] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // The workers happen to take the newest first: it waits for the oldest still due.
    expect(await deliverOutboxMessage(deps, { outboxId: third.id, senders: all, workerId: "w1" })).toEqual({ outcome: "deferred", afterOutboxId: first.id });
    expect(await reload(third.id)).toMatchObject({ status: "PENDING", attempts: 0, lockedBy: null });
    expect((await findDueOutboxMessages(deps)).map((d) => d.id)).toContain(third.id);
    expect((await deliverOutboxMessage(deps, { outboxId: first.id, senders: all, workerId: "w1" })).outcome).toBe("sent");
    expect(await deliverOutboxMessage(deps, { outboxId: third.id, senders: all, workerId: "w1" })).toEqual({ outcome: "deferred", afterOutboxId: second.id });
    expect((await deliverOutboxMessage(deps, { outboxId: second.id, senders: all, workerId: "w1" })).outcome).toBe("sent");
    expect((await deliverOutboxMessage(deps, { outboxId: third.id, senders: all, workerId: "w1" })).outcome).toBe("sent");
    expect(web.sent.map((x) => x.message.title)).toEqual(["[KHẨN] Giao việc D7-TCKH", "[KHẨN] Giao việc D7-TP", "[KHẨN] Giao việc D7-VP"]);
  });

  it("an older row that is not due yet (a retry's backoff, a quiet-hours reminder) does not hold a newer one back", async () => {
    const { deps, s } = await setup();
    const web = inboxSender();
    const earlier = new Date(deps.clock.now().getTime() - 60_000);
    await buildOutboxRow(db.prisma, {
      userId: s.users.officer.id,
      kind: "assignment.new",
      payload: { assignmentId: s.main.id },
      createdAt: earlier,
      nextAttemptAt: new Date(deps.clock.now().getTime() + 3_600_000),
    });
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.coord.id } });
    expect((await deliverOutboxMessage(deps, { outboxId: row.id, senders: { WEB: web }, workerId: "w1" })).outcome).toBe("sent");
  });

  it("without an inbox channel nothing changes: a person with no linked chat fails, and says how many monitors were told", async () => {
    const { deps, s, senders } = await setup();
    await db.prisma.user.updateMany({ where: { id: { in: [s.users.office.id, s.users.office2.id] } }, data: { active: false } });
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const r = await deliverOutboxMessage(deps, { outboxId: row.id, senders, workerId: "w1" });
    expect(r).toMatchObject({ outcome: "failed", reason: "unreachable", officeNotified: 0, kind: "assignment.new" });
  });
});
