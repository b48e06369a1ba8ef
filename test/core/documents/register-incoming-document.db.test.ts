import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { DomainError } from "../../../core/errors.ts";
import { createRecordingLogger, createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = () => createTestDeps(db.prisma, { files });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

describe("registerIncomingDocument", () => {
  // Race test: it means something on PostgreSQL, where the 50 registrations really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("numbers 50 concurrent registrations 1–50 with no gap or duplicate", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => registerSample(deps(), org, { codeNumber: String(100 + i) })));
    expect(results.map((r) => r.registerNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.ref)).size).toBe(50);
    expect(results.every((r) => r.ref === `D${r.registerNumber}/2026` && r.displayRef === `D${r.registerNumber}`)).toBe(true);
  }, 120_000);

  it("keeps the original untouched, stores a stamped copy, and asks every leader to direct", async () => {
    const pdf = await samplePdf();
    const before = createHash("sha256").update(pdf).digest("hex");
    const r = await registerSample(deps(), org, { files: [{ bytes: pdf, fileName: "cv.pdf" }], urgency: "URGENT" });
    expect(r).toMatchObject({ registerNumber: 1, ref: "D1/2026", pageCount: 2, isPaperOnly: false, warnings: [] });
    const stored = await db.prisma.storedFile.findMany({ where: { documentId: r.documentId }, orderBy: { kind: "asc" }, select: { kind: true, sha256: true } });
    expect(stored.map((s) => s.kind)).toEqual(["ORIGINAL", "STAMPED"]);
    expect(stored[0]!.sha256).toBe(before);
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(before);
    expect(stored[1]!.sha256).toBe(r.stampedSha256);
    expect(await files.has(stored[1]!.sha256)).toBe(true);
    const outbox = await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true, urgency: true } });
    expect(outbox.map((o) => o.userId).sort()).toEqual([org.users.chutich, org.users.pct].sort());
    expect(outbox.every((o) => o.kind === "document.toDirect" && o.urgency === "URGENT")).toBe(true);
  });

  it("records a secret document as metadata only, in its own register, with no outbox row", async () => {
    await registerSample(deps(), org);
    const r = await registerSample(deps(), org, { secrecy: "SECRET", subject: "Tài liệu mật" });
    expect(r).toMatchObject({ registerNumber: 1, ref: "M1/2026", isPaperOnly: true, stampedSha256: null });
    expect(await db.prisma.storedFile.count({ where: { documentId: r.documentId } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { payload: { equals: { documentId: r.documentId } } } })).toBe(0);
  });

  it("takes a secret document without its trích yếu (entered later on the office's machine), never an ordinary one", async () => {
    const secret = await registerSample(deps(), org, { secrecy: "TOP_SECRET", subject: "", issuedDate: undefined });
    expect(secret.ref).toBe("M1/2026");
    expect(await db.prisma.document.findUniqueOrThrow({ where: { id: secret.documentId }, select: { subject: true, issuedDate: true } })).toEqual({
      subject: "",
      issuedDate: null,
    });
    expect(await codeOf(registerSample(deps(), org, { subject: "" }))).toBe("VALIDATION");
    expect(await codeOf(registerSample(deps(), org, { subject: "   " }))).toBe("VALIDATION");
    expect(await db.prisma.document.count()).toBe(1);
  });

  it("refuses a file offered with a secret document, and never stores it", async () => {
    const pdf = await samplePdf();
    expect(await codeOf(registerSample(deps(), org, { secrecy: "CONFIDENTIAL", files: [{ bytes: pdf }] }))).toBe("SECRET_FILE_REFUSED");
    expect(files.size()).toBe(0);
    expect(await db.prisma.document.count()).toBe(0);
    expect(await db.prisma.storedFile.count()).toBe(0);
    const refused = await db.prisma.auditEvent.findFirstOrThrow({ where: { type: "action.refused" }, select: { data: true, actorUserId: true } });
    expect(refused).toMatchObject({ actorUserId: org.users.vanthu, data: { action: "document.register", code: "SECRET_FILE_REFUSED" } });
  });

  it("warns about the same file and about the same issuer, number and date", async () => {
    const pdf = await samplePdf();
    const first = await registerSample(deps(), org, { files: [{ bytes: pdf }] });
    const sameFile = await registerSample(deps(), org, { files: [{ bytes: pdf }], codeNumber: "46" });
    expect(sameFile.warnings).toEqual([{ kind: "sameFile", documentId: first.documentId, ref: "D1/2026" }]);
    const sameNumber = await registerSample(deps(), org, { issuer: "SỞ TÀI CHÍNH TỈNH BÌNH ĐỊNH" });
    expect(sameNumber.warnings).toEqual([{ kind: "sameNumber", documentId: first.documentId, ref: "D1/2026" }]);
    const different = await registerSample(deps(), org, { codeNumber: "99" });
    expect(different.warnings).toEqual([]);
  });

  it("lets only clerks register, and audits the refusal", async () => {
    expect(await codeOf(registerSample(deps(), org, { actorUserId: org.users["tp.tckh"]! }))).toBe("FORBIDDEN");
    expect(await db.prisma.document.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused", actorUserId: org.users["tp.tckh"] } })).toBe(1);
  });

  it("refuses a corrupt PDF with the intake error, storing nothing", async () => {
    expect(await codeOf(registerSample(deps(), org, { files: [{ bytes: new TextEncoder().encode("%PDF-1.4\nnot really") }] }))).toMatch(/^PDF_/);
    expect(files.size()).toBe(0);
    expect(await db.prisma.document.count()).toBe(0);
  });

  it("registers a scan whose stored copy reads back corrupt, and logs the stamp that failed", async () => {
    // The store hands back damaged bytes (a bad disk, a broken bucket): the stamp fails after the commit.
    const corrupt = { ...files, read: async (sha256: string) => Readable.from([Buffer.from((await files.readBytes(sha256)).subarray(0, 40))]) };
    const logger = createRecordingLogger();
    const subject = "Báo cáo mật số liệu quý IV";
    const r = await registerSample(createTestDeps(db.prisma, { files: corrupt, logger }), org, { files: [{ bytes: await samplePdf(), fileName: "cv.pdf" }], subject });
    expect(r.registerNumber).toBe(1);
    expect(r.stampedSha256).toBeNull();
    expect(await db.prisma.storedFile.count({ where: { documentId: r.documentId, kind: "STAMPED" } })).toBe(0);
    const warned = logger.entries.filter((e) => e.level === "warn");
    expect(warned).toEqual([{ level: "warn", obj: expect.objectContaining({ documentId: r.documentId, restamp: false, err: expect.any(Error) }), msg: "stamped copy not made" }]);
    // Ids, never contents.
    expect(JSON.stringify(warned[0]!.obj)).not.toContain(subject);
  });
});
