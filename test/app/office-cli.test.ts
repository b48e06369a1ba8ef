// The office's CLI commands as an operator runs them: `edoc report …` and `edoc archive …` on the
// embedded database of a temporary DATA_DIR, filled first through core (the same files and database).
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, silentLogger, type CoreDeps } from "../../core/deps.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { createFsFileStore } from "../../core/files/file-store.ts";
import { addDocumentToCaseFile } from "../../core/office/add-document-to-case-file.ts";
import { closeCaseFile } from "../../core/office/close-case-file.ts";
import { openCaseFile } from "../../core/office/open-case-file.ts";
import { openDatabase } from "../../core/store/client.ts";
import { createTestClock } from "../support/core.ts";
import { registerSample, samplePdf, setupExampleOrg } from "../support/workflow.ts";

let dataDir: string;
/** The agency's electronic identifier (OrganId of the archive package). */
const ORGAN_ID = "000.00.31.H23";
const env = (extra: Record<string, string> = { AGENCY_ORGAN_ID: ORGAN_ID }) => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  DATA_DIR: dataDir,
  LOG_LEVEL: "warn",
  ...extra,
});
const edoc = (args: string[], extra?: Record<string, string>) => spawnSync(process.execPath, ["bin/edoc.js", ...args], { env: env(extra), encoding: "utf8", timeout: 90_000 });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-office-cli-"));
  const db = await openDatabase({ dataDir });
  try {
    const clock = createTestClock("2026-11-02T01:00:00Z");
    const deps: CoreDeps = { prisma: db.prisma, logger: silentLogger, clock, files: createFsFileStore(path.join(dataDir, "files")), settings: DEFAULT_SETTINGS };
    const org = await setupExampleOrg(deps);
    const a = await registerSample(deps, org, { files: [{ bytes: await samplePdf() }] });
    clock.advance(3_600_000);
    await issueDirective(deps, { actorUserId: org.users.chutich!, documentId: a.documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-11-10" } });
    const b = await registerSample(deps, org, { codeNumber: "46", subject: "V/v báo cáo quyết toán" });
    await openCaseFile(deps, { actorUserId: org.users.vanthu!, code: "05-VP", title: "Hồ sơ dự toán ngân sách năm 2027", retention: "10 năm", year: 2026 });
    for (const documentId of [a.documentId, b.documentId]) await addDocumentToCaseFile(deps, { actorUserId: org.users.vanthu!, code: "05-VP", year: 2026, documentId });
    await closeCaseFile(deps, { actorUserId: org.users.vanthu!, code: "05-VP", year: 2026 });
  } finally {
    await db.close();
  }
}, 120_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("edoc report", () => {
  it("writes the incoming register as CSV (BOM, header) and as XLSX (dates as dates)", async () => {
    const csvPath = path.join(dataDir, "den.csv");
    const r = edoc(["report", "register", "--type", "in", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "--out", csvPath]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("2 row(s) written");
    const csv = await readFile(csvPath);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString("utf8").slice(1).split("\r\n")[0]).toBe(
      'Ngày đến,Số đến,Tác giả,"Số, ký hiệu văn bản",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Đơn vị hoặc người nhận,Ngày chuyển,Ký nhận,Ghi chú',
    );

    const xlsxPath = path.join(dataDir, "theo-doi.xlsx");
    expect(edoc(["report", "register", "--type", "tracking", "--from", "2026-11-01", "--to", "2026-11-30", "--out", xlsxPath]).status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(xlsxPath)) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(8).getCell(1).value).toBe("Số đến");
    expect(sheet.getRow(9).getCell(4).value).toEqual(new Date("2026-11-10T00:00:00Z"));

    // The secret register: a book of its own, with the volume number on its cover.
    const secretPath = path.join(dataDir, "mat-den.xlsx");
    const secret = edoc(["report", "register", "--type", "in", "--secret", "--volume", "3", "--from", "2026-01-01", "--to", "2026-12-31", "--out", secretPath]);
    expect(secret.stderr).toBe("");
    expect(secret.stdout).toContain("Register IN (secret) 2026-01-01 – 2026-12-31: 0 row(s)");
    const secretBook = new ExcelJS.Workbook();
    await secretBook.xlsx.load((await readFile(secretPath)) as unknown as ArrayBuffer);
    expect([2, 6].map((n) => secretBook.worksheets[0]!.getRow(n).getCell(1).value)).toEqual(["SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN", "Quyển số: 03"]);

    const bad = edoc(["report", "register", "--type", "sideways", "--from", "2026-11-01", "--to", "2026-11-30", "--out", xlsxPath]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("edoc report register --type in|out|tracking");
  }, 120_000);

  it("prints the on-time report and writes its XLSX and chart", async () => {
    const xlsx = path.join(dataDir, "dung-han.xlsx");
    const chart = path.join(dataDir, "dung-han.png");
    const r = edoc(["report", "on-time", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", xlsx, "--chart", chart]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Sở Tài chính: giao 1 · hoàn thành đúng hạn 0 · hoàn thành quá hạn 0 · đang thực hiện trong hạn 0 · đang thực hiện quá hạn 1 · tỷ lệ đúng hạn 0%"); // due 10/11/2026, the CLI runs on the real clock
    expect((await readFile(chart)).subarray(1, 4).toString()).toBe("PNG");
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe("PK");
  }, 120_000);
});

describe("edoc archive", () => {
  it("lists the year's files, exports a closed one (folder and ZIP), verifies it, and names an altered file", async () => {
    const list = edoc(["archive", "list", "--year", "2026"]);
    expect(list.stdout).toMatch(/05-VP\s+CLOSED\s+2 vb\s+10 năm\s+Hồ sơ dự toán ngân sách năm 2027/);

    const out = path.join(dataDir, "nop-luu", "000.00.31.H23.2026.05-VP");
    // Without AGENCY_ORGAN_ID: refused in Vietnamese, nothing written.
    const noId = edoc(["archive", "export", "05-VP", "--year", "2026", "--out", out], {});
    expect(noId.status).toBe(1);
    expect(noId.stderr).toContain("Chưa khai báo mã định danh điện tử của cơ quan (AGENCY_ORGAN_ID)");
    const r = edoc(["archive", "export", "05-VP", "--year", "2026", "--out", out, "--zip"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Case file 000.00.31.H23.2026.05-VP exported");
    expect(r.stdout).toContain(`ZIP written to ${out}.zip`);

    const ok = edoc(["archive", "verify", out]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Archive package 000\.00\.31\.H23\.2026\.05-VP intact: \d+ file\(s\)/);

    const file = path.join(out, "van-ban", "001-D1-2026", "metadata.json");
    const bytes = await readFile(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x20;
    await writeFile(file, bytes);
    const broken = edoc(["archive", "verify", out]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("ALTERED  van-ban/001-D1-2026/metadata.json");
    expect(broken.stderr).toContain("1 altered");

    const open = edoc(["archive", "export", "99-XX", "--year", "2026", "--out", path.join(dataDir, "x")]);
    expect(open.status).toBe(1);
    expect(open.stderr).toContain("Không có hồ sơ 99-XX năm 2026.");
  }, 180_000);
});

describe("edoc archive open / add / close", () => {
  it("opens a case file, adds documents by ref, closes it, as an office user; refuses someone else", () => {
    const open = edoc(["archive", "open", "07-VP", "--title", "Hồ sơ quyết toán năm 2026", "--retention", "Vĩnh viễn", "--year", "2026", "--as", "vanthu"]);
    expect(open.stderr).toBe("");
    expect(open.stdout).toContain("Case file 000.00.31.H23.2026.07-VP opened.");
    const add = edoc(["archive", "add", "07-VP", "D1/2026", "D2/2026", "--year", "2026", "--as", "vanthu"]);
    expect(add.stdout).toContain("D1/2026 added to case file 07-VP/2026 as document 1.");
    expect(add.stdout).toContain("D2/2026 added to case file 07-VP/2026 as document 2.");
    const refused = edoc(["archive", "close", "07-VP", "--year", "2026", "--as", "tp.tckh"]);
    expect(refused.status).toBe(1);
    const close = edoc(["archive", "close", "07-VP", "--year", "2026", "--as", "vanthu"]);
    expect(close.stdout).toContain("Case file 07-VP/2026 closed with 2 document(s).");
    expect(edoc(["archive", "list", "--year", "2026"]).stdout).toMatch(/07-VP\s+CLOSED\s+2 vb\s+Vĩnh viễn\s+Hồ sơ quyết toán năm 2026/);
  }, 180_000);
});
