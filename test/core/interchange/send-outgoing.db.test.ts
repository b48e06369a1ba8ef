// Sending outgoing documents through the document interchange, end to end against the fake axis on
// 127.0.0.1: the agency directory, the package queued by /phathanh's use case, the real HTTP transport,
// retries, the statuses the recipients send back (stored per recipient, shown by /xem, a 02 to the clerk).
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { refreshAgencyDirectory, matchAgency } from "../../../core/interchange/agency-directory.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { buildEdxmlStatus, parseEdxmlPackage, type EdxmlStatus } from "../../../core/interchange/edxml.ts";
import { sendDueInterchangeOutgoing } from "../../../core/interchange/send-outgoing.ts";
import { outgoingEdxmlDocumentId } from "../../../core/interchange/send-enqueue.ts";
import { pollOutgoingStatuses } from "../../../core/interchange/send-statuses.ts";
import { interchangeViewLines } from "../../../core/interchange/send-view.ts";
import { pollInterchange } from "../../../core/interchange/receive-package.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { issueOutgoingDocument, type IssueOutgoingInput } from "../../../core/outgoing/issue-outgoing-document.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { InterchangeError, type InterchangeTransport } from "../../../core/ports/interchange-transport.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { createMemorySink } from "../../support/edxml-fixtures.ts";
import { createTestDeps } from "../../support/core.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const AGENCY = "000.00.32.H10";
const STC = { code: "000.00.31.H10", name: "Sở Tài chính tỉnh Bình Định" };
const SNV = { code: "000.00.33.H10", name: "Sở Nội vụ tỉnh Bình Định" };
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeAxisServer;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;

const transport = (): InterchangeTransport => createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS, timeoutMs: 5_000 });
const send = (t: InterchangeTransport = transport(), workerId = "test") => sendDueInterchangeOutgoing(deps, { transport: t, agencyOrganId: AGENCY, workerId });

const issue = (over: Partial<IssueOutgoingInput> = {}) =>
  issueOutgoingDocument(deps, {
    actorUserId: org.users.vanthu!,
    docType: "Công văn",
    draftingUnitCode: "VP",
    subject: "V/v triển khai văn phòng điện tử & trục liên thông",
    signerName: "Nguyễn Văn An",
    signerTitle: "Chủ tịch",
    urgency: "URGENT",
    internalRecipients: ["TCKH"],
    externalRecipients: ["So Tai chinh tinh Binh Dinh", SNV.code, "Bộ Nội vụ"],
    files: [{ bytes: pdf, fileName: "cv.pdf" }],
    ...over,
  });

/** A status message from `from` about our document, put on the fake's status list. */
const statusFromRecipient = (from: string, over: Partial<EdxmlStatus> & { code: string; date: string; documentId?: string }) =>
  fake.deliver(
    buildEdxmlStatus({
      responseFor: { organId: AGENCY, code: over.code, promulgationDate: over.date, ...(over.documentId ? { documentId: over.documentId } : {}) },
      from: { organId: from },
      statusCode: over.statusCode ?? "01",
      ...(over.description ? { description: over.description } : {}),
      timestamp: "2026-12-01T10:15:00",
    }),
    { from, messageType: "status" },
  );

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  deps = createTestDeps(db.prisma, { files, settings: { agencyOrganId: AGENCY } });
  org = await setupExampleOrg(deps);
  fake = await startFakeAxisServer(CREDENTIALS);
  fake.agencies = [
    { code: STC.code, pcode: "000.00.00.H10", name: STC.name, mail: "stc@binhdinh.gov.vn" },
    { code: SNV.code, name: SNV.name },
  ];
  await refreshAgencyDirectory(deps, { transport: transport() });
});
afterEach(async () => fake.close());

describe("the agency directory", () => {
  it("imports the axis' directory, marks an agency it no longer lists inactive, and keeps the organisation file's entries", async () => {
    const first = await db.prisma.interchangeAgency.findMany({ orderBy: { organId: "asc" } });
    expect(first).toMatchObject([
      { organId: STC.code, name: STC.name, parentOrganId: "000.00.00.H10", mail: "stc@binhdinh.gov.vn", source: "AXIS", active: true },
      { organId: SNV.code, name: SNV.name, source: "AXIS", active: true },
    ]);
    await importOrganization(deps, {
      text: [
        'organization: { name: "UBND tỉnh Gia Lai", code: "UBND" }',
        "agencies:",
        '  - { organId: "000.00.34.H10", name: "Sở Xây dựng tỉnh Bình Định" }',
        '  - { organId: "000.00.33.H10", name: "Sở Nội vụ (tên của văn phòng)" }',
      ].join("\n"),
    });
    fake.agencies = [{ code: STC.code, name: "Sở Tài chính tỉnh Bình Định (mới)" }, { name: "no code" }];
    deps.clock.advance(60_000);
    const r = await refreshAgencyDirectory(deps, { transport: transport() });
    expect(r).toEqual({ created: 0, updated: 1, deactivated: 0, total: 1 });
    const rows = Object.fromEntries((await db.prisma.interchangeAgency.findMany()).map((a) => [a.organId, a]));
    expect(rows[STC.code]).toMatchObject({ name: "Sở Tài chính tỉnh Bình Định (mới)", active: true });
    // The organisation file's entry won the organ id and is left alone by the axis' refresh.
    expect(rows[SNV.code]).toMatchObject({ source: "ORG_FILE", name: "Sở Nội vụ (tên của văn phòng)", active: true });
    expect(rows["000.00.34.H10"]).toMatchObject({ source: "ORG_FILE", active: true });
    expect(await matchAgency(db.prisma, "sở xây dựng TỈNH Bình Định")).toEqual({ organId: "000.00.34.H10", name: "Sở Xây dựng tỉnh Bình Định" });
    expect(await matchAgency(db.prisma, "000.00.31.h10")).toMatchObject({ organId: STC.code });
    expect(await matchAgency(db.prisma, "Sở Xây dựng")).toBeNull();

    fake.agencies = [];
    const gone = await refreshAgencyDirectory(deps, { transport: transport() });
    expect(gone.deactivated).toBe(1);
    expect(await matchAgency(db.prisma, STC.code)).toBeNull();
  });

  it("an axis that cannot be asked changes nothing", async () => {
    fake.failNextCall("getAgencies", 1, "500");
    fake.agencies = [];
    await expect(refreshAgencyDirectory(deps, { transport: transport() })).rejects.toBeInstanceOf(InterchangeError);
    expect(await db.prisma.interchangeAgency.count({ where: { active: true } })).toBe(2);
  });
});

describe("sending an outgoing document", () => {
  it("issuing to interchange recipients sends one package whose envelope and attachment are the issued document", async () => {
    const r = await issue();
    expect(await db.prisma.interchangeOutgoing.count()).toBe(1);
    expect(await send()).toMatchObject({ sent: 1, retried: 0 });
    expect(fake.sent).toHaveLength(1);
    const sent = fake.sent[0]!;
    expect(sent).toMatchObject({ from: AGENCY, to: [STC.code, SNV.code], messageType: "edoc" });
    const sink = createMemorySink();
    const pkg = await parseEdxmlPackage(sent.bytes, { sink, maxAttachmentBytes: 50 * 1024 * 1024 });
    expect(pkg.header).toMatchObject({
      from: { organId: AGENCY, organName: "UBND tỉnh Gia Lai" },
      to: [
        { organId: STC.code, organName: STC.name },
        { organId: SNV.code, organName: SNV.name },
      ],
      code: { codeNumber: r.codeNumber, codeNotation: r.codeNotation },
      promulgationInfo: { promulgationDate: "2026-12-01" },
      documentType: { typeName: "Công văn" },
      subject: "V/v triển khai văn phòng điện tử & trục liên thông",
      signerInfo: { position: "Chủ tịch", fullName: "Nguyễn Văn An" },
      otherInfo: { priority: "1" },
      documentId: outgoingEdxmlDocumentId({ agencyOrganId: AGENCY, issuedDate: "2026-12-01", codeNumber: r.codeNumber, codeNotation: r.codeNotation }),
    });
    const issued = await db.prisma.storedFile.findFirstOrThrow({ where: { documentId: r.documentId, kind: "SIGNED" } });
    expect(pkg.attachments).toHaveLength(1);
    expect(pkg.attachments[0]).toMatchObject({ contentType: "application/pdf", sha256: issued.sha256 });
    expect(sha(pkg.attachments[0]!.stored.bytes)).toBe(issued.sha256);
    // Sent once: a second run finds nothing due.
    expect(await send()).toMatchObject({ sent: 0, retried: 0 });
    expect(fake.sent).toHaveLength(1);
    const row = await db.prisma.interchangeOutgoing.findFirstOrThrow();
    expect(row).toMatchObject({ state: "SENT", axisDocId: fake.sent[0]!.docId, attempts: 1 });
  });

  it("a recipient that is no agency of the directory, or an organ id it does not know, is not sent anything", async () => {
    await issue({ externalRecipients: ["Bộ Nội vụ", "000.99.99.X99"] });
    expect(await db.prisma.interchangeOutgoing.count()).toBe(0);
    expect(await send()).toMatchObject({ sent: 0 });
    expect(fake.sent).toHaveLength(0);
    // A paper-only (red seal) document never goes through the interchange either.
    await issue({ requiresRedSeal: true, files: [] });
    expect(await db.prisma.interchangeOutgoing.count()).toBe(0);
  });

  it("the axis down: the package waits and is tried again later with the same bytes; one package in the end", async () => {
    await issue({ externalRecipients: [STC.name] });
    fake.failNextCall("sendEdoc", 2, "500");
    expect(await send()).toMatchObject({ sent: 0, retried: 1 });
    // Not due again before its delay.
    expect(await send()).toMatchObject({ sent: 0, retried: 0 });
    deps.clock.advance(11_000);
    expect(await send()).toMatchObject({ sent: 0, retried: 1 });
    const waiting = await db.prisma.interchangeOutgoing.findFirstOrThrow();
    expect(waiting).toMatchObject({ state: "PENDING", attempts: 2 });
    expect(waiting.lastError).toMatch(/HTTP 500/);
    deps.clock.advance(30 * 60_000);
    expect(await send()).toMatchObject({ sent: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(sha(fake.sent[0]!.bytes)).toBe(waiting.packageSha256);
  });

  it("a crash after the axis took the package and before it was marked: the same bytes and DocumentId go again once the lease runs out", async () => {
    await issue({ externalRecipients: [STC.name] });
    const real = transport();
    // The process dies right after the axis answered (any error that is not the transport's).
    const dying: InterchangeTransport = {
      ...real,
      send: async (bytes, options) => {
        await real.send(bytes, options);
        throw new Error("killed");
      },
    };
    await expect(send(dying, "dead-worker")).rejects.toThrow("killed");
    expect(fake.sent).toHaveLength(1);
    // Another worker does not take it while the lease holds.
    expect(await send(transport(), "other")).toMatchObject({ sent: 0 });
    deps.clock.advance(5 * 60_000 + 1);
    expect(await send(transport(), "other")).toMatchObject({ sent: 1 });
    expect(fake.sent).toHaveLength(2);
    expect(Buffer.from(fake.sent[1]!.bytes).equals(Buffer.from(fake.sent[0]!.bytes))).toBe(true);
    // A receiving side that keys documents on sender + số/ký hiệu + date (ours) keeps one document of the two.
    const tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-send-"));
    try {
      for (const p of fake.sent) fake.deliver(p.bytes, { from: p.from });
      const outcomes = await pollInterchange(deps, { transport: transport(), tmpDir: tmp });
      // The first waits on the register clerks' card; the second is recognised as the same document.
      expect(outcomes.map((o) => o.outcome)).toEqual(["pending", "duplicate"]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    expect(await db.prisma.interchangePackage.count({ where: { state: { not: "DUPLICATE" } } })).toBe(1);
  });
});

describe("statuses from the recipients", () => {
  it("a 03 and a 02 with its reason are shown by /xem, and the 02 reaches the issuing clerk with the reason", async () => {
    const r = await issue();
    await send();
    const documentId = outgoingEdxmlDocumentId({ agencyOrganId: AGENCY, issuedDate: "2026-12-01", codeNumber: r.codeNumber, codeNotation: r.codeNotation });
    statusFromRecipient(STC.code, { code: r.numberAndNotation, date: "2026-12-01", documentId, statusCode: "03", description: "Đã vào sổ, số đến 17" });
    // Without DocumentId: matched on số/ký hiệu and date.
    statusFromRecipient(SNV.code, { code: r.numberAndNotation, date: "2026-12-01", statusCode: "02", description: "Văn bản không thuộc thẩm quyền của Sở Nội vụ" });
    // About a document we never sent: taken, ignored.
    statusFromRecipient(STC.code, { code: "99/XYZ", date: "2026-11-01", statusCode: "03" });

    const outcomes = await pollOutgoingStatuses(deps, { transport: transport() });
    expect(outcomes.map((o) => o.outcome)).toEqual(["stored", "stored", "unmatched"]);
    expect(fake.statusUpdates.map((u) => u.status)).toEqual(["done", "done", "done"]);
    // Listed again (its done lost): stored once.
    expect(await pollOutgoingStatuses(deps, { transport: transport() })).toEqual([]);

    const view = await getDocumentByRef(deps, { actorUserId: org.users.vanthu!, ref: { kind: "OUT", number: r.registerNumber } });
    expect(view.interchange).toMatchObject({
      state: "SENT",
      recipients: [
        { organId: STC.code, statusCode: "03" },
        { organId: SNV.code, statusCode: "02", statusDescription: "Văn bản không thuộc thẩm quyền của Sở Nội vụ" },
      ],
    });
    const text = interchangeViewLines("vi", view.interchange, "Asia/Ho_Chi_Minh").join("\n");
    expect(text).toContain(`Sở Tài chính tỉnh Bình Định (${STC.code}): đã tiếp nhận, vào sổ`);
    expect(text).toContain("bị trả lại, lý do: Văn bản không thuộc thẩm quyền của Sở Nội vụ");
    // The clerk types /xem P1 in the web chat: the same lines, through the bot.
    await linkChat(deps, "WEB", "w-vanthu", "vanthu");
    const turn = await handleIncoming(
      { deps, logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } },
      { channel: "WEB", externalUserId: "w-vanthu", chatId: "w-vanthu", updateKey: "xem-1", text: `/xem ${r.displayRef}` },
    );
    const shown = turn.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n");
    expect(shown).toContain("Gửi qua trục liên thông: đã gửi lên trục lúc");
    expect(shown).toContain(`• Sở Nội vụ tỉnh Bình Định (${SNV.code}): bị trả lại, lý do: Văn bản không thuộc thẩm quyền của Sở Nội vụ`);

    const rows = await db.prisma.outboxMessage.findMany({ where: { kind: "outgoing.interchangeReturned" } });
    expect(rows.map((o) => o.userId)).toEqual([org.users.vanthu]);
    const message = await renderOutboxMessage(deps, { kind: rows[0]!.kind, payload: rows[0]!.payload, userId: rows[0]!.userId, locale: "vi" });
    expect(message.ok && `${message.message.title}\n${message.message.text}`).toContain("Lý do: Văn bản không thuộc thẩm quyền của Sở Nội vụ");
    expect(message.ok && message.message.title).toContain(SNV.name);
  });

  it("a status message listed with the packages (not on the status list) is routed to the outgoing document's statuses", async () => {
    const r = await issue({ externalRecipients: [STC.name] });
    await send();
    const docId = fake.deliver(
      buildEdxmlStatus({
        responseFor: { organId: AGENCY, code: r.numberAndNotation, promulgationDate: "2026-12-01" },
        from: { organId: STC.code },
        statusCode: "01",
        timestamp: "2026-12-01T10:15:00",
      }),
      { from: STC.code, messageType: "edoc" },
    );
    const tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-send-"));
    try {
      const outcomes = await pollInterchange(deps, { transport: transport(), tmpDir: tmp });
      expect(outcomes).toMatchObject([{ docId, outcome: "status", status: { outcome: "stored", statusCode: "01" } }]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    expect(await db.prisma.interchangePackage.count()).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.interchangeRefused" } })).toBe(0);
    expect(fake.statusUpdates).toEqual([{ docId, status: "done" }]);
    expect(await db.prisma.interchangeOutgoingRecipient.findFirstOrThrow()).toMatchObject({ organId: STC.code, statusCode: "01" });
  });

  it("a status from an agency that was not a recipient is not stored", async () => {
    const r = await issue({ externalRecipients: [STC.name] });
    await send();
    statusFromRecipient(SNV.code, { code: r.numberAndNotation, date: "2026-12-01", statusCode: "02", description: "x" });
    expect((await pollOutgoingStatuses(deps, { transport: transport() })).map((o) => o.outcome)).toEqual(["unmatched"]);
    expect(await db.prisma.interchangeOutgoingStatus.count()).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "outgoing.interchangeReturned" } })).toBe(0);
  });
});
