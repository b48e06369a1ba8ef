// Receiving through the document interchange, end to end against the fake axis on 127.0.0.1: the real HTTP
// transport, the streaming parser, the intake checks, the registration, and the status messages back.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { buildEdxmlPackage, parseEdxmlStatus, type EdxmlPackageInput } from "../../../core/interchange/edxml.ts";
import { pollInterchange, type InterchangeReceiver } from "../../../core/interchange/receive-package.ts";
import { sendDueInterchangeStatuses } from "../../../core/interchange/status-messages.ts";
import type { InterchangeTransport } from "../../../core/ports/interchange-transport.ts";
import { createInterchangeJobs, INTERCHANGE_POLL_JOB, INTERCHANGE_STATUSES_JOB } from "../../../jobs/definitions/interchange.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { searchDocuments } from "../../../core/queries/search-documents.ts";
import { createTestDeps } from "../../support/core.ts";
import { makeDecree30Pdf } from "../../support/decree30-page.ts";
import { samplePackage } from "../../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const AGENCY = "000.00.32.H10";
const SENDER = "000.00.31.H10";
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeAxisServer;
let tmp: string;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;
let png: Uint8Array;
let decree30: Uint8Array;

const transport = (): InterchangeTransport => createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS });
const receiver = (over: Partial<InterchangeReceiver> = {}): InterchangeReceiver => ({ transport: transport(), tmpDir: tmp, ...over });
const sendStatuses = () => sendDueInterchangeStatuses(deps, { transport: transport(), agencyOrganId: AGENCY, workerId: "test" });
/** What the fake received as statuses: code, addressee and the document they answer, in order. */
const statusesAtFake = async () =>
  Promise.all(
    fake.statuses.map(async (s) => {
      const status = await parseEdxmlStatus(s.bytes);
      return { to: s.to, from: s.from, code: status.statusCode, responseFor: status.responseFor, description: status.description ?? "", statusFrom: status.from.organId };
    }),
  );

/** The sample package with a real PDF as main file and a real PNG as appendix. */
const goodPackage = (over: (p: EdxmlPackageInput) => void = () => undefined): Uint8Array => {
  const input = samplePackage();
  input.attachments = [
    { contentType: "application/pdf", name: "45-STC-NS.pdf", description: "Văn bản chính", bytes: pdf },
    { contentId: "phuluc", contentType: "image/png", name: "Phụ lục ảnh.png", bytes: png },
  ];
  over(input);
  return buildEdxmlPackage(input);
};

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
  decree30 = await makeDecree30Pdf();
  png = new Uint8Array(await readFile("test/fixtures/photo-small.png"));
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  deps = createTestDeps(db.prisma, { files });
  org = await setupExampleOrg(deps);
  // These tests are about direct mode (`interchange: { register: direct }`); the clerks' card is in decide-package.db.test.ts.
  await db.prisma.organization.update({ where: { id: org.orgId }, data: { interchangeRegister: "DIRECT" } });
  fake = await startFakeAxisServer(CREDENTIALS);
  tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-"));
});
afterEach(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("receiving through the interchange", () => {
  it("a package becomes a registered incoming document with every field of its envelope; the axis hears done; 01 and 03 go back", async () => {
    const bytes = goodPackage();
    const docId = fake.deliver(bytes, { from: SENDER });

    const outcomes = await pollInterchange(deps, receiver());
    expect(outcomes).toMatchObject([{ docId, outcome: "registered", ref: "D1/2026" }]);
    const doc = await db.prisma.document.findFirstOrThrow({ include: { files: { orderBy: { kind: "asc" } }, interchangePackage: true } });
    expect(doc).toMatchObject({
      direction: "IN",
      registerBook: "IN",
      registerNumber: 1,
      docType: "Công văn",
      codeNumber: "45",
      codeNotation: "STC-NS",
      issuer: "Sở Tài chính tỉnh Bình Định",
      issuerOrganId: SENDER,
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027 (ký tự đặc biệt: < > & ' \" ]]> )",
      description: "Nội dung tóm tắt\nhai dòng",
      urgency: "URGENT",
      secrecy: "NONE",
      signerName: "Nguyễn Văn Bình",
      signerTitle: "KT. Giám đốc, Phó Giám đốc",
      toPlaces: "Như trên;\nLưu: VT, NS.",
      pageCount: 2,
      createdById: org.users.vanthu,
    });
    expect(doc.issuedDate?.toISOString().slice(0, 10)).toBe("2026-12-10");
    expect(doc.requestedDueDate?.toISOString().slice(0, 10)).toBe("2026-12-20");
    // Main file = the first attachment byte for byte; the second is an appendix; the package itself is kept.
    const byKind = Object.fromEntries(doc.files.map((f) => [f.kind, f]));
    expect(Object.keys(byKind).sort()).toEqual(["APPENDIX", "ORIGINAL", "PACKAGE", "STAMPED"]);
    expect(byKind.ORIGINAL!.sha256).toBe(sha(pdf));
    expect(byKind.APPENDIX).toMatchObject({ sha256: sha(png), mime: "image/png", fileName: "Phụ lục ảnh.png" });
    expect(byKind.PACKAGE!.sha256).toBe(sha(bytes));
    expect(Buffer.from(await files.readBytes(byKind.PACKAGE!.sha256)).equals(Buffer.from(bytes))).toBe(true);
    expect(doc.interchangePackage).toMatchObject({
      axisDocId: docId,
      state: "REGISTERED",
      fromOrganId: SENDER,
      codeNumber: "45",
      codeNotation: "STC-NS",
      edxmlDocumentId: "000.00.31.H10,2026/12/10,45/STC-NS",
      axisAnswer: "done",
    });
    // Then to the leaders, exactly like a registered scan.
    const toDirect = await db.prisma.outboxMessage.findMany({ where: { kind: "document.toDirect" }, select: { userId: true } });
    expect(toDirect.map((o) => o.userId).sort()).toEqual([org.users.chutich, org.users.pct].sort());
    // done only after the durable write, and nothing left in the temporary directory.
    expect(fake.statusUpdates).toEqual([{ docId, status: "done" }]);
    expect(await readdir(tmp)).toEqual([]);

    expect(await sendStatuses()).toEqual({ sent: 2, retried: 0, waiting: 0, failed: 0 });
    const statuses = await statusesAtFake();
    expect(statuses.map((s) => s.code)).toEqual(["01", "03"]);
    for (const s of statuses) {
      expect(s).toMatchObject({
        to: [SENDER],
        from: AGENCY,
        statusFrom: AGENCY,
        responseFor: { organId: SENDER, code: "45/STC-NS", promulgationDate: "2026-12-10", documentId: "000.00.31.H10,2026/12/10,45/STC-NS" },
      });
    }
    expect(statuses[1]!.description).toBe("Đã vào sổ văn bản đến, số đến 1, ngày 01/12/2026.");
    // Sent once: a second run finds nothing due.
    expect(await sendStatuses()).toEqual({ sent: 0, retried: 0, waiting: 0, failed: 0 });
    expect(fake.statuses).toHaveLength(2);
  });

  it("a main PDF with a text layer: its text is kept with the document and /tim finds words from its body; a PDF without one keeps none", async () => {
    const withText = goodPackage((p) => {
      p.attachments[0] = { ...p.attachments[0]!, bytes: decree30 };
    });
    fake.deliver(withText, { from: SENDER });
    const [outcome] = await pollInterchange(deps, receiver());
    expect(outcome).toMatchObject({ outcome: "registered" });
    const documentId = (outcome as { documentId: string }).documentId;
    const stored = await db.prisma.documentText.findUniqueOrThrow({ where: { documentId } });
    expect(stored.source).toBe("TEXT_LAYER");
    expect(stored.text).toContain("để tổng hợp báo cáo Ủy ban nhân dân tỉnh.");
    const r = await searchDocuments(deps, { actorUserId: org.users.chutich!, query: "tong hop bao cao" });
    expect(r.hits.map((h) => [h.displayRef, h.snippet])).toEqual([["D1", "năm 2026 để tổng hợp báo cáo Ủy ban nhân dân tỉnh."]]);

    // The sample PDF's text layer is two words a page: not worth keeping.
    fake.deliver(
      goodPackage((p) => (p.header.code = { codeNumber: "46", codeNotation: "STC-NS" })),
      { from: SENDER },
    );
    const [second] = await pollInterchange(deps, receiver());
    expect(second).toMatchObject({ outcome: "registered", ref: "D2/2026" });
    expect(await db.prisma.documentText.count()).toBe(1);
  });

  it("then like a registered scan: directive → acknowledgement → completion, and the sender gets 01, 03, 04, 05, 06 in that order", async () => {
    fake.deliver(goodPackage(), { from: SENDER });
    const [received] = await pollInterchange(deps, receiver());
    const documentId = received!.outcome === "registered" ? received!.documentId : "";
    // A document that did not come through the interchange gets no status from its workflow.
    const scan = await registerSample(deps, org, { codeNumber: "99" });
    await issueDirective(deps, { actorUserId: org.users.chutich!, documentId: scan.documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });

    const directive = await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId,
      text: "Giao Sở Tài chính chủ trì, Sở Tư pháp phối hợp.",
      main: "TCKH",
      coordinate: ["TP"],
      due: { date: "2026-12-18" },
    });
    const main = directive.assignments.find((a) => a.role === "MAIN")!;
    const coordinate = directive.assignments.find((a) => a.role === "COORDINATE")!;
    // The coordinating unit acknowledging is not the main unit at work.
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tp"]!, assignmentId: coordinate.assignmentId });
    expect(await db.prisma.interchangeStatusMessage.count({ where: { statusCode: "05" } })).toBe(0);
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: main.assignmentId });
    await completeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: main.assignmentId, text: "Đã tham mưu văn bản trả lời." });

    expect(await sendStatuses()).toMatchObject({ sent: 5, retried: 0 });
    const statuses = await statusesAtFake();
    expect(statuses.map((s) => s.code)).toEqual(["01", "03", "04", "05", "06"]);
    expect(statuses.every((s) => s.responseFor.code === "45/STC-NS" && s.to[0] === SENDER)).toBe(true);
    expect(statuses.map((s) => s.description).slice(2)).toEqual([
      "Đã phân công xử lý: Sở Tài chính chủ trì.",
      "Đơn vị chủ trì đã nhận văn bản và đang xử lý.",
      "Đã hoàn thành xử lý văn bản.",
    ]);
    expect(await db.prisma.interchangeStatusMessage.count()).toBe(5);
  });

  it("the same package listed on two polls, and the same document under a second docId, give one record", async () => {
    const first = fake.deliver(goodPackage(), { from: SENDER });
    const rx = receiver();
    await pollInterchange(deps, rx);
    // The axis lost our done: the package is listed again on the next poll.
    fake.packages[0]!.done = false;
    const again = await pollInterchange(deps, rx);
    expect(again).toMatchObject([{ docId: first, outcome: "already" }]);
    // The same document (sender + số/ký hiệu + date) sent again under another docId.
    const second = fake.deliver(goodPackage(), { from: SENDER });
    const dup = await pollInterchange(deps, rx);
    expect(dup).toMatchObject([{ docId: second, outcome: "duplicate" }]);

    expect(await db.prisma.document.count()).toBe(1);
    expect(await db.prisma.interchangePackage.findMany({ orderBy: { axisDocId: "asc" }, select: { axisDocId: true, state: true } })).toEqual([
      { axisDocId: first, state: "REGISTERED" },
      { axisDocId: second, state: "DUPLICATE" },
    ]);
    expect(fake.statusUpdates).toEqual([
      { docId: first, status: "done" },
      { docId: first, status: "done" },
      { docId: second, status: "done" },
    ]);
    // Downloaded once: the second listing of the first package only repeated the answer.
    expect(fake.downloads.map((d) => d.docId)).toEqual([first, second]);
    await sendStatuses();
    expect((await statusesAtFake()).map((s) => s.code)).toEqual(["01", "03"]);
  });

  // Means most on PostgreSQL, where the two polls run on separate connections at once.
  it("two polls at once take the same package: one document, one row, the loser rolled back whole", async () => {
    const docId = fake.deliver(goodPackage(), { from: SENDER });
    const [a, b] = await Promise.all([pollInterchange(deps, receiver()), pollInterchange(deps, receiver())]);
    expect([a![0]!.outcome, b![0]!.outcome].sort()).toEqual(["already", "registered"]);
    expect(await db.prisma.document.count()).toBe(1);
    expect(await db.prisma.interchangePackage.count()).toBe(1);
    expect(await db.prisma.storedFile.count({ where: { kind: "ORIGINAL" } })).toBe(1);
    expect(await db.prisma.interchangeStatusMessage.count()).toBe(2);
    // No number was used up by the loser: the next registration is số đến 2.
    expect((await registerSample(deps, org)).registerNumber).toBe(2);
    expect(fake.statusUpdates.every((u) => u.docId === docId && u.status === "done")).toBe(true);
  });

  it("a crash between the durable write and done, and a done the axis refuses: the next poll answers, one record", async () => {
    const docId = fake.deliver(goodPackage(), { from: SENDER });
    // The process dies right after the registration committed, before done reached the axis.
    const real = transport();
    const crashing: InterchangeTransport = {
      ...real,
      updateStatus: async () => {
        throw new Error("killed");
      },
    };
    await expect(pollInterchange(deps, receiver({ transport: crashing }))).rejects.toThrow("killed");
    expect(await db.prisma.document.count()).toBe(1);
    expect(fake.statusUpdates).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);

    // After the restart, the axis answers the first done with HTTP 500.
    const flaky: InterchangeTransport = {
      ...real,
      updateStatus: async (id, status) => {
        fake.failNext(1, "500");
        return real.updateStatus(id, status);
      },
    };
    expect(await pollInterchange(deps, receiver({ transport: flaky }))).toMatchObject([{ docId, outcome: "already" }]);
    expect((await db.prisma.interchangePackage.findFirstOrThrow()).axisAnsweredAt).toBeNull();
    expect(fake.statusUpdates).toEqual([]);

    expect(await pollInterchange(deps, receiver())).toMatchObject([{ docId, outcome: "already" }]);
    expect(fake.statusUpdates).toEqual([{ docId, status: "done" }]);
    expect(await pollInterchange(deps, receiver())).toEqual([]);
    expect(await db.prisma.document.count()).toBe(1);
    expect(await db.prisma.interchangePackage.count()).toBe(1);
    expect(fake.downloads).toHaveLength(1);
  });

  describe("refused packages: nothing stored, the office told, polling goes on", () => {
    const NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
    const xml = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
    const html = Buffer.from("<!DOCTYPE html><html><body>Đăng nhập</body></html>");
    const cases: { name: string; bytes: () => Promise<Uint8Array> | Uint8Array; key: string; reason: RegExp; named: boolean }[] = [
      {
        name: "invalid XML",
        bytes: () => Buffer.from(xml(goodPackage()).replace(/<\/(\w+:)?Subject>/, "</Subjec>")),
        key: "interchange.refused.xml_invalid",
        reason: /không đúng cú pháp XML/,
        named: false,
      },
      {
        name: "a wrong namespace",
        bytes: () => Buffer.from(xml(goodPackage()).replaceAll(NS, "urn:other")),
        key: "interchange.refused.namespace",
        reason: /không gian tên edXML/,
        named: false,
      },
      {
        name: "a missing required element",
        bytes: () => Buffer.from(xml(goodPackage()).replace(/<(\w+:)?Subject>[\s\S]*?<\/(\w+:)?Subject>/, "")),
        key: "interchange.refused.missing",
        reason: /thiếu thành phần bắt buộc: Subject/,
        named: false,
      },
      {
        name: "a duplicated To",
        bytes: () => goodPackage((p) => p.header.to.push({ organId: p.header.to[0]!.organId })),
        key: "interchange.refused.duplicate_to",
        reason: /trùng mã định danh/,
        named: false,
      },
      {
        name: "an XML bomb (entity expansion)",
        bytes: () =>
          Buffer.from(
            `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><edXML xmlns="${NS}">&lol2;</edXML>`,
          ),
        key: "interchange.refused.doctype",
        reason: /DOCTYPE/,
        named: false,
      },
      {
        name: "an attachment over the size limit",
        bytes: () => goodPackage((p) => (p.attachments[0]!.bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(300 * 1024, 1)]))),
        key: "interchange.refused.too_large",
        reason: /vượt giới hạn/,
        named: false,
      },
      {
        name: "an attachment whose content does not match its declared type",
        bytes: () => goodPackage((p) => (p.attachments[1] = { contentType: "application/pdf", name: "phu-luc.pdf", bytes: html })),
        key: "interchange.refused.type_mismatch",
        reason: /Attachment\[2\] không đúng loại tệp/,
        named: true,
      },
      {
        name: "no main file (no attachment at all)",
        bytes: () => Buffer.from(xml(goodPackage()).replace(/<(\w+:)?Attachment>[\s\S]*?<\/(\w+:)?Attachment>/g, "")),
        key: "interchange.refused.missing",
        reason: /thiếu thành phần bắt buộc: Attachment/,
        named: true,
      },
      {
        name: "a file type not allowed (a zip appendix)",
        bytes: () =>
          goodPackage(
            (p) => (p.attachments[1] = { contentType: "application/zip", name: "ho-so.zip", bytes: Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(200, 0)]) }),
          ),
        key: "interchange.refused.intake",
        reason: /ho-so\.zip \(Attachment\[2\]\) không được tiếp nhận/,
        named: true,
      },
      {
        name: "a main file that fails the intake checks (a truncated PDF)",
        bytes: async () => {
          const truncated = await readFile("test/fixtures/bad/truncated.pdf");
          return goodPackage((p) => (p.attachments[0]!.bytes = truncated));
        },
        key: "interchange.refused.intake",
        reason: /45-STC-NS\.pdf \(Attachment\[1\]\) không được tiếp nhận/,
        named: true,
      },
    ];

    for (const c of cases) {
      it(`${c.name} → refused (${c.named ? "02 with the reason, done" : "fail: the document cannot be named"})`, async () => {
        deps.settings.maxUploadBytes = 200 * 1024;
        const bad = fake.deliver(await c.bytes(), { from: SENDER });
        const good = fake.deliver(
          goodPackage((p) => (p.header.code.codeNumber = "46")),
          { from: SENDER },
        );

        const outcomes = await pollInterchange(deps, receiver());
        expect(outcomes).toMatchObject([
          { docId: bad, outcome: "refused", reasonKey: c.key, answered: c.named ? "done" : "fail" },
          { docId: good, outcome: "registered" },
        ]);
        expect(outcomes[0]!.outcome === "refused" && outcomes[0]!.reason).toMatch(c.reason);
        // Nothing of the refused package is stored: one document (the good one), only its files.
        const docs = await db.prisma.document.findMany({ select: { id: true, codeNumber: true } });
        expect(docs.map((d) => d.codeNumber)).toEqual(["46"]);
        expect(await db.prisma.storedFile.count({ where: { documentId: { not: docs[0]!.id } } })).toBe(0);
        expect(files.size()).toBe(await db.prisma.storedFile.findMany({ distinct: ["sha256"] }).then((r) => r.length));
        const refused = await db.prisma.interchangePackage.findUniqueOrThrow({ where: { axisDocId: bad } });
        expect(refused).toMatchObject({ state: "REFUSED", documentId: null, refusalKey: c.key, codeNumber: null });
        expect(fake.statusUpdates).toEqual([
          { docId: bad, status: c.named ? "done" : "fail" },
          { docId: good, status: "done" },
        ]);
        expect(await readdir(tmp)).toEqual([]);
        // The office (MONITOR users) is told.
        const told = await db.prisma.outboxMessage.findMany({ where: { kind: "office.interchangeRefused" }, select: { userId: true, payload: true } });
        expect(told.map((o) => o.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
        expect(told.every((o) => (o.payload as { packageId: string }).packageId === refused.id)).toBe(true);

        await sendStatuses();
        const statuses = await statusesAtFake();
        const returned = statuses.filter((s) => s.code === "02");
        if (c.named) {
          expect(returned).toHaveLength(1);
          expect(returned[0]).toMatchObject({ to: [SENDER], responseFor: { organId: SENDER, code: "45/STC-NS", promulgationDate: "2026-12-10" } });
          expect(returned[0]!.description).toBe(refused.refusalReason);
        } else {
          expect(returned).toEqual([]);
        }
        // The good package's 01 and 03 went out too.
        expect(statuses.filter((s) => s.code !== "02").map((s) => [s.code, s.responseFor.code])).toEqual([
          ["01", "46/STC-NS"],
          ["03", "46/STC-NS"],
        ]);

        // Listed again (a `fail` leaves it on the axis): not downloaded again, nothing new recorded.
        const downloads = fake.downloads.length;
        const next = await pollInterchange(deps, receiver());
        expect(next.map((o) => o.outcome)).toEqual(c.named ? [] : ["already"]);
        expect(fake.downloads.length).toBe(downloads);
        expect(await db.prisma.interchangePackage.count()).toBe(2);
        expect(await db.prisma.outboxMessage.count({ where: { kind: "office.interchangeRefused" } })).toBe(2);
      });
    }
  });

  it("the axis down: a poll that cannot list changes nothing; statuses that cannot be sent are delivered later, in order", async () => {
    const docId = fake.deliver(goodPackage(), { from: SENDER });
    fake.failNext(1, "500");
    await expect(pollInterchange(deps, receiver())).rejects.toMatchObject({ kind: "unreachable", call: "getReceivedEdocList" });
    expect(await db.prisma.interchangePackage.count()).toBe(0);

    await pollInterchange(deps, receiver());
    // The first status fails twice (500, then FAIL): 03 waits behind 01, nothing is lost.
    fake.failNext(1, "500");
    expect(await sendStatuses()).toEqual({ sent: 0, retried: 1, waiting: 1, failed: 0 });
    deps.clock.advance(5_000);
    expect(await sendStatuses()).toEqual({ sent: 0, retried: 0, waiting: 1, failed: 0 });
    deps.clock.advance(6_000);
    fake.failNext(1, "fail");
    expect(await sendStatuses()).toEqual({ sent: 0, retried: 1, waiting: 1, failed: 0 });
    const row = await db.prisma.interchangeStatusMessage.findFirstOrThrow({ where: { statusCode: "01" } });
    expect(row).toMatchObject({ state: "PENDING", attempts: 2 });
    expect(row.lastError).toMatch(/the axis is busy/);
    expect(fake.statuses).toEqual([]);
    deps.clock.advance(20_000);
    expect(await sendStatuses()).toEqual({ sent: 2, retried: 0, waiting: 0, failed: 0 });
    expect((await statusesAtFake()).map((s) => s.code)).toEqual(["01", "03"]);
    expect(fake.statusUpdates).toEqual([{ docId, status: "done" }]);
  });

  it("the jobs: the poll job receives and sends the statuses; the statuses job retries on its own; an unreachable axis is logged, not thrown", async () => {
    const logged: { level: string; msg?: string }[] = [];
    const log = (level: string) => (_obj: object, msg?: string) => void logged.push({ level, ...(msg ? { msg } : {}) });
    const ctx: JobContext = {
      deps,
      senders: {},
      enqueue: async () => undefined,
      logger: { info: log("info"), warn: log("warn"), error: log("error"), debug: log("debug") },
      workerId: "test",
    };
    const [poll, statuses] = createInterchangeJobs({ ...receiver(), agencyOrganId: AGENCY, pollEveryMs: 30_000 });
    expect([poll!.name, poll!.schedule, statuses!.name]).toEqual([INTERCHANGE_POLL_JOB, { every: 30_000 }, INTERCHANGE_STATUSES_JOB]);

    fake.failNext(1, "hang");
    const hanging = createInterchangeJobs({ transport: createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS, timeoutMs: 200 }), tmpDir: tmp, agencyOrganId: AGENCY })[0]!;
    await hanging.handler({}, ctx);
    expect(logged.at(-1)).toEqual({ level: "warn", msg: "the interchange cannot be polled now; trying again at the next poll" });

    fake.deliver(goodPackage(), { from: SENDER });
    fake.failNext(1, "500");
    await poll!.handler({}, ctx);
    expect(await db.prisma.document.count()).toBe(0);
    await poll!.handler({}, ctx);
    expect(await db.prisma.document.count()).toBe(1);
    expect(fake.statuses.length).toBe(2);
    expect(logged.some((l) => l.msg === "interchange package registered")).toBe(true);

    await db.prisma.interchangeStatusMessage.updateMany({ data: { state: "PENDING", nextAttemptAt: deps.clock.now() } });
    await statuses!.handler({}, ctx);
    expect(fake.statuses.length).toBe(4);
  });
});
