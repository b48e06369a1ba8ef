// Issue 21: the 07:30 digest also lists the documents waiting for a directive, the assignments not
// yet acknowledged and the documents received since the previous working day; a secret document's
// trích yếu never goes into it (it is sent through Telegram and Zalo).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { buildOfficeDigest, sendOfficeDigest } from "../../../core/reports/office-digest.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock });
const at = (local: string) => clock.set(new Date(`${local}+07:00`));
const SECRET_SUBJECT = "V/v phương án bảo vệ mục tiêu trọng điểm";
const refs: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  invalidateOrgCalendar();
  clock = createTestClock(new Date("2026-11-26T08:00:00+07:00"));
  org = await setupExampleOrg(deps());
  const register = async (name: string, when: string, over: Parameters<typeof registerSample>[2] = {}) => {
    at(when);
    const r = await registerSample(deps(), org, { codeNumber: String(60 + Object.keys(refs).length), subject: `V/v việc ${name}`, ...over });
    refs[name] = r.documentId;
    return r;
  };
  // Thu 26/11: C, never directed (waiting, but not received "since Friday").
  await register("C", "2026-11-26T08:00:00");
  // Fri 27/11: A directed (TCKH acknowledges, TP does not), B waiting; Sat 28/11: a secret one.
  await register("A", "2026-11-27T08:00:00", { urgency: "URGENT" });
  at("2026-11-27T09:00:00");
  const directive = await issueDirective(deps(), {
    actorUserId: org.users.chutich!,
    documentId: refs.A!,
    text: "Giao TCKH chủ trì.",
    main: "TCKH",
    coordinate: ["TP"],
    info: ["NB"],
    due: { date: "2026-12-10" },
  });
  const tckh = directive.assignments.find((a) => a.unitCode === "TCKH")!;
  at("2026-11-27T09:30:00");
  await acknowledgeAssignment(deps(), { actorUserId: org.users["tp.tckh"]!, assignmentId: tckh.assignmentId, channel: "TELEGRAM" });
  await register("B", "2026-11-27T14:00:00");
  await register("S", "2026-11-28T09:00:00", { secrecy: "CONFIDENTIAL", subject: SECRET_SUBJECT, issuer: "Công an tỉnh Gia Lai", codeNumber: "12", codeNotation: "CAT-PV01" });
  // Mon 30/11 07:10: registered this morning, after the digest's day began: not "received since Friday".
  await register("E", "2026-11-30T07:10:00");
});
afterAll(async () => db.close());

describe("the morning digest's lists", () => {
  it("waiting for a directive, not acknowledged, received since the previous working day; a secret one without its trích yếu", async () => {
    const digest = await buildOfficeDigest(deps(), { orgId: org.orgId, date: "2026-11-30" });
    expect(digest.totals).toEqual({ overdue: 0, dueToday: 0 });
    expect(digest.awaitingDirective.map((d) => d.subject)).toEqual(["V/v việc C", "V/v việc B", "V/v việc E"]); // the secret one is directed on paper
    expect(digest.unacknowledged.map((a) => [a.unitName, a.ref])).toEqual([["Sở Tư pháp", expect.stringMatching(/-TP$/)]]); // INFO and acknowledged ones are not listed
    expect(digest.receivedSince).toBe("2026-11-27");
    expect(digest.received.map((d) => [d.subject, d.secrecy])).toEqual([
      ["V/v việc A", "NONE"],
      ["V/v việc B", "NONE"],
      [null, "CONFIDENTIAL"],
    ]);
  });

  it("renders them for the office in Vietnamese, and the secret document's trích yếu is nowhere in the message", async () => {
    at("2026-11-30T07:30:00");
    const sent = await sendOfficeDigest(deps(), { orgId: org.orgId });
    expect(sent.status).toBe("queued"); // nothing overdue or due today, yet something to report
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: "office.digest", userId: org.users.cvp! } });
    const msg = await renderOutboxMessage(deps(), { kind: "office.digest", payload: row.payload, userId: org.users.cvp!, locale: "vi" });
    expect(msg.ok).toBe(true);
    if (!msg.ok) return;
    const text = msg.message.text;
    const section = (heading: string) => text.slice(text.indexOf(heading)).split("\n\n")[0]!.split("\n");
    expect(section("Chờ ý kiến chỉ đạo")).toEqual([
      "Chờ ý kiến chỉ đạo (3 văn bản):",
      expect.stringMatching(/^• D1 — 60\/STC-NS, Sở Tài chính tỉnh Bình Định: V\/v việc C$/),
      expect.stringMatching(/^• D3 — \d+\/STC-NS, Sở Tài chính tỉnh Bình Định: V\/v việc B$/),
      "• D4 — 64/STC-NS, Sở Tài chính tỉnh Bình Định: V/v việc E", // the secret one is M1, in its own book
    ]);
    expect(section("Chưa xác nhận đã nhận việc")).toEqual(["Chưa xác nhận đã nhận việc (1 việc):", "• D2-TP — Sở Tư pháp, giao ngày 27/11/2026"]);
    expect(section("Văn bản đến từ ngày")).toEqual([
      "Văn bản đến từ ngày 27/11/2026 (3 văn bản):",
      expect.stringMatching(/^• D2 \[KHẨN\] — \d+\/STC-NS, Sở Tài chính tỉnh Bình Định: V\/v việc A$/),
      expect.stringMatching(/^• D3 — .*V\/v việc B$/),
      "• M1 — 12/CAT-PV01, Công an tỉnh Gia Lai: văn bản có độ mật «Mật», trích yếu không gửi qua tin nhắn",
    ]);
    expect(text).not.toContain(SECRET_SUBJECT);
    expect(JSON.stringify(msg.message)).not.toContain("bảo vệ mục tiêu");
  });
});
