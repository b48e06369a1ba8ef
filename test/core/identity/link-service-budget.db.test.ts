// The service-wide budget of wrong link codes (issue 20, lock-out beyond one chat): an attacker who
// rotates chats or browsers gets fresh per-chat tries each time, but not a fresh service budget.
// Runs on PGlite and, with DATABASE_URL, PostgreSQL (where the parallel tries really run at once).
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { SERVICE_THROTTLE_KEY } from "../../../core/identity/link-code-guard.ts";
import { redeemLinkCode } from "../../../core/identity/redeem-link-code.ts";
import { t } from "../../../core/messages/index.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { signInWithCode } from "../../../core/sessions/sign-in-with-code.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  await importOrganization(createTestDeps(db.prisma), { text: await readFile("examples/quy-nhon.yaml", "utf8") });
});

const chat = (id: string, code: string) => ({ channel: "TELEGRAM" as const, externalUserId: id, chatId: id, code });
const errorOf = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DomainError | null;
const serviceEntity = `${SERVICE_THROTTLE_KEY.channel}:${SERVICE_THROTTLE_KEY.chatId}`;
const serviceAudit = () => db.prisma.auditEvent.findMany({ where: { entityId: serviceEntity }, select: { type: true, data: true }, orderBy: { seq: "asc" } });
const officeNotices = () => db.prisma.outboxMessage.findMany({ where: { kind: "office.linkCodesLocked" }, select: { userId: true, payload: true } });
const monitorIds = async () =>
  (await db.prisma.user.findMany({ where: { active: true, roles: { has: "MONITOR" } }, select: { id: true }, orderBy: { id: "asc" } })).map((u) => u.id);

describe("the service-wide budget of wrong link codes", () => {
  it("49 parallel wrong tries from 49 chats: at most the budget is evaluated; locked, audited and announced once", async () => {
    const clock = createTestClock();
    const deps = createTestDeps(db.prisma, { clock, settings: { linkServiceMaxFailures: 20, linkServiceWindowMinutes: 30 } });
    const errors = await Promise.all(Array.from({ length: 49 }, (_, i) => errorOf(redeemLinkCode(deps, chat(`attacker-${i}`, "WRNG-CODE")))));
    const evaluated = errors.filter((e) => e?.code === "LINK_CODE_INVALID").length;
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(20);
    const refused = errors.filter((e) => e?.code === "LINK_LOCKED");
    expect(refused).toHaveLength(49 - evaluated);
    // Refused for the service's sake, with its own message (each chat had only one try).
    for (const e of refused) expect(e!.messageKey).toBe("link.serviceLocked");
    expect(await db.prisma.auditEvent.count({ where: { type: "link.failed" } })).toBe(evaluated);

    // The lock: one audit event and one notice per MONITOR user, however many tries found the budget spent.
    const audit = await serviceAudit();
    expect(audit.map((a) => a.type)).toEqual(["link.locked"]);
    expect(audit[0]!.data).toMatchObject({ scope: "service", maxTries: 20, windowMinutes: 30 });
    const notices = await officeNotices();
    expect(notices.map((n) => n.userId).sort()).toEqual(await monitorIds());
    expect(notices.length).toBeGreaterThanOrEqual(1);

    // Meanwhile a right code from a fresh chat is refused too, with "try again in N minutes" — and not audited again.
    const { code } = await issueLinkCode(deps, { userCode: "tp.tckh" });
    clock.advance(10 * 60_000);
    const meanwhile = await errorOf(redeemLinkCode(deps, chat("fresh-1", code)));
    expect(meanwhile).toMatchObject({ code: "LINK_LOCKED", messageKey: "link.serviceLocked", params: { minutes: 20 } });
    expect(t("vi", meanwhile!.messageKey, meanwhile!.params)).toBe(
      "Hệ thống đang tạm ngừng nhận mã liên kết vì có quá nhiều lần nhập sai mã. Vui lòng thử lại sau 20 phút, hoặc liên hệ quản trị viên để được hỗ trợ.",
    );
    expect((await serviceAudit()).length).toBe(1);
    expect((await officeNotices()).length).toBe(notices.length);
    expect(await db.prisma.linkCode.count({ where: { usedAt: { not: null } } })).toBe(0);

    // After the window, a right code from a fresh chat works.
    clock.advance(21 * 60_000);
    expect((await redeemLinkCode(deps, chat("fresh-2", code))).userName).toBe("Phạm Thị Dung");
  });

  it("the office's notice says that codes are being guessed and until when they are refused", async () => {
    const deps = createTestDeps(db.prisma, { clock: createTestClock("2026-12-01T02:00:00Z"), settings: { linkServiceMaxFailures: 3 } });
    for (let i = 0; i < 3; i++) expect((await errorOf(redeemLinkCode(deps, chat(`g-${i}`, "WRNG-CODE"))))?.code).toBe("LINK_CODE_INVALID");
    const [notice] = await officeNotices();
    expect(notice).toBeDefined();
    const vi = await renderOutboxMessage(deps, { kind: "office.linkCodesLocked", payload: notice!.payload as never, userId: notice!.userId, locale: "vi" });
    expect(vi.ok).toBe(true);
    if (vi.ok) {
      expect(vi.message.title).toContain("dò mã");
      // 02:30 UTC is 09:30 in Hồ Chí Minh City.
      expect(vi.message.text).toContain("09:30");
      expect(vi.message.text).toContain("3 lần nhập sai mã liên kết trong vòng 30 phút");
    }
  });

  it("a right code gives its try back and never resets other people's wrong tries", async () => {
    const deps = createTestDeps(db.prisma, { settings: { linkServiceMaxFailures: 3 } });
    for (const id of ["a", "b"]) expect((await errorOf(redeemLinkCode(deps, chat(id, "WRNG-CODE"))))?.code).toBe("LINK_CODE_INVALID");
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    expect((await redeemLinkCode(deps, chat("c", code))).userName).toBe("Lê Văn Cường");
    // The right code's try was given back (so this third wrong one is still evaluated), and the two
    // wrong ones still count (so it spends the budget).
    expect((await errorOf(redeemLinkCode(deps, chat("d", "WRNG-CODE"))))?.code).toBe("LINK_CODE_INVALID");
    const other = await issueLinkCode(deps, { userCode: "tp.tp" });
    expect(await errorOf(redeemLinkCode(deps, chat("e", other.code)))).toMatchObject({ code: "LINK_LOCKED", messageKey: "link.serviceLocked" });
    expect((await serviceAudit()).map((a) => a.type)).toEqual(["link.locked"]);
  });

  it("web sign-ins count against the same budget, and are refused with chats when it is spent", async () => {
    const deps = createTestDeps(db.prisma, { settings: { linkServiceMaxFailures: 4 } });
    for (let i = 0; i < 2; i++) expect((await errorOf(redeemLinkCode(deps, chat(`t-${i}`, "WRNG-CODE"))))?.code).toBe("LINK_CODE_INVALID");
    for (let i = 0; i < 2; i++) {
      const e = await errorOf(signInWithCode(deps, { code: "WRNG-CODE", clientIp: `10.0.0.${i}`, browserId: `browser-${i}-0123456789abcdef` }));
      expect(e?.code).toBe("LINK_CODE_INVALID");
    }
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    const e = await errorOf(signInWithCode(deps, { code, clientIp: "10.0.0.9", browserId: "browser-9-0123456789abcdef" }));
    expect(e).toMatchObject({ code: "LINK_LOCKED", messageKey: "link.serviceLocked" });
    expect(await db.prisma.webSession.count()).toBe(0);
  });

  it("a locked chat does not use up the service's budget", async () => {
    const deps = createTestDeps(db.prisma, { settings: { linkMaxFailures: 5, linkServiceMaxFailures: 8 } });
    for (let i = 0; i < 12; i++) await errorOf(redeemLinkCode(deps, chat("one-chat", "WRNG-CODE")));
    // 5 wrong tries spent the chat's allowance; the 7 refused after them never reached the service's key.
    const service = await db.prisma.linkThrottle.findUniqueOrThrow({ where: { channel_chatId: SERVICE_THROTTLE_KEY }, select: { failures: true, lockedUntil: true } });
    expect(service).toEqual({ failures: 5, lockedUntil: null });
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    expect((await redeemLinkCode(deps, chat("another-chat", code))).userName).toBe("Lê Văn Cường");
  });
});
