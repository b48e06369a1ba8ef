// The ĐẾN stamp's "Số và ký hiệu HS" line: blank at registration, filled when the document is filed in
// a case file (a re-stamp of the original, as the "Chuyển" line after a directive).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { addDocumentToCaseFile } from "../../../core/office/add-document-to-case-file.ts";
import { openCaseFile } from "../../../core/office/open-case-file.ts";
import { issueOutgoingDocument } from "../../../core/outgoing/issue-outgoing-document.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const run = promisify(execFile);
let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let dir: string;
const deps = () => createTestDeps(db.prisma, { files });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "stamp-hs-"));
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

/** The lines of page 1 of the document's current stamped copy. */
const stampedLines = async (documentId: string): Promise<string[]> => {
  const row = await db.prisma.storedFile.findFirstOrThrow({ where: { documentId, kind: "STAMPED" }, select: { sha256: true } });
  const path = join(dir, `${row.sha256}.pdf`);
  await writeFile(path, await files.readBytes(row.sha256));
  const { stdout } = await run("pdftotext", ["-f", "1", "-l", "1", path, "-"]);
  return stdout.split("\n").map((l) => l.trim());
};

describe("ĐẾN stamp: Số và ký hiệu HS", () => {
  it("is blank until the document is filed, then shows the case file(s), keeping the routing", async () => {
    const d = deps();
    const doc = await registerSample(d, org, { files: [{ bytes: await samplePdf(), fileName: "cv.pdf" }] });
    expect(await stampedLines(doc.documentId)).toContain("Số và ký hiệu HS:");
    await issueDirective(d, {
      actorUserId: org.users.chutich!,
      documentId: doc.documentId,
      text: "Giao Phòng Tài chính - Kế hoạch chủ trì.",
      main: "TCKH",
      due: { date: "2026-12-18" },
    });

    await openCaseFile(d, { actorUserId: org.users.vanthu!, code: "05-VP", title: "Hồ sơ dự toán ngân sách năm 2027", retention: "10 năm" });
    await openCaseFile(d, { actorUserId: org.users.vanthu!, code: "06-VP", title: "Hồ sơ chuyển đổi số", retention: "Vĩnh viễn" });
    await addDocumentToCaseFile(d, { actorUserId: org.users.vanthu!, code: "05-VP", year: 2026, documentId: doc.documentId });
    let lines = await stampedLines(doc.documentId);
    expect(lines).toContain("Số và ký hiệu HS: 05-VP");
    expect(lines).toContain("Chuyển: TCKH (chủ trì)");
    // One stamped copy per document, replaced by the re-stamp.
    expect(await db.prisma.storedFile.count({ where: { documentId: doc.documentId, kind: "STAMPED" } })).toBe(1);

    await addDocumentToCaseFile(d, { actorUserId: org.users.vanthu!, code: "06-VP", year: 2026, documentRef: doc.ref });
    lines = await stampedLines(doc.documentId);
    expect(lines).toContain("Số và ký hiệu HS: 05-VP; 06-VP");
  });

  it("an outgoing document filed in a case file gets no ĐẾN stamp", async () => {
    const d = deps();
    const out = await issueOutgoingDocument(d, {
      actorUserId: org.users.vanthu!,
      subject: "V/v báo cáo",
      signerName: "Nguyễn Văn An",
      signerTitle: "Chủ tịch",
      internalRecipients: ["TCKH"],
      files: [{ bytes: await samplePdf() }],
    });
    await openCaseFile(d, { actorUserId: org.users.vanthu!, code: "05-VP", title: "Hồ sơ", retention: "10 năm" });
    await addDocumentToCaseFile(d, { actorUserId: org.users.vanthu!, code: "05-VP", year: 2026, documentId: out.documentId });
    expect(await db.prisma.storedFile.count({ where: { documentId: out.documentId, kind: "STAMPED" } })).toBe(0);
  });
});
