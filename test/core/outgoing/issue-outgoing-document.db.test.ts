import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { acknowledgeOutgoing } from "../../../core/outgoing/acknowledge-outgoing.ts";
import { getOutgoingStatus } from "../../../core/outgoing/get-outgoing-status.ts";
import { finishOutgoingIssue, issueOutgoingDocument, type IssueOutgoingInput } from "../../../core/outgoing/issue-outgoing-document.ts";
import { listOutgoingPaper } from "../../../core/outgoing/list-outgoing-paper.ts";
import { listOutgoingRegister } from "../../../core/outgoing/list-outgoing-register.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { loadAgencyCertificate, signPdf, type AgencyCertificate } from "../../../core/pdf/sign-pdf.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let pdf: Uint8Array;
let dir: string;
let agency: AgencyCertificate;
let personal: AgencyCertificate;
const run = promisify(execFile);
const deps = () => createTestDeps(db.prisma, { files });

/** A self-signed PKCS#12 made here. */
const makeCertificate = async (name: string, cn: string): Promise<AgencyCertificate> => {
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.crt`),
    "-days",
    "30",
    "-subj",
    `/CN=${cn}`,
  ]);
  await run("openssl", ["pkcs12", "-export", "-inkey", join(dir, `${name}.key`), "-in", join(dir, `${name}.crt`), "-out", join(dir, `${name}.p12`), "-passout", "pass:pw"]);
  return loadAgencyCertificate({ p12Path: join(dir, `${name}.p12`), passphrase: "pw" });
};

/** Page 1 of `bytes` as pdftotext reads it, one trimmed line per entry. */
const page1Lines = async (bytes: Uint8Array): Promise<string[]> => {
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(path, bytes);
  const { stdout } = await run("pdftotext", ["-f", "1", "-l", "1", path, "-"]);
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
};

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
  dir = await mkdtemp(join(tmpdir(), "issue-out-"));
  agency = await makeCertificate("agency", "UBND");
  personal = await makeCertificate("signer", "Nguyen Van An");
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

const issue = (over: Partial<IssueOutgoingInput> = {}) =>
  issueOutgoingDocument(deps(), {
    actorUserId: org.users.vanthu!,
    docType: "Công văn",
    draftingUnitCode: "VP",
    subject: "V/v triển khai xử lý văn bản trên phần mềm văn phòng điện tử",
    signerName: "Nguyễn Văn An",
    signerTitle: "Chủ tịch",
    internalRecipients: ["TCKH", "NB"],
    externalRecipients: ["Sở Nội vụ tỉnh Bình Định"],
    files: [{ bytes: pdf, fileName: "cv.pdf" }],
    ...over,
  });

describe("issueOutgoingDocument", () => {
  // Race test: it means something on PostgreSQL, where the 30 issues really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("numbers 30 concurrent issues 01–30 with their notations, no gap or duplicate", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => issue(i % 3 === 0 ? { docType: "Quyết định" } : { draftingUnitCode: i % 3 === 1 ? "VP" : "TCKH" })));
    const numbers = results.map((r) => r.registerNumber).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const r of results) {
      const n = String(r.registerNumber).padStart(2, "0");
      expect(r.codeNumber).toBe(n);
      expect(r.ref).toBe(`P${r.registerNumber}/2026`);
      expect(r.displayRef).toBe(`P${r.registerNumber}`);
      expect(["QĐ-UBND", "UBND-VP", "UBND-TCKH"]).toContain(r.codeNotation);
      expect(r.numberAndNotation).toBe(`${n}/${r.codeNotation}`);
    }
    expect(results.find((r) => r.registerNumber === 5)?.numberAndNotation).toMatch(/^05\//);
    expect(new Set(results.map((r) => r.numberAndNotation)).size).toBe(30);
    const rows = await db.prisma.document.findMany({ where: { direction: "OUT" }, select: { status: true, codeNumber: true } });
    expect(rows).toHaveLength(30);
    expect(rows.every((d) => d.status === "ISSUED")).toBe(true);
  }, 180_000);

  it("keeps the original, stores a separate sealed copy, delivers to units with an account, lists the rest for paper", async () => {
    const before = createHash("sha256").update(pdf).digest("hex");
    const r = await issue({ internalRecipients: ["TCKH", "NB", "NC"], urgency: "URGENT" });
    expect(r).toMatchObject({ registerNumber: 1, numberAndNotation: "01/UBND-VP", isSigned: false, sealForm: null, isPaperOnly: false, pageCount: 2 });
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(before);
    // Nothing was signed: the issued copy shows no seal block, so no "Thời gian ký".
    const copy = (await page1Lines(await files.readBytes(r.sealedSha256!))).join("\n");
    expect(copy).toContain("Sample page 1");
    expect(copy).not.toContain("Thời gian ký");
    expect(copy).not.toContain("01/UBND-VP");
    const stored = await db.prisma.storedFile.findMany({ where: { documentId: r.documentId }, orderBy: { kind: "asc" }, select: { kind: true, sha256: true } });
    expect(stored.map((s) => s.kind)).toEqual(["ORIGINAL", "SIGNED"]);
    expect(stored[0]!.sha256).toBe(before);
    expect(stored[1]!.sha256).toBe(r.sealedSha256);
    expect(r.recipients.map((x) => [x.unitCode ?? x.name, x.delivery])).toEqual([
      ["TCKH", "ELECTRONIC"],
      ["NB", "ELECTRONIC"],
      ["NC", "PAPER"],
      ["Sở Nội vụ tỉnh Bình Định", "EXTERNAL"],
    ]);
    const outbox = await db.prisma.outboxMessage.findMany({ where: { kind: "outgoing.received" }, select: { userId: true, urgency: true, payload: true } });
    expect(outbox.map((o) => o.userId).sort()).toEqual([org.users["tp.tckh"]!, org.users["ct.nb"]!].sort());
    expect(outbox.every((o) => o.urgency === "URGENT")).toBe(true);

    const tckh = outbox.find((o) => o.userId === org.users["tp.tckh"])!;
    const msg = await renderOutboxMessage(deps(), { kind: "outgoing.received", payload: tckh.payload, userId: tckh.userId, locale: "vi" });
    expect(msg.ok).toBe(true);
    if (msg.ok) {
      expect(msg.message.title).toContain("01/UBND-VP");
      expect(msg.message.text).toContain("/nhan P1-TCKH");
      expect(msg.message.actions?.[0]?.command).toBe("/nhan P1-TCKH");
      expect(msg.message.attachments).toEqual([{ sha256: r.sealedSha256, fileName: "01_UBND-VP.pdf", mime: "application/pdf", kind: "document" }]);
    }

    const paper = await listOutgoingPaper(deps(), { actorUserId: org.users.cvp! });
    expect(paper.items.map((i) => [i.name, i.reason])).toEqual([
      ["UBND xã Nhơn Châu", "NO_ACCOUNT"],
      ["Sở Nội vụ tỉnh Bình Định", "EXTERNAL"],
    ]);
  });

  it("names a type by TYPE-ORG and a công văn by ORG-UNIT; a ward's clerk issues only for the ward, in the ward's own series", async () => {
    const qd = await issue({ docType: "Quyết định", draftingUnitCode: "TCKH" });
    expect(qd.numberAndNotation).toBe("01/QĐ-UBND");
    const ward = await issue({ actorUserId: org.users["vt.nb"]!, draftingUnitCode: undefined, internalRecipients: ["TCKH"], externalRecipients: [] });
    expect(ward).toMatchObject({ numberAndNotation: "01/UBND", registerBook: "OUT:NB", registerNumber: 1, ref: "P2/2026" });
    expect(await codeOf(issue({ actorUserId: org.users["vt.nb"]!, draftingUnitCode: "VP" }))).toBe("FORBIDDEN");
    expect(await codeOf(issue({ actorUserId: org.users["tp.tckh"]! }))).toBe("FORBIDDEN");
    expect(await codeOf(issue({ internalRecipients: ["XYZ"] }))).toBe("UNIT_UNKNOWN");
    expect(await codeOf(issue({ internalRecipients: [], externalRecipients: [] }))).toBe("OUTGOING_NO_RECIPIENTS");
    expect(await codeOf(issue({ files: [] }))).toBe("OUTGOING_FILE_REQUIRED");
    expect(await codeOf(issue({ docType: "Thư tình" }))).toBe("OUTGOING_UNKNOWN_DOC_TYPE");
    // Refusals take no number; the ward's number is not the agency's: the next one is 02.
    expect((await issue()).numberAndNotation).toBe("02/UBND-VP");
  });

  it("sends a red-seal document to nobody and lists every recipient for paper", async () => {
    const r = await issue({ requiresRedSeal: true });
    expect(r).toMatchObject({ isPaperOnly: true, requiresRedSeal: true, isSigned: false, sealedSha256: null });
    expect(r.recipients.every((x) => x.delivery !== "ELECTRONIC")).toBe(true);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
    const kinds = await db.prisma.storedFile.findMany({ where: { documentId: r.documentId }, select: { kind: true } });
    expect(kinds.map((k) => k.kind)).toEqual(["ORIGINAL"]);
    const paper = await listOutgoingPaper(deps(), { actorUserId: org.users.vanthu! });
    expect(paper.items.map((i) => [i.name, i.reason])).toEqual([
      ["Sở Tài chính", "RED_SEAL"],
      ["UBND phường Quy Nhơn Bắc", "RED_SEAL"],
      ["Sở Nội vụ tỉnh Bình Định", "RED_SEAL"],
    ]);
  });

  it("refuses a secret document's file; metadata only, in its own register, sent to nobody", async () => {
    expect(await codeOf(issue({ secrecy: "SECRET" }))).toBe("SECRET_FILE_REFUSED");
    expect(await db.prisma.storedFile.count()).toBe(0);
    expect(files.size()).toBe(0);
    const first = await issue();
    const secret = await issue({ secrecy: "CONFIDENTIAL", files: [] });
    expect(first.registerNumber).toBe(1);
    expect(secret).toMatchObject({ registerBook: "OUT_SECRET", registerNumber: 1, ref: "PM1/2026", numberAndNotation: "01/UBND-VP", isPaperOnly: true, sealedSha256: null });
    expect(await db.prisma.storedFile.count({ where: { documentId: secret.documentId } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { payload: { path: ["documentId"], equals: secret.documentId } } })).toBe(0);
    // A unit head never sees it in the paper list; the clerk does.
    const clerkList = await listOutgoingPaper(deps(), { actorUserId: org.users.vanthu! });
    expect(clerkList.items.filter((i) => i.reason === "SECRET")).toHaveLength(3);
  });

  it("shows recipients' acknowledgements in the sender's status view; a second acknowledgement is refused", async () => {
    const r = await issue({ internalRecipients: ["TCKH", "NB", "NC"] });
    let status = await getOutgoingStatus(deps(), { actorUserId: org.users.vanthu!, ref: "P1" });
    expect(status).toMatchObject({ numberAndNotation: "01/UBND-VP", acknowledgedCount: 0, recipientCount: 4, isSigned: false });
    const ack = await acknowledgeOutgoing(deps(), { actorUserId: org.users["tp.tckh"]!, ref: { kind: "OUT", number: 1 }, channel: "ZALO" });
    expect(ack.displayRef).toBe("P1-TCKH");
    expect(await codeOf(acknowledgeOutgoing(deps(), { actorUserId: org.users["tp.tckh"]!, ref: "P1", unitCode: "TCKH" }))).toBe("OUTGOING_ALREADY_ACKNOWLEDGED");
    // Not the unit's head: refused. Nor an officer of the unit.
    expect(await codeOf(acknowledgeOutgoing(deps(), { actorUserId: org.users["ct.nb"]!, ref: "P1", unitCode: "TCKH" }))).toBe("FORBIDDEN");
    expect(await codeOf(acknowledgeOutgoing(deps(), { actorUserId: org.users["cv.tckh"]!, ref: "P1" }))).toBe("FORBIDDEN");
    // The agency clerk records the paper receipt of the unit without an account.
    const nc = r.recipients.find((x) => x.unitCode === "NC")!;
    await acknowledgeOutgoing(deps(), { actorUserId: org.users.vanthu!, recipientId: nc.recipientId });
    // ... but cannot acknowledge for a unit served electronically.
    expect(await codeOf(acknowledgeOutgoing(deps(), { actorUserId: org.users.vanthu!, ref: "P1", unitCode: "NB" }))).toBe("FORBIDDEN");

    status = await getOutgoingStatus(deps(), { actorUserId: org.users.vanthu!, ref: { kind: "OUT", number: 1 } });
    expect(status.acknowledgedCount).toBe(2);
    expect(status.recipients.map((x) => [x.unitCode ?? x.name, x.delivery, x.acknowledgedAt !== null, x.acknowledgedBy])).toEqual([
      ["TCKH", "ELECTRONIC", true, "Phạm Thị Dung"],
      ["NB", "ELECTRONIC", false, null],
      ["NC", "PAPER", true, "Trần Thị Bình"],
      ["Sở Nội vụ tỉnh Bình Định", "EXTERNAL", false, null],
    ]);
    // The acknowledged recipient's pending delivery is no longer sent.
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: "outgoing.received", userId: org.users["tp.tckh"]! } });
    expect(await renderOutboxMessage(deps(), { kind: row.kind, payload: row.payload, userId: row.userId, locale: "vi" })).toEqual({ ok: false, reason: "already acknowledged" });
    // A receiving unit's head does not get the sender's view.
    expect(await codeOf(getOutgoingStatus(deps(), { actorUserId: org.users["ct.nb"]!, ref: "P1" }))).toBe("OUTGOING_NOT_FOUND");
    const audit = await db.prisma.auditEvent.count({ where: { type: { in: ["outgoing.numbered", "outgoing.issued", "outgoing.acknowledged"] } } });
    expect(audit).toBe(4);
  });

  it("with the agency certificate, a scan becomes a digitised copy (SAO Y block) and a PDF signed by its signer keeps the number block", async () => {
    const orgName = (await db.prisma.organization.findFirstOrThrow({ select: { name: true } })).name;
    const scan = await issue({ certificate: agency });
    expect(scan).toMatchObject({ isSigned: true, sealForm: "SAO_Y", numberAndNotation: "01/UBND-VP" });
    const scanLines = await page1Lines(await files.readBytes(scan.sealedSha256!));
    const at = scanLines.indexOf("SAO Y");
    expect(scanLines.slice(at, at + 3)).toEqual(["SAO Y", orgName, "Thời gian ký: 2026-12-01T09:00:00+07:00"]);
    expect(scanLines.join("\n")).not.toContain("Số: 01/UBND-VP");

    const bornDigital = await signPdf(pdf, { certificate: personal, signedAt: new Date("2026-12-01T01:00:00Z"), name: "Nguyễn Văn An" });
    const digital = await issue({ certificate: agency, files: [{ bytes: bornDigital, fileName: "cv-ky-so.pdf" }] });
    expect(digital).toMatchObject({ isSigned: true, sealForm: "ORIGINAL", numberAndNotation: "02/UBND-VP" });
    const digitalLines = await page1Lines(await files.readBytes(digital.sealedSha256!));
    expect(digitalLines).toContain("Số: 02/UBND-VP");
    expect(digitalLines).toContain("Thời gian ký: 2026-12-01T09:00:00+07:00");
    expect(digitalLines).not.toContain("SAO Y");
    const issued = await db.prisma.auditEvent.findMany({ where: { type: "outgoing.issued" }, orderBy: { seq: "asc" }, select: { data: true } });
    expect(issued.map((e) => (e.data as { sealForm: string }).sealForm)).toEqual(["SAO_Y", "ORIGINAL"]);
  });

  it("finishOutgoingIssue completes a document left numbered by a crash, once", async () => {
    const r = await issue();
    // Simulate a crash after step 1: back to REGISTERED, no sealed copy, no deliveries.
    await db.prisma.storedFile.deleteMany({ where: { documentId: r.documentId, kind: "SIGNED" } });
    await db.prisma.outboxMessage.deleteMany({});
    await db.prisma.document.update({ where: { id: r.documentId }, data: { status: "REGISTERED" } });
    const [a, b] = await Promise.all([finishOutgoingIssue(deps(), { documentId: r.documentId }), finishOutgoingIssue(deps(), { documentId: r.documentId })]);
    expect(a.sealedSha256 ?? b.sealedSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.prisma.storedFile.count({ where: { documentId: r.documentId, kind: "SIGNED" } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "outgoing.received" } })).toBe(2);
  });

  it("lists the outgoing register with its ten columns", async () => {
    await issue({ issuedAmount: 5, description: "Gửi kèm phụ lục" });
    await issue({ docType: "Quyết định", signerTitle: "KT. Chủ tịch Phó Chủ tịch", signerName: "Đặng Thị Hạnh", requiresRedSeal: true });
    await acknowledgeOutgoing(deps(), { actorUserId: org.users["tp.tckh"]!, ref: "P1" });
    const { rows } = await listOutgoingRegister(deps(), { actorUserId: org.users.cvp!, from: "2026-12-01", to: "2026-12-01" });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      numberAndNotation: "01/UBND-VP",
      date: "01/12/2026",
      typeAndSubject: "Công văn V/v triển khai xử lý văn bản trên phần mềm văn phòng điện tử",
      signer: "Chủ tịch Nguyễn Văn An",
      recipients: "Sở Tài chính; UBND phường Quy Nhơn Bắc; Sở Nội vụ tỉnh Bình Định",
      archiveCopy: "Văn phòng UBND tỉnh; Văn thư",
      copies: 5,
      transferredOn: "01/12/2026",
      receipts: "TCKH (01/12/2026)",
      notes: "Gửi kèm phụ lục",
    });
    expect(rows[1]).toMatchObject({ numberAndNotation: "02/QĐ-UBND", notes: "Dấu đỏ: phát hành bản giấy" });
    expect((await listOutgoingRegister(deps(), { actorUserId: org.users.cvp!, from: "2026-12-02", to: "2026-12-31" })).rows).toEqual([]);
    expect(await codeOf(listOutgoingRegister(deps(), { actorUserId: org.users["tp.tckh"]!, from: "2026-01-01", to: "2026-12-31" }))).toBe("FORBIDDEN");
  });
});
