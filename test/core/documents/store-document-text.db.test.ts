import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storeDocumentText } from "../../../core/documents/store-document-text.ts";
import type { DomainError } from "../../../core/errors.ts";
import { searchDocuments } from "../../../core/queries/search-documents.ts";
import { foldDocumentText } from "../../../core/text/document-text.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { assignmentIdOf, buildVisibilityScene, markDelegated, type VisibilityScene } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

// The text read from a scan, stored with its document and found by /tim within what each person may
// see. Scene: D1 (TCKH), D2 (TP), M1 (tối mật), D3 (not directed).
let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let scene: VisibilityScene;
const deps = () => createTestDeps(db.prisma, { clock });
const search = (user: string, query: string) => searchDocuments(deps(), { actorUserId: org.users[user]!, query });
const found = async (user: string, query: string) => (await search(user, query)).hits.map((h) => h.displayRef);

const SCAN_TEXT = [
  "UBND TỈNH BÌNH ĐỊNH          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
  "",
  "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Tài chính đề nghị các đơn vị báo cáo",
  "kinh phí nạo vét kênh mương nội đồng năm 2027 của phường Nhơn Bình,   gửi trước ngày 18/12/2026.",
  "",
  "Nơi nhận:",
].join("\n");

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as DomainError,
  );

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  scene = await buildVisibilityScene(deps(), org);
});

describe("storeDocumentText", () => {
  it("stores the text and its folded copy once; the same text again writes nothing; new text replaces it", async () => {
    expect(await storeDocumentText(deps(), { documentId: scene.tckh.documentId, text: `${SCAN_TEXT}\r\n\f\n\n\n`, source: "OCR" })).toEqual({
      changed: true,
      length: SCAN_TEXT.length,
    });
    const row = await db.prisma.documentText.findUniqueOrThrow({ where: { documentId: scene.tckh.documentId } });
    expect(row).toMatchObject({ text: SCAN_TEXT, source: "OCR" });
    expect(row.searchText).toContain("kinh phi nao vet kenh muong noi dong");
    expect(Array.from(row.searchText)).toHaveLength(Array.from(row.text).length); // folded character for character
    expect(await storeDocumentText(deps(), { documentId: scene.tckh.documentId, text: SCAN_TEXT, source: "OCR" })).toEqual({ changed: false, length: SCAN_TEXT.length });
    await storeDocumentText(deps(), { documentId: scene.tckh.documentId, text: "Văn bản đọc lại từ lớp chữ của tệp PDF", source: "TEXT_LAYER" });
    expect(await db.prisma.documentText.findMany({ select: { documentId: true, text: true, source: true } })).toEqual([
      { documentId: scene.tckh.documentId, text: "Văn bản đọc lại từ lớp chữ của tệp PDF", source: "TEXT_LAYER" },
    ]);
  });

  it("refuses a secret document and stores nothing (the refusal is audited)", async () => {
    const err = await refusal(storeDocumentText(deps(), { documentId: scene.secret.documentId, text: SCAN_TEXT, source: "OCR" }));
    expect(err).toMatchObject({ code: "DOCUMENT_TEXT_SECRET", messageKey: "document.textSecret" });
    expect(await db.prisma.documentText.count()).toBe(0);
    const audited = await db.prisma.auditEvent.findFirst({ where: { type: "action.refused", entityId: scene.secret.documentId } });
    expect(audited?.data).toMatchObject({ action: "document.storeText", code: "DOCUMENT_TEXT_SECRET" });
  });

  it("refuses an unknown document", async () => {
    expect(await refusal(storeDocumentText(deps(), { documentId: "00000000-0000-0000-0000-000000000000", text: SCAN_TEXT, source: "OCR" }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("caps the text at 200 KB of UTF-8", async () => {
    const long = "Ủy ban nhân dân tỉnh Bình Định đề nghị báo cáo.\n".repeat(5000);
    const r = await storeDocumentText(deps(), { documentId: scene.tckh.documentId, text: long, source: "TEXT_LAYER" });
    const row = await db.prisma.documentText.findUniqueOrThrow({ where: { documentId: scene.tckh.documentId } });
    expect(Buffer.byteLength(row.text, "utf8")).toBeLessThanOrEqual(200_000);
    expect(Buffer.byteLength(row.text, "utf8")).toBeGreaterThan(199_900);
    expect(r.length).toBe(row.text.length);
    expect(row.searchText).toBe(foldDocumentText(row.text));
  });
});

describe("/tim in the text read from the scan", () => {
  beforeEach(async () => {
    await storeDocumentText(deps(), { documentId: scene.tckh.documentId, text: SCAN_TEXT, source: "OCR" });
  });

  it("finds a word that occurs only in the scan, with and without diacritics, and shows the line it is on", async () => {
    for (const q of ["kênh mương", "kenh muong", "KÊNH MƯƠNG", "nạo vét"]) expect(await found("chutich", q)).toEqual(["D1"]);
    const [hit] = (await search("chutich", "kenh muong")).hits;
    expect(hit?.snippet).toBe("kinh phí nạo vét kênh mương nội đồng năm 2027 của phường Nhơn Bình, gửi trước ngày 18/12/2026.");
  });

  it("matches each word in the metadata or the text; a match in the metadata alone has no snippet", async () => {
    expect(await found("chutich", "dự toán kênh")).toEqual(["D1"]); // "dự toán" in the subject, "kênh" in the scan
    expect((await search("chutich", "dự toán kênh")).hits[0]?.snippet).toContain("kênh mương");
    expect((await search("chutich", "dự toán 2027")).hits.map((h) => h.snippet)).toEqual([null]);
    expect(await found("chutich", "kênh đất đai")).toEqual([]); // no document has both
  });

  it("finds it only for people who may see the document: not an officer or unit head of another unit", async () => {
    expect(await found("tp.tckh", "kenh muong")).toEqual(["D1"]); // the unit the document is assigned to
    expect(await found("admin", "kenh muong")).toEqual(["D1"]);
    expect(await found("tp.tp", "kenh muong")).toEqual([]);
    expect(await found("cv.tp", "kenh muong")).toEqual([]);
    expect(await found("ct.nb", "kenh muong")).toEqual([]);
    // An officer of the unit sees it once the unit head hands it to them, not before.
    expect(await found("cv.tckh", "kenh muong")).toEqual([]);
    await markDelegated(db.prisma, await assignmentIdOf(db.prisma, `${scene.tckh.ref}-TCKH`), org.users["cv.tckh"]!, clock.now());
    expect(await found("cv.tckh", "kenh muong")).toEqual(["D1"]);
  });

  it("never matches or quotes text stored for a secret document (written around the refusal)", async () => {
    await db.prisma.documentText.create({
      data: { documentId: scene.secret.documentId, text: "Bố trí lực lượng phòng không", searchText: "bo tri luc luong phong khong", source: "OCR" },
    });
    expect(await found("chutich", "phong khong")).toEqual([]);
    expect((await search("chutich", "quốc phòng")).hits.map((h) => [h.displayRef, h.snippet])).toEqual([["M1", null]]);
  });

  it("shortens a long line around the word", async () => {
    const line = `${"Căn cứ Luật Ngân sách nhà nước ".repeat(8)}về việc nạo vét hồ chứa Đồng Mít ${"và các công trình thủy lợi khác ".repeat(8)}`;
    await storeDocumentText(deps(), { documentId: scene.undirected.documentId, text: `Dòng đầu\n${line}\nDòng cuối`, source: "TEXT_LAYER" });
    const [hit] = (await search("chutich", "dong mit")).hits;
    expect(hit?.displayRef).toBe("D3");
    expect(hit?.snippet).toMatch(/^….*hồ chứa Đồng Mít.*…$/u);
    expect(Array.from(hit!.snippet!.replace(/…/g, "")).length).toBeLessThanOrEqual(120);
  });
});
