import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { redeemLinkCode } from "../../../core/identity/redeem-link-code.ts";
import { resolveIdentity } from "../../../core/identity/resolve-identity.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { authenticateSession, isWebSessionActive } from "../../../core/sessions/authenticate-session.ts";
import { hashSessionToken } from "../../../core/sessions/session-token.ts";
import { signInWithCode } from "../../../core/sessions/sign-in-with-code.ts";
import { revokeWebSessions, signOut } from "../../../core/sessions/sign-out.ts";
import { appendWebMessages, listWebMessages, setWebMessageActions } from "../../../core/sessions/web-messages.ts";
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

const HOUR = 3_600_000;
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

describe("signing in to the web chat with a link code", () => {
  it("opens a session stored hashed and a WEB identity (chatId = user id) the conversation and the outbox use", async () => {
    const deps = createTestDeps(db.prisma);
    const { code, userId } = await issueLinkCode(deps, { userCode: "tp.tckh" });
    const s = await signInWithCode(deps, { code, clientIp: "10.0.0.7", userAgent: "test" });
    expect(s.userName).toBe("Phạm Thị Dung");
    expect(s.expiresAt.getTime() - deps.clock.now().getTime()).toBe(7 * 24 * HOUR);
    const rows = await db.prisma.webSession.findMany({ select: { tokenHash: true, userId: true } });
    expect(rows).toEqual([{ tokenHash: hashSessionToken(s.token), userId }]);
    expect(JSON.stringify(rows)).not.toContain(s.token);
    const identity = await resolveIdentity(deps, { channel: "WEB", externalUserId: userId });
    expect(identity).toMatchObject({ chatId: userId, actor: { id: userId } });
    const audit = await db.prisma.auditEvent.findMany({ where: { type: { in: ["web.signedIn", "identity.linked"] } }, select: { type: true } });
    expect(audit.map((a) => a.type).sort()).toEqual(["identity.linked", "web.signedIn"]);
    expect((await authenticateSession(deps, { token: s.token }))?.actor.code).toBe("tp.tckh");
  });

  it("a code is single-use: used for the web it cannot link a chat, and the other way round", async () => {
    const deps = createTestDeps(db.prisma);
    const a = await issueLinkCode(deps, { userCode: "cvp" });
    await signInWithCode(deps, { code: a.code, clientIp: "10.0.0.1" });
    expect(await codeOf(redeemLinkCode(deps, { channel: "TELEGRAM", externalUserId: "9", chatId: "9", code: a.code }))).toBe("LINK_CODE_INVALID");
    const b = await issueLinkCode(deps, { userCode: "cvp" });
    await redeemLinkCode(deps, { channel: "TELEGRAM", externalUserId: "9", chatId: "9", code: b.code });
    expect(await codeOf(signInWithCode(deps, { code: b.code, clientIp: "10.0.0.1" }))).toBe("LINK_CODE_INVALID");
  });

  it("locks a browser after 5 wrong codes (audited); another browser behind the same office address still signs in", async () => {
    const deps = createTestDeps(db.prisma);
    const NAT = "203.0.113.50";
    const typist = "browser-of-the-typist-0001";
    for (let i = 0; i < 5; i++) expect(await codeOf(signInWithCode(deps, { code: "WRNG-CODE", clientIp: NAT, browserId: typist }))).toBe("LINK_CODE_INVALID");
    const mine = await issueLinkCode(deps, { userCode: "vanthu" });
    expect(await codeOf(signInWithCode(deps, { code: mine.code, clientIp: NAT, browserId: typist }))).toBe("LINK_LOCKED");
    // The colleague at the next desk, same NAT address, own browser: not locked out.
    const theirs = await issueLinkCode(deps, { userCode: "cvp" });
    expect((await signInWithCode(deps, { code: theirs.code, clientIp: NAT, browserId: "browser-of-the-colleague-01" })).userName).toBe("Lê Văn Cường");
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: `WEB:browser:${typist}` }, orderBy: { seq: "asc" }, select: { type: true, data: true } });
    expect(audit.map((a) => a.type)).toEqual(["link.failed", "link.failed", "link.failed", "link.failed", "link.failed", "link.locked", "action.refused"]);
    expect(audit[4]!.data).toMatchObject({ failures: 5, also: { [`WEB:ip:${NAT}`]: 5 } });
  });

  it("an address is locked after settings.linkMaxFailuresPerAddress wrong codes, whatever browsers they came from", async () => {
    const deps = createTestDeps(db.prisma, { settings: { linkMaxFailuresPerAddress: 8 } });
    const NAT = "203.0.113.51";
    // A prober that drops its cookie every time: each try looks like a new browser.
    for (let i = 0; i < 8; i++)
      expect(await codeOf(signInWithCode(deps, { code: "WRNG-CODE", clientIp: NAT, browserId: `fresh-browser-${String(i).padStart(6, "0")}` }))).toBe("LINK_CODE_INVALID");
    const { code } = await issueLinkCode(deps, { userCode: "vanthu" });
    expect(await codeOf(signInWithCode(deps, { code, clientIp: NAT, browserId: "an-honest-browser-000001" }))).toBe("LINK_LOCKED");
    expect(await db.prisma.auditEvent.count({ where: { type: "link.locked", entityId: `WEB:ip:${NAT}` } })).toBe(1);
    expect((await signInWithCode(deps, { code, clientIp: "198.51.100.9", browserId: "an-honest-browser-000001" })).userName).toBe("Trần Thị Bình");
  });

  it("right codes give the shared address its tries back: a busy office is never locked by its own sign-ins", async () => {
    const deps = createTestDeps(db.prisma, { settings: { linkMaxFailuresPerAddress: 3 } });
    for (let i = 0; i < 6; i++) {
      const { code } = await issueLinkCode(deps, { userCode: "vanthu" });
      await signInWithCode(deps, { code, clientIp: "203.0.113.52", browserId: `office-browser-${String(i).padStart(8, "0")}` });
    }
    const row = await db.prisma.linkThrottle.findUniqueOrThrow({ where: { channel_chatId: { channel: "WEB", chatId: "ip:203.0.113.52" } } });
    expect(row).toMatchObject({ failures: 0, lockedUntil: null });
  });

  // Race test: it means something on PostgreSQL (the tries really run at once on 49 connections; the db
  // project runs on PostgreSQL in `npm test`); on PGlite (one session) they interleave between statements.
  it("49 parallel wrong codes from one browser: at most 5 evaluated", async () => {
    const deps = createTestDeps(db.prisma);
    const tries = await Promise.all(
      Array.from({ length: 49 }, () => codeOf(signInWithCode(deps, { code: "WRNG-CODE", clientIp: "203.0.113.53", browserId: "browser-racing-000000001" }))),
    );
    const evaluated = tries.filter((c) => c === "LINK_CODE_INVALID").length;
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(tries.filter((c) => c === "LINK_LOCKED")).toHaveLength(49 - evaluated);
    expect(await db.prisma.auditEvent.count({ where: { type: "link.failed" } })).toBe(evaluated);
  });

  it("without a browser id, an address is locked after 5 wrong codes (audited), while another address still signs in", async () => {
    const deps = createTestDeps(db.prisma);
    for (let i = 0; i < 5; i++) expect(await codeOf(signInWithCode(deps, { code: "WRNG-CODE", clientIp: "203.0.113.9" }))).toBe("LINK_CODE_INVALID");
    const { code } = await issueLinkCode(deps, { userCode: "vanthu" });
    expect(await codeOf(signInWithCode(deps, { code, clientIp: "203.0.113.9" }))).toBe("LINK_LOCKED");
    expect(await db.prisma.auditEvent.count({ where: { type: "link.failed" } })).toBe(5);
    expect(await db.prisma.auditEvent.count({ where: { type: "link.locked" } })).toBe(1);
    expect((await signInWithCode(deps, { code, clientIp: "198.51.100.4" })).userName).toBe("Trần Thị Bình");
  });

  it("refuses an expired code", async () => {
    const clock = createTestClock();
    const deps = createTestDeps(db.prisma, { clock });
    const { code } = await issueLinkCode(deps, { userCode: "vanthu" });
    clock.advance(73 * HOUR);
    expect(await codeOf(signInWithCode(deps, { code, clientIp: "10.0.0.2" }))).toBe("LINK_CODE_EXPIRED");
  });
});

describe("web sessions", () => {
  const signedIn = async (clock = createTestClock()) => {
    const deps = createTestDeps(db.prisma, { clock });
    const { code } = await issueLinkCode(deps, { userCode: "tp.tckh" });
    return { deps, clock, session: await signInWithCode(deps, { code, clientIp: "10.0.0.7" }) };
  };

  it("rotates the token after 15 minutes; the old one works for a minute's grace, then not", async () => {
    const { deps, clock, session } = await signedIn();
    clock.advance(10 * 60_000);
    expect((await authenticateSession(deps, { token: session.token }))?.newToken).toBeUndefined();
    clock.advance(6 * 60_000);
    const rotated = await authenticateSession(deps, { token: session.token });
    expect(rotated?.newToken).toBeDefined();
    expect(rotated?.sessionId).toBe(session.sessionId);
    expect(await authenticateSession(deps, { token: session.token, rotate: false })).not.toBeNull();
    clock.advance(61_000);
    expect(await authenticateSession(deps, { token: session.token })).toBeNull();
    expect((await authenticateSession(deps, { token: rotated!.newToken! }))?.actor.code).toBe("tp.tckh");
  });

  it("ends after 12 idle hours, and after 7 days whatever the activity", async () => {
    const { deps, clock, session } = await signedIn();
    clock.advance(11 * HOUR);
    expect(await authenticateSession(deps, { token: session.token, rotate: false })).not.toBeNull();
    clock.advance(11 * HOUR);
    expect(await authenticateSession(deps, { token: session.token, rotate: false })).not.toBeNull();
    clock.advance(12 * HOUR + 1);
    expect(await authenticateSession(deps, { token: session.token, rotate: false })).toBeNull();
    expect(await isWebSessionActive(deps, { sessionId: session.sessionId })).toBe(false);

    const other = await signedIn(createTestClock());
    let token = other.session.token;
    for (let h = 0; h < 7 * 24; h += 6) {
      other.clock.advance(6 * HOUR);
      const s = await authenticateSession(other.deps, { token });
      if (h + 6 < 7 * 24) expect(s).not.toBeNull();
      else expect(s).toBeNull();
      token = s?.newToken ?? token;
    }
  });

  it("signs out one session; `edoc user logout` revokes all of a person's sessions and unlinks the web identity", async () => {
    const { deps, session } = await signedIn();
    const { code } = await issueLinkCode(deps, { userCode: "tp.tckh" });
    const second = await signInWithCode(deps, { code, clientIp: "10.0.0.8" });
    expect(await signOut(deps, { sessionId: session.sessionId })).toEqual({ signedOut: true });
    expect(await authenticateSession(deps, { token: session.token })).toBeNull();
    expect(await authenticateSession(deps, { token: second.token })).not.toBeNull();
    const r = await revokeWebSessions(deps, { userCode: "tp.tckh" });
    expect(r.revoked).toBe(1);
    expect(await authenticateSession(deps, { token: second.token })).toBeNull();
    expect(await resolveIdentity(deps, { channel: "WEB", externalUserId: second.userId })).toBeNull();
    expect(await db.prisma.auditEvent.count({ where: { type: { in: ["web.signedOut", "web.sessionsRevoked"] } } })).toBe(2);
    expect(await codeOf(revokeWebSessions(deps, { userCode: "nobody" }))).toBe("USER_NOT_FOUND");
  });

  it("refuses the session of a person who was deactivated", async () => {
    const { deps, session } = await signedIn();
    await db.prisma.user.update({ where: { id: session.userId }, data: { active: false } });
    expect(await authenticateSession(deps, { token: session.token })).toBeNull();
  });
});

describe("web history", () => {
  it("keeps a person's messages in order, pages them, and updates a message's buttons", async () => {
    const deps = createTestDeps(db.prisma);
    const user = await db.prisma.user.findFirstOrThrow({ where: { code: "vanthu" }, select: { id: true } });
    await appendWebMessages(deps, { userId: user.id, direction: "IN", payloads: [{ text: "/viec" }] });
    const out = await appendWebMessages(deps, {
      userId: user.id,
      direction: "OUT",
      payloads: [{ text: "một" }, { text: "hai", actions: [{ label: "Nhận", command: "/nhan D1-TCKH", callback: "a1:ack:x" }] }],
    });
    const all = await listWebMessages(deps, { userId: user.id });
    expect(all.map((m) => (m.direction === "IN" ? m.payload.text : m.payload.text))).toEqual(["/viec", "một", "hai"]);
    expect((await listWebMessages(deps, { userId: user.id, afterSeq: all[0]!.seq })).length).toBe(2);
    expect((await listWebMessages(deps, { userId: user.id, beforeSeq: all[2]!.seq, limit: 1 })).map((m) => m.seq)).toEqual([all[1]!.seq]);
    const updated = await setWebMessageActions(deps, { userId: user.id, id: out[1]!.id, actions: [] });
    expect(updated?.direction === "OUT" && updated.payload.actions).toEqual([]);
    const stranger = await db.prisma.user.findFirstOrThrow({ where: { code: "tp.nv" }, select: { id: true } });
    expect(await setWebMessageActions(deps, { userId: stranger.id, id: out[1]!.id, actions: [] })).toBeNull();
    expect(await listWebMessages(deps, { userId: stranger.id })).toEqual([]);
  });
});
