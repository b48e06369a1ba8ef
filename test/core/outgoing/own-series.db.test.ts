// Issue 21, "each cơ quan its own series" (Decree 30 Art. 15.1): a ward's People's Committee (a cơ
// quan with its own seal) issues in its own series and ký hiệu; legal normative documents have their
// own series per type and year (15/2026/QĐ-UBND); concurrent issues stay gapless in every series.
// The race test means something on PostgreSQL (DATABASE_URL), where the issues run on separate
// connections at once; on PGlite they interleave between statements.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDocumentToCaseFile } from "../../../core/office/add-document-to-case-file.ts";
import { closeCaseFile } from "../../../core/office/close-case-file.ts";
import { exportCaseFile } from "../../../core/office/export-case-file.ts";
import { openCaseFile } from "../../../core/office/open-case-file.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { t } from "../../../core/messages/index.ts";
import { exportRegister } from "../../../core/office/registers.ts";
import { issueOutgoingDocument, type IssueOutgoingInput } from "../../../core/outgoing/issue-outgoing-document.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let pdf: Uint8Array;
const files = createMemoryFileStore();
const deps = () => createTestDeps(db.prisma, { files, settings: { agencyOrganId: "000.00.31.H23" } });
const errorOf = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DomainError;

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  org = await setupExampleOrg(deps());
});

const issue = (over: Partial<IssueOutgoingInput> = {}) =>
  issueOutgoingDocument(deps(), {
    actorUserId: org.users.vanthu!,
    docType: "Công văn",
    draftingUnitCode: "VP",
    subject: "V/v triển khai phần mềm văn phòng điện tử",
    signerName: "Nguyễn Văn An",
    signerTitle: "Chủ tịch",
    internalRecipients: ["TCKH"],
    files: [{ bytes: pdf, fileName: "cv.pdf" }],
    ...over,
  });
const ward = (over: Partial<IssueOutgoingInput> = {}) =>
  issue({ actorUserId: org.users["vt.nb"]!, draftingUnitCode: undefined, signerName: "Huỳnh Văn Phúc", signerTitle: "Chủ tịch UBND phường", ...over });

describe("each cơ quan its own series", () => {
  it("a ward issues 01/UBND, 02/UBND in its own series, as its own issuer, outside the city's register", async () => {
    const city1 = await issue();
    const w1 = await ward();
    const w2 = await ward({ docType: "Quyết định" });
    const city2 = await issue({ docType: "Quyết định" });
    expect([city1, w1, w2, city2].map((r) => [r.numberAndNotation, r.registerBook, r.ref])).toEqual([
      ["01/UBND-VP", "OUT", "P1/2026"],
      ["01/UBND", "OUT:NB", "P2/2026"],
      ["02/QĐ-UBND", "OUT:NB", "P3/2026"],
      ["02/QĐ-UBND", "OUT", "P4/2026"],
    ]);
    const stored = await db.prisma.document.findUniqueOrThrow({ where: { id: w1.documentId }, select: { issuer: true, issuerUnitId: true } });
    expect(stored).toEqual({ issuer: "UBND phường Quy Nhơn Bắc", issuerUnitId: org.units.NB });
    // The city's outgoing register holds the city's documents only; its cover counts its own series.
    const reg = await exportRegister(deps(), { viewer: { orgCode: "UBND" }, type: "OUT", period: { from: "2026-01-01", to: "2026-12-31" }, format: "csv" });
    const csv = new TextDecoder().decode(reg.bytes);
    expect(reg.rowCount).toBe(2);
    expect(csv).toContain("01/UBND-VP");
    expect(csv).not.toContain("UBND phường Quy Nhơn Bắc,");
    expect(csv).not.toMatch(/\n01\/UBND,/);
  });

  it("the city's clerk cannot issue what the ward drafted (the ward's seal is not theirs), and says why in Vietnamese", async () => {
    const e = await errorOf(issue({ draftingUnitCode: "NB" }));
    expect(e.code).toBe("FORBIDDEN");
    expect(t("vi", e.messageKey, e.params)).toBe(
      "Văn bản do UBND phường Quy Nhơn Bắc soạn thảo được phát hành bằng con dấu và số văn bản của chính UBND phường Quy Nhơn Bắc: văn thư của UBND phường Quy Nhơn Bắc phát hành văn bản này.",
    );
    expect(await db.prisma.document.count()).toBe(0);
  });

  it("an organisation file can say a ward has no seal of its own, or give another unit one with its abbreviation", async () => {
    await importOrganization(deps(), {
      text: `organization: { name: "UBND tỉnh Gia Lai", code: "UBND" }
units:
  - { code: "NB", name: "UBND phường Quy Nhơn Bắc", kind: WARD, ownSeal: false }
  - { code: "TCKH", name: "Ban Quản lý dự án", kind: OTHER, ownSeal: true, notation: "BQLDA" }
`,
    });
    expect((await ward()).numberAndNotation).toBe("01/UBND-NB");
    // The board has its own seal now: the city's clerk no longer issues what it drafted.
    expect((await errorOf(issue({ draftingUnitCode: "TCKH" }))).messageKey).toBe("numbering.ownSealUnit");
    const units = await db.prisma.unit.findMany({ where: { code: { in: ["NB", "TCKH", "NP"] } }, select: { code: true, ownSeal: true, notation: true }, orderBy: { code: "asc" } });
    expect(units).toEqual([
      { code: "NB", ownSeal: false, notation: null },
      { code: "NP", ownSeal: true, notation: "UBND" },
      { code: "TCKH", ownSeal: true, notation: "BQLDA" },
    ]);
  });

  it("legal normative documents: one series per type and year, 01/2026/QĐ-UBND, beside the administrative series", async () => {
    const qd1 = await issue({ docType: "Quyết định", normative: true });
    const admin = await issue({ docType: "Quyết định" });
    const qd2 = await issue({ docType: "Quyết định", normative: true });
    const nq1 = await issue({ docType: "Nghị quyết", normative: true });
    const wardQd = await ward({ docType: "Quyết định", normative: true });
    expect([qd1, admin, qd2, nq1, wardQd].map((r) => [r.numberAndNotation, r.registerBook])).toEqual([
      ["01/2026/QĐ-UBND", "OUT_QPPL:QĐ"],
      ["01/QĐ-UBND", "OUT"],
      ["02/2026/QĐ-UBND", "OUT_QPPL:QĐ"],
      ["01/2026/NQ-UBND", "OUT_QPPL:NQ"],
      ["01/2026/QĐ-UBND", "OUT_QPPL:QĐ:NB"],
    ]);
    expect(new Set([qd1, admin, qd2, nq1, wardQd].map((r) => r.ref)).size).toBe(5);
    const e = await errorOf(issue({ docType: "Công văn", normative: true }));
    expect(e.code).toBe("OUTGOING_NOT_NORMATIVE");
    expect(t("vi", e.messageKey, e.params)).toBe("Công văn không phải là văn bản quy phạm pháp luật. Văn bản quy phạm pháp luật có các loại: Nghị quyết, Quyết định, Thông tư.");
    // The refusal took no number.
    expect((await issue({ docType: "Quyết định", normative: true })).numberAndNotation).toBe("03/2026/QĐ-UBND");
  });

  it("a REF counter missing for the year starts after the documents already numbered (refs issued before the counter existed)", async () => {
    await issue();
    await issue();
    await issue();
    await db.prisma.registerCounter.deleteMany({ where: { book: "REF:P" } });
    const w = await ward();
    expect(w.ref).toBe("P4/2026");
    expect(w.numberAndNotation).toBe("01/UBND");
  });

  it("concurrent issues in four series: each series gapless from 01, every REF distinct", async () => {
    const kinds = ["city", "ward", "normative", "wardNormative"] as const;
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const kind = kinds[i % 4]!;
        const r =
          kind === "city"
            ? issue()
            : kind === "ward"
              ? ward()
              : kind === "normative"
                ? issue({ docType: "Quyết định", normative: true })
                : ward({ docType: "Quyết định", normative: true });
        return r.then((x) => ({ kind, ...x }));
      }),
    );
    for (const kind of kinds) {
      const mine = results.filter((r) => r.kind === kind);
      expect(new Set(mine.map((r) => r.registerBook)).size, kind).toBe(1);
      expect(
        mine.map((r) => r.registerNumber).sort((a, b) => a - b),
        kind,
      ).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(results.map((r) => Number(/^P(\d+)\//.exec(r.ref)![1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => `${r.registerBook} ${r.numberAndNotation}`)).size).toBe(24);
  }, 180_000);

  it("the archive package names each issuer and recipient by its electronic identifier: the agency's, a ward's own, none for an outside agency", async () => {
    await importOrganization(deps(), {
      text: `organization: { name: "UBND tỉnh Gia Lai", code: "UBND" }\nunits:\n  - { code: "NB", name: "UBND phường Quy Nhơn Bắc", kind: WARD, organId: "000.31.32.H23" }\n`,
    });
    const city = await issue({ internalRecipients: ["TCKH", "NB"], externalRecipients: ["Sở Nội vụ tỉnh Gia Lai"] });
    const w = await ward({ internalRecipients: ["VP"] });
    const d = deps();
    await openCaseFile(d, { actorUserId: org.users.vanthu!, code: "01-VP", title: "Hồ sơ phần mềm văn phòng điện tử", retention: "10 năm" });
    for (const ref of [city.ref, w.ref]) await addDocumentToCaseFile(d, { actorUserId: org.users.vanthu!, code: "01-VP", year: 2026, documentRef: ref });
    await closeCaseFile(d, { actorUserId: org.users.vanthu!, code: "01-VP", year: 2026 });
    const tmp = await mkdtemp(path.join(os.tmpdir(), "edoc-organ-"));
    try {
      const out = path.join(tmp, "pkg");
      await exportCaseFile(d, { viewer: { orgCode: "UBND" }, code: "01-VP", year: 2026, outDir: out });
      const meta = async (folder: string) => JSON.parse(await readFile(path.join(out, "van-ban", folder, "metadata.json"), "utf8"));
      const first = await meta(`001-${city.ref.replace("/", "-")}`);
      expect(first.FileCode).toEqual({ OrganId: "000.00.31.H23", FileCatalog: 2026, FileNotation: "01-VP" });
      expect(first.OrganName).toBe("UBND tỉnh Gia Lai");
      expect(first.To).toEqual([
        { OrganId: "000.00.31.H23", OrganName: "Sở Tài chính" },
        { OrganId: "000.31.32.H23", OrganName: "UBND phường Quy Nhơn Bắc" },
        { OrganId: null, OrganName: "Sở Nội vụ tỉnh Gia Lai" },
      ]);
      const second = await meta(`002-${w.ref.replace("/", "-")}`);
      expect(second).toMatchObject({ OrganName: "UBND phường Quy Nhơn Bắc", CodeNumber: "01", CodeNotation: "UBND" });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
