import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { knownIssuers } from "../../../core/documents/known-issuers.ts";
import { extractFields } from "../../../core/ocr/extract-fields.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

// Issue 18: the header read from a scan is matched against the register's issuers and the
// organisation file (its agencies, its own-seal units) and the axis' directory, so that OCR's
// capitals and lost diacritics do not matter.
let db: TestDatabase;
let org: OrgFixture;
const clock = createTestClock("2026-12-01T02:00:00Z");
const deps = () => createTestDeps(db.prisma, { clock });
const agency = (organId: string, name: string, source: "AXIS" | "ORG_FILE", active = true) =>
  db.prisma.interchangeAgency.create({ data: { organId, name, nameKey: name.toLowerCase(), source, active, refreshedAt: clock.now() } });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  org = await setupExampleOrg(deps());
});

describe("knownIssuers", () => {
  it("lists the register's issuers first, then the organisation file's agencies and own-seal units, then the axis directory; a name folded the same is listed once, spelt as first found", async () => {
    await registerSample(deps(), org, { issuer: "Sở Tài chính tỉnh Bình Định" });
    await agency("000.00.31.H10", "Sở Y tế tỉnh Gia Lai", "ORG_FILE");
    await agency("000.00.32.H10", "SỞ TÀI CHÍNH TỈNH BÌNH ĐỊNH", "AXIS");
    await agency("000.00.33.H10", "Kho bạc Nhà nước", "AXIS");
    await agency("000.00.34.H10", "Sở Xây dựng (cũ)", "AXIS", false);
    const names = await knownIssuers(deps(), org.orgId);
    expect(names[0]).toBe("Sở Tài chính tỉnh Bình Định");
    expect(names.slice(1, 3)).toEqual(["Sở Y tế tỉnh Gia Lai", "UBND phường Quy Nhơn"]);
    expect(names).toContain("UBND phường Quy Nhơn Bắc");
    expect(names.at(-1)).toBe("Kho bạc Nhà nước");
    expect(names.filter((n) => n.toLowerCase().includes("tài chính"))).toEqual(["Sở Tài chính tỉnh Bình Định"]);
    expect(names).not.toContain("Sở Xây dựng (cũ)");
    // Units without their own seal are parts of the organisation, not issuers from outside.
    expect(names).not.toContain("Sở Tư pháp");
  });

  it("an OCR'd header with wrong capitals is shown as the organisation file writes the agency", async () => {
    await agency("000.00.31.H10", "Sở Y tế tỉnh Gia Lai", "ORG_FILE");
    const page = [
      "UBND TÍNH GIA LAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "SỞ Y TÉ Độc lập - Tự do - Hạnh phúc",
      "Số: 12/SYT-KHTC Pleiku, ngày 02 tháng 12 năm 2026",
      "V/v tiêm chủng mở rộng",
    ].join("\n");
    expect(extractFields({ firstPage: page, knownIssuers: [] }).issuer).toMatchObject({ known: false });
    const issuer = extractFields({ firstPage: page, knownIssuers: await knownIssuers(deps(), org.orgId) }).issuer;
    expect(issuer).toMatchObject({ value: "Sở Y tế tỉnh Gia Lai", known: true });
    // An own-seal ward of the organisation file too.
    const ward = ["UBND PHƯỜNG QUY NHƠN BĂC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 5/UBND Quy Nhơn, ngày 01 tháng 12 năm 2026", "V/v báo cáo dân số"].join("\n");
    expect(extractFields({ firstPage: ward, knownIssuers: await knownIssuers(deps(), org.orgId) }).issuer).toMatchObject({ value: "UBND phường Quy Nhơn Bắc", known: true });
  });
});
