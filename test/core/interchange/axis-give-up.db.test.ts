// When the axis keeps refusing what we send (core/interchange/axis-rows.ts): a package or a status message
// refused `maxRefusals` times, or refused for good (HTTP 400), is given up (FAILED), the people concerned
// are told once, and /xem shows it; an axis that cannot be reached never gives a row up. Against the fake
// axis on 127.0.0.1 with the real HTTP transport.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { refreshAgencyDirectory } from "../../../core/interchange/agency-directory.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { listFailedInterchange } from "../../../core/interchange/failed-rows.ts";
import { buildEdxmlPackage } from "../../../core/interchange/edxml.ts";
import { pollInterchange } from "../../../core/interchange/receive-package.ts";
import { sendDueInterchangeOutgoing } from "../../../core/interchange/send-outgoing.ts";
import { interchangeViewLines } from "../../../core/interchange/send-view.ts";
import { sendDueInterchangeStatuses } from "../../../core/interchange/status-messages.ts";
import { issueOutgoingDocument } from "../../../core/outgoing/issue-outgoing-document.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import type { InterchangeTransport } from "../../../core/ports/interchange-transport.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import { createTestDeps } from "../../support/core.ts";
import { samplePackage } from "../../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const AGENCY = "000.00.32.H10";
const SENDER = "000.00.31.H10";
const STC = { code: "000.00.31.H10", name: "Sở Tài chính tỉnh Bình Định" };
const HOUR = 3_600_000;

let db: TestDatabase;
let org: OrgFixture;
let fake: FakeAxisServer;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;

const transport = (): InterchangeTransport => createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS, timeoutMs: 5_000 });
const sendPackages = () => sendDueInterchangeOutgoing(deps, { transport: transport(), agencyOrganId: AGENCY, workerId: "test" });
const sendStatuses = () => sendDueInterchangeStatuses(deps, { transport: transport(), agencyOrganId: AGENCY, workerId: "test" });
const issue = (externalRecipients = [STC.name]) =>
  issueOutgoingDocument(deps, {
    actorUserId: org.users.vanthu!,
    docType: "Công văn",
    draftingUnitCode: "VP",
    subject: "V/v triển khai văn phòng điện tử",
    signerName: "Nguyễn Văn An",
    signerTitle: "Chủ tịch",
    urgency: "NORMAL",
    internalRecipients: [],
    externalRecipients,
    files: [{ bytes: pdf, fileName: "cv.pdf" }],
  });
const rendered = async (kind: string) => {
  const rows = await db.prisma.outboxMessage.findMany({ where: { kind } });
  return Promise.all(
    rows.map(async (row) => {
      const r = await renderOutboxMessage(deps, { kind: row.kind, payload: row.payload, userId: row.userId, locale: "vi" });
      return { userId: row.userId, text: r.ok ? `${r.message.title}\n${r.message.text}` : `not rendered: ${r.reason}` };
    }),
  );
};

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  deps = createTestDeps(db.prisma, { files: createMemoryFileStore(), settings: { agencyOrganId: AGENCY } });
  org = await setupExampleOrg(deps);
  fake = await startFakeAxisServer(CREDENTIALS);
  fake.agencies = [{ code: STC.code, name: STC.name }];
  await refreshAgencyDirectory(deps, { transport: transport() });
});
afterEach(async () => fake.close());

describe("an outgoing package the axis keeps refusing", () => {
  it("is given up after 8 refusals: the issuing clerk is told once, /xem shows it, nothing more is tried", async () => {
    const r = await issue();
    fake.failNextCall("sendEdoc", 8, "fail");
    for (let i = 1; i <= 7; i++) {
      expect(await sendPackages(), `attempt ${i}`).toMatchObject({ sent: 0, retried: 1, failed: 0 });
      deps.clock.advance(HOUR);
    }
    expect(await db.prisma.interchangeOutgoing.findFirstOrThrow()).toMatchObject({ state: "PENDING", refusals: 7 });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "outgoing.interchangeFailed" } })).toBe(0);
    expect(await sendPackages()).toMatchObject({ sent: 0, retried: 0, failed: 1 });
    const row = await db.prisma.interchangeOutgoing.findFirstOrThrow();
    expect(row).toMatchObject({ state: "FAILED", refusals: 8, attempts: 8 });
    expect(row.lastError).toMatch(/the axis is busy/);
    // Given up: never tried again.
    deps.clock.advance(24 * HOUR);
    expect(await sendPackages()).toMatchObject({ sent: 0, retried: 0, failed: 0 });
    expect(fake.sent).toHaveLength(0);

    const told = await rendered("outgoing.interchangeFailed");
    expect(told.map((m) => m.userId)).toEqual([org.users.vanthu]);
    expect(told[0]!.text).toContain(`Văn bản ${r.numberAndNotation} không gửi được qua trục liên thông`);
    expect(told[0]!.text).toContain("Trả lời cuối của trục: sendEdoc: FAIL: the axis is busy");
    expect(told[0]!.text).toContain(`Đề nghị gửi văn bản tới ${STC.name} bằng cách khác`);
    const view = await getDocumentByRef(deps, { actorUserId: org.users.vanthu!, ref: { kind: "OUT", number: r.registerNumber } });
    expect(interchangeViewLines("vi", view.interchange, "Asia/Ho_Chi_Minh")[0]).toMatch(
      /^Gửi qua trục liên thông: không gửi được: trục liên thông từ chối nhiều lần, đã dừng gửi lúc .+ \(trả lời cuối: sendEdoc: FAIL: the axis is busy\)$/,
    );
    // A recall of a package that never left sends nothing.
    await linkChat(deps, "WEB", "w-vanthu", "vanthu");
    const turn = await handleIncoming(
      { deps, logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } },
      { channel: "WEB", externalUserId: "w-vanthu", chatId: "w-vanthu", updateKey: "thuhoi-1", text: `/thuhoi ${r.displayRef} gửi nhầm` },
    );
    expect(turn.replies.map((m) => m.text).join("\n")).toContain("Gói tin chưa từng lên trục liên thông nên không cơ quan nào nhận được");
    expect(await db.prisma.interchangeStatusMessage.count()).toBe(0);
  });

  it("a refusal for good (HTTP 400) gives it up at once; an axis that cannot be reached never does", async () => {
    await issue();
    fake.failNextCall("sendEdoc", 1, "400");
    expect(await sendPackages()).toMatchObject({ failed: 1 });
    expect(await db.prisma.interchangeOutgoing.findFirstOrThrow()).toMatchObject({ state: "FAILED", refusals: 1, lastError: "sendEdoc: HTTP 400: malformed package" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "outgoing.interchangeFailed" } })).toBe(1);

    await issue();
    fake.failNextCall("sendEdoc", 12, "500");
    for (let i = 1; i <= 12; i++) {
      expect(await sendPackages()).toMatchObject({ sent: 0, retried: 1, failed: 0 });
      deps.clock.advance(HOUR);
    }
    expect(await db.prisma.interchangeOutgoing.findFirstOrThrow({ where: { state: { not: "FAILED" } } })).toMatchObject({ state: "PENDING", refusals: 0, attempts: 12 });
    expect(await sendPackages()).toMatchObject({ sent: 1 });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "outgoing.interchangeFailed" } })).toBe(1);
    // `edoc interchange failed` lists the one given up, not the one sent.
    expect(await listFailedInterchange(deps)).toMatchObject([
      { kind: "package", ref: "P1/2026", code: "01/UBND-VP", to: [STC.code], attempts: 1, lastError: "sendEdoc: HTTP 400: malformed package" },
    ]);
  });
});

describe("a status message the axis keeps refusing", () => {
  it("is given up and the office told once; the statuses after it no longer wait for it", async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-giveup-"));
    try {
      await db.prisma.organization.update({ where: { id: org.orgId }, data: { interchangeRegister: "DIRECT" } });
      fake.deliver(buildEdxmlPackage({ ...samplePackage(), attachments: [{ contentType: "application/pdf", name: "45-STC-NS.pdf", bytes: pdf }] }), { from: SENDER });
      expect(await pollInterchange(deps, { transport: transport(), tmpDir: tmp })).toMatchObject([{ outcome: "registered" }]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    // 01 is refused for good; 03 behind it goes out.
    fake.failNextCall("sendEdoc", 1, "400");
    expect(await sendStatuses()).toEqual({ sent: 1, retried: 0, waiting: 0, failed: 1 });
    const rows = await db.prisma.interchangeStatusMessage.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.statusCode, r.state])).toEqual([
      ["01", "FAILED"],
      ["03", "SENT"],
    ]);
    expect(await sendStatuses()).toEqual({ sent: 0, retried: 0, waiting: 0, failed: 0 });
    const told = await rendered("interchange.statusFailed");
    expect(told.map((m) => m.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
    expect(told[0]!.text).toContain('Không gửi được trạng thái "đã đến" qua trục liên thông');
    expect(told[0]!.text).toContain(`gửi Sở Tài chính tỉnh Bình Định (${SENDER}) về văn bản 45/STC-NS ngày 10/12/2026`);
    expect(told[0]!.text).toContain("Trả lời cuối của trục: sendEdoc: HTTP 400: malformed package");
    expect(await listFailedInterchange(deps)).toMatchObject([
      { kind: "status", statusCode: "01", to: SENDER, about: "45/STC-NS", lastError: "sendEdoc: HTTP 400: malformed package" },
    ]);
  });
});
