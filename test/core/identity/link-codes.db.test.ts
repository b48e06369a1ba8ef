import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { DomainError } from "../../../core/errors.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { hashLinkCode } from "../../../core/identity/link-code-format.ts";
import { redeemLinkCode } from "../../../core/identity/redeem-link-code.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
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
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

describe("link codes", () => {
  it("link a chat once: a second use of the same code is refused", async () => {
    const deps = createTestDeps(db.prisma);
    const { code } = await issueLinkCode(deps, { userCode: "tp.tckh" });
    const linked = await redeemLinkCode(deps, chat("111", code));
    expect(linked.userName).toBe("Phạm Thị Dung");
    expect(await codeOf(redeemLinkCode(deps, chat("222", code)))).toBe("LINK_CODE_INVALID");
    const identities = await db.prisma.chatIdentity.findMany({ select: { externalUserId: true } });
    expect(identities).toEqual([{ externalUserId: "111" }]);
  });

  it("accepts the code typed in lower case and without the dash", async () => {
    const deps = createTestDeps(db.prisma);
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    expect((await redeemLinkCode(deps, chat("5", ` ${code.replace("-", "").toLowerCase()} `))).userName).toBe("Lê Văn Cường");
  });

  it("expires after the configured time", async () => {
    const clock = createTestClock("2026-12-01T02:00:00Z");
    const deps = createTestDeps(db.prisma, { clock, settings: { linkCodeTtlHours: 72 } });
    const { code, expiresAt } = await issueLinkCode(deps, { userCode: "cvp" });
    expect(expiresAt.toISOString()).toBe("2026-12-04T02:00:00.000Z");
    clock.set("2026-12-04T02:00:00Z");
    expect(await codeOf(redeemLinkCode(deps, chat("9", code)))).toBe("LINK_CODE_EXPIRED");
  });

  it("locks a chat after 5 wrong tries, even for a right code, and unlocks later", async () => {
    const clock = createTestClock();
    const deps = createTestDeps(db.prisma, { clock });
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    for (let i = 0; i < 5; i++) expect(await codeOf(redeemLinkCode(deps, chat("66", "WRNG-CODE")))).toBe("LINK_CODE_INVALID");
    expect(await codeOf(redeemLinkCode(deps, chat("66", code)))).toBe("LINK_LOCKED");
    // Another chat is not affected.
    const other = await issueLinkCode(deps, { userCode: "tp.tp" });
    expect((await redeemLinkCode(deps, chat("77", other.code))).userName).toBe("Bùi Quang Khải");
    clock.advance(31 * 60_000);
    expect((await redeemLinkCode(deps, chat("66", code))).userName).toBe("Lê Văn Cường");
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: "TELEGRAM:66" }, select: { type: true }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.type)).toEqual(["link.failed", "link.failed", "link.failed", "link.failed", "link.failed", "link.locked", "action.refused"]);
  });

  it("never stores the code in clear", async () => {
    const deps = createTestDeps(db.prisma);
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    const rows = await db.prisma.linkCode.findMany();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(JSON.stringify(rows)).not.toContain(code.replace("-", ""));
    expect(rows[0]!.codeHash).toBe(hashLinkCode(code));
    const audit = JSON.stringify(await db.prisma.auditEvent.findMany({ select: { data: true } }));
    expect(audit).not.toContain(code.replace("-", ""));
  });

  it("moves an identity re-linked to another user, and audits it", async () => {
    const deps = createTestDeps(db.prisma);
    await redeemLinkCode(deps, chat("42", (await issueLinkCode(deps, { userCode: "cv.tckh" })).code));
    const moved = await redeemLinkCode(deps, chat("42", (await issueLinkCode(deps, { userCode: "tp.tckh" })).code));
    expect(moved.moved).toBe(true);
    const identity = await db.prisma.chatIdentity.findFirstOrThrow({ where: { externalUserId: "42" }, select: { user: { select: { code: true } } } });
    expect(identity.user.code).toBe("tp.tckh");
    expect(await db.prisma.auditEvent.count({ where: { type: "identity.moved" } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { type: "identity.linked" } })).toBe(1);
  });

  // Race test: it means something on PostgreSQL (49 connections really run at once; the db project runs
  // on PostgreSQL in `npm test`). On PGlite (one session) the tries interleave only between statements.
  it("49 parallel wrong tries from one chat: at most 5 are evaluated, the rest are refused as locked", async () => {
    const deps = createTestDeps(db.prisma);
    const tries = await Promise.all(Array.from({ length: 49 }, () => codeOf(redeemLinkCode(deps, chat("99", "WRNG-CODE")))));
    const evaluated = tries.filter((c) => c === "LINK_CODE_INVALID").length;
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(tries.filter((c) => c === "LINK_LOCKED")).toHaveLength(49 - evaluated);
    // Each evaluated try is audited once; the count the chat is judged by is not lost.
    expect(await db.prisma.auditEvent.count({ where: { type: "link.failed", entityId: "TELEGRAM:99" } })).toBe(evaluated);
    const throttle = await db.prisma.linkThrottle.findUniqueOrThrow({ where: { channel_chatId: { channel: "TELEGRAM", chatId: "99" } } });
    expect(throttle.failures).toBeGreaterThanOrEqual(5);
    // The chat stays locked afterwards, even for a right code.
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    expect(await codeOf(redeemLinkCode(deps, chat("99", code)))).toBe("LINK_LOCKED");
  });

  // Race test: it means something on PostgreSQL, where the two redemptions really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("lets one of two chats racing with the same code win", async () => {
    const deps = createTestDeps(db.prisma);
    const { code } = await issueLinkCode(deps, { userCode: "cvp" });
    const results = await Promise.allSettled([redeemLinkCode(deps, chat("1", code)), redeemLinkCode(deps, chat("2", code))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.prisma.chatIdentity.count()).toBe(1);
  });
});
