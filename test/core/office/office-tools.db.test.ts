// Issue 9: a month of activity (November 2026) in the example organisation, then the office's
// tools over it: the on-time report (every figure computed by hand below), the registers as XLSX
// and CSV, case files and the archive package, and /baocao in chat.
import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { decideExtension } from "../../../core/assignments/decide-extension.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { requestExtension } from "../../../core/assignments/request-extension.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { addDocumentToCaseFile } from "../../../core/office/add-document-to-case-file.ts";
import { closeCaseFile } from "../../../core/office/close-case-file.ts";
import { exportCaseFile } from "../../../core/office/export-case-file.ts";
import { listCaseFiles } from "../../../core/office/list-case-files.ts";
import { buildOnTimeReport, formatOnTimeText, formatRate, onTimeReportXlsx, renderOnTimeChart, summaryOf, type OnTimeFigures } from "../../../core/office/on-time-report.ts";
import { openCaseFile } from "../../../core/office/open-case-file.ts";
import { exportRegister, registerColumnTitles } from "../../../core/office/registers.ts";
import { verifyArchivePackage } from "../../../core/office/verify-archive-package.ts";
import { localDateToUtcMidnight } from "../../../core/time.ts";
import { t } from "../../../core/messages/index.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let tmp: string;
/** The agency's electronic identifier (AGENCY_ORGAN_ID): OrganId of the archive package. */
const ORGAN_ID = "000.00.31.H23";
const deps = () => createTestDeps(db.prisma, { clock, files, settings: { agencyOrganId: ORGAN_ID } });
const u = (code: string) => org.users[code]!;
const vn = (local: string) => new Date(`${local}+07:00`);
const at = (local: string) => clock.set(vn(local));
const errorOf = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DomainError;
const NOV = { from: "2026-11-01", to: "2026-11-30" };
/** Assignment ids by "<doc>-<unit>". */
const asg: Record<string, string> = {};
const docs: Record<string, string> = {};

const direct = async (doc: string, when: string, main: string, due: string, coordinate: string[] = [], info: string[] = []) => {
  at(when);
  const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId: docs[doc]!, text: `Giao ${main} chủ trì xử lý.`, main, coordinate, info, due: { date: due } });
  for (const a of r.assignments) asg[`${doc}-${a.unitCode}`] = a.assignmentId;
};
const ack = (key: string, head: string, when: string) => (at(when), acknowledgeAssignment(deps(), { actorUserId: u(head), assignmentId: asg[key]!, channel: "TELEGRAM" }));
const complete = (key: string, head: string, when: string) => (at(when), completeAssignment(deps(), { actorUserId: u(head), assignmentId: asg[key]!, text: `Đã xử lý ${key}.` }));
const extend = async (key: string, head: string, when: string, newDate: string) => {
  at(when);
  const r = await requestExtension(deps(), { actorUserId: u(head), assignmentId: asg[key]!, reason: "Cần thêm thời gian lấy ý kiến.", newDue: { date: newDate } });
  clock.advance(3_600_000);
  await decideExtension(deps(), { actorUserId: u("chutich"), extensionId: r.extensionId, grant: true });
};

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = await mkdtemp(path.join(os.tmpdir(), "edoc-office-"));
  invalidateOrgCalendar();
  clock = createTestClock(vn("2026-10-30T07:45:00"));
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  const register = async (name: string, when: string, over: Parameters<typeof registerSample>[2] = {}) => {
    at(when);
    const r = await registerSample(deps(), org, { codeNumber: String(10 + Object.keys(docs).length), issuedDate: "2026-10-28", subject: `V/v việc ${name}`, ...over });
    docs[name] = r.documentId;
    return r;
  };

  // H (D1): sent in October: outside the period.
  await register("H", "2026-10-30T07:45:00");
  await direct("H", "2026-10-30T08:00:00", "TP", "2026-11-05");
  await ack("H-TP", "tp.tp", "2026-10-30T09:00:00");
  await complete("H-TP", "tp.tp", "2026-11-04T10:00:00");

  // A (D2, with its scan): Mon 02/11 08:00, TCKH main, TP coordinating, due Fri 06/11. The ack delay
  // (4 working hours from 08:00: 08:00–11:30 + 13:00–13:30) ends at 13:30.
  await register("A", "2026-11-02T07:45:00", { files: [{ bytes: await samplePdf() }], issuedDate: "2026-10-30" });
  await direct("A", "2026-11-02T08:00:00", "TCKH", "2026-11-06", ["TP"]);
  await ack("A-TCKH", "tp.tckh", "2026-11-02T09:00:00"); // in time
  at("2026-11-02T10:00:00");
  const delegated = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: asg["A-TCKH"]!, officerUserCode: "cv.tckh" }); // not counted
  asg["A-TCKH-cv"] = delegated.assignmentId;
  await ack("A-TCKH-cv", "cv.tckh", "2026-11-02T10:30:00");
  await complete("A-TCKH-cv", "cv.tckh", "2026-11-04T15:00:00");
  await complete("A-TCKH", "tp.tckh", "2026-11-05T10:00:00"); // on time (both)
  await ack("A-TP", "tp.tp", "2026-11-03T09:00:00"); // late ack
  await complete("A-TP", "tp.tp", "2026-11-09T10:00:00"); // late (both)

  // B (D3): Tue 03/11, TCKH main due 10/11, extended to 13/11, completed 12/11.
  await register("B", "2026-11-03T07:45:00");
  await direct("B", "2026-11-03T08:00:00", "TCKH", "2026-11-10");
  await ack("B-TCKH", "tp.tckh", "2026-11-03T10:00:00"); // in time
  await extend("B-TCKH", "tp.tckh", "2026-11-09T09:00:00", "2026-11-13");
  await complete("B-TCKH", "tp.tckh", "2026-11-12T10:00:00"); // late (original), on time (extended)

  // C (D4): Wed 04/11, NV main (never acknowledged), TCKH coordinating (late ack), NB for information; due 12/11.
  await register("C", "2026-11-04T07:45:00");
  await direct("C", "2026-11-04T08:00:00", "NV", "2026-11-12", ["TCKH"], ["NB"]);
  await ack("C-TCKH", "tp.tckh", "2026-11-04T14:00:00"); // late ack (after 13:30)

  // D (D5): Mon 16/11, TP main due 15/12, acknowledged at once, open.
  await register("D", "2026-11-16T07:45:00");
  await direct("D", "2026-11-16T08:00:00", "TP", "2026-12-15");
  await ack("D-TP", "tp.tp", "2026-11-16T08:30:00");

  // E (D6): Tue 17/11, TCKH main due 20/11, extended to 04/12, open (past the original deadline only).
  await register("E", "2026-11-17T07:45:00");
  await direct("E", "2026-11-17T08:00:00", "TCKH", "2026-11-20");
  await ack("E-TCKH", "tp.tckh", "2026-11-17T08:15:00");
  await extend("E-TCKH", "tp.tckh", "2026-11-19T09:00:00", "2026-12-04");

  // F (D7): Wed 18/11, first to TP, then the directive is superseded: VP main (TP's is CANCELLED).
  await register("F", "2026-11-18T07:45:00");
  await direct("F", "2026-11-18T08:00:00", "TP", "2026-11-27");
  await direct("F", "2026-11-18T09:00:00", "VP", "2026-11-27");
  await ack("F-VP", "cvp", "2026-11-18T09:30:00"); // in time (until 14:30)
  await complete("F-VP", "cvp", "2026-11-27T16:00:00"); // on time

  // G (D8): Thu 19/11, NV main, returned by NV.
  await register("G", "2026-11-19T07:45:00");
  await direct("G", "2026-11-19T08:00:00", "NV", "2026-11-26");
  at("2026-11-19T10:00:00");
  await returnAssignment(deps(), { actorUserId: u("tp.nv"), assignmentId: asg["G-NV"]!, reason: "Không thuộc thẩm quyền của Sở Nội vụ." });

  // A secret document (M1): metadata only, in the secret register.
  await register("S", "2026-11-20T08:00:00", { secrecy: "SECRET", subject: "V/v công tác bảo vệ bí mật nhà nước", issuer: "Công an tỉnh Bình Định" });

  // An outgoing document (P1), as the outgoing work will record it.
  await db.prisma.document.create({
    data: {
      orgId: org.orgId,
      direction: "OUT",
      registerBook: "OUT",
      registerYear: 2026,
      registerNumber: 1,
      ref: "P1/2026",
      docType: "Công văn",
      codeNumber: "01",
      codeNotation: "UBND-VP",
      issuedDate: localDateToUtcMidnight("2026-11-10"),
      subject: "V/v triển khai phần mềm văn phòng điện tử",
      signerName: "Nguyễn Văn An",
      signerTitle: "Chủ tịch",
      issuedAmount: 5,
      draftingUnitId: org.units.VP!,
      arrivalAt: vn("2026-11-10T15:00:00"),
      status: "ISSUED",
      createdById: u("vanthu"),
      createdAt: vn("2026-11-10T15:00:00"),
      recipients: {
        create: [
          { unitId: org.units.TCKH!, acknowledgedAt: vn("2026-11-11T08:00:00") },
          { externalName: "Sở Nội vụ tỉnh Bình Định", isPaper: true },
        ],
      },
    },
  });

  at("2026-11-30T10:00:00"); // Monday: the report is made now.
}, 180_000);
afterAll(async () => {
  await db.close();
  await rm(tmp, { recursive: true, force: true });
});

// === On-time report

const figures = (f: Partial<OnTimeFigures>): OnTimeFigures => ({
  assigned: 0,
  acknowledgedInTime: 0,
  completed: 0,
  completedOnTimeOriginal: 0,
  completedOnTimeExtended: 0,
  completedLateOriginal: 0,
  completedLateExtended: 0,
  extended: 0,
  returned: 0,
  open: 0,
  overdueNow: 0,
  overdueNowOriginal: 0,
  ...f,
});

// By hand, from the story above (as of Mon 30/11/2026 10:00):
// TCKH: A-main, B-main, C-coord, E-main. Ack in time A, B, E (C at 14:00 > 13:30). Completed A (on
//   time both), B (late original, on time extended). Extended B, E. Open C (overdue: 12/11), E
//   (in time: 04/12; past its original 20/11).
// TP: A-coord (late ack, completed 09/11 after 06/11: late both), D-main (ack in time, open, not due).
//   F-TP was cancelled, H-TP was sent in October: neither counts.
// NV: C-main (never acknowledged, overdue), G-main (returned).
// VP: F-VP (ack in time, completed on time). NB: INFO only → no row. The delegation to cv.tckh: not counted.
const EXPECTED: Record<string, OnTimeFigures> = {
  TCKH: figures({
    assigned: 4,
    acknowledgedInTime: 3,
    completed: 2,
    completedOnTimeOriginal: 1,
    completedOnTimeExtended: 2,
    completedLateOriginal: 1,
    completedLateExtended: 0,
    extended: 2,
    open: 2,
    overdueNow: 1,
    overdueNowOriginal: 2,
  }),
  TP: figures({
    assigned: 2,
    acknowledgedInTime: 1,
    completed: 1,
    completedOnTimeOriginal: 0,
    completedOnTimeExtended: 0,
    completedLateOriginal: 1,
    completedLateExtended: 1,
    open: 1,
  }),
  NV: figures({ assigned: 2, returned: 1, open: 1, overdueNow: 1, overdueNowOriginal: 1 }),
  VP: figures({ assigned: 1, acknowledgedInTime: 1, completed: 1, completedOnTimeOriginal: 1, completedOnTimeExtended: 1 }),
};
const TOTALS = figures({
  assigned: 9,
  acknowledgedInTime: 5,
  completed: 4,
  completedOnTimeOriginal: 2,
  completedOnTimeExtended: 3,
  completedLateOriginal: 2,
  completedLateExtended: 1,
  extended: 2,
  returned: 1,
  open: 4,
  overdueNow: 2,
  overdueNowOriginal: 3,
});

describe("on-time report", () => {
  it("gives every figure by unit as computed by hand, units by name", async () => {
    const report = await buildOnTimeReport(deps(), { viewer: { actorUserId: u("cvp") }, period: NOV });
    expect(report.units.map((x) => x.unitCode)).toEqual(["NV", "TCKH", "TP", "VP"]); // Sở Nội vụ, Phòng Tài chính…, Sở Tư pháp, Văn phòng…
    for (const unit of report.units) {
      const { unitId: _id, unitCode, unitName: _name, ...f } = unit;
      expect({ unitCode, ...f }).toEqual({ unitCode, ...EXPECTED[unitCode] });
    }
    expect(report.totals).toEqual(TOTALS);
  });

  // The office's layout, by hand from the figures above: total = assigned − returned; done on time /
  // late against the deadline in force (B, done within its extension, is on time); in progress in
  // time / overdue; rate = on time ÷ (done + overdue in progress).
  it("in the office's layout: total, done on time / late (an extension counts), in progress in time / overdue, the on-time rate", async () => {
    const report = await buildOnTimeReport(deps(), { viewer: { actorUserId: u("cvp") }, period: NOV });
    const byCode = Object.fromEntries(report.units.map((x) => [x.unitCode, summaryOf(x)]));
    expect(byCode).toEqual({
      TCKH: { total: 4, doneOnTime: 2, doneLate: 0, inProgressInTime: 1, inProgressOverdue: 1, onTimeRate: 66.7 },
      TP: { total: 2, doneOnTime: 0, doneLate: 1, inProgressInTime: 1, inProgressOverdue: 0, onTimeRate: 0 },
      NV: { total: 1, doneOnTime: 0, doneLate: 0, inProgressInTime: 0, inProgressOverdue: 1, onTimeRate: 0 },
      VP: { total: 1, doneOnTime: 1, doneLate: 0, inProgressInTime: 0, inProgressOverdue: 0, onTimeRate: 100 },
    });
    expect(summaryOf(report.totals)).toEqual({ total: 8, doneOnTime: 3, doneLate: 1, inProgressInTime: 2, inProgressOverdue: 2, onTimeRate: 50 });
    for (const s of [...Object.values(byCode), summaryOf(report.totals)]) expect(s.doneOnTime + s.doneLate + s.inProgressInTime + s.inProgressOverdue).toBe(s.total);
    expect(summaryOf(figures({ assigned: 2, open: 2 })).onTimeRate).toBeNull(); // nothing judged yet
    expect([formatRate(66.7), formatRate(100), formatRate(null), formatRate(66.7, "en")]).toEqual(["66,7%", "100%", "—", "66.7%"]);
  });

  it("as plain text fits a chat message, and drops units that do not fit into a last line", async () => {
    const report = await buildOnTimeReport(deps(), { viewer: { actorUserId: u("vanthu") }, period: NOV });
    const text = formatOnTimeText(report);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain("Sở Tài chính: giao 4 · hoàn thành đúng hạn 2 · hoàn thành quá hạn 0 · đang thực hiện trong hạn 1 · đang thực hiện quá hạn 1 · tỷ lệ đúng hạn 66,7%");
    expect(text).toContain("Tổng cộng: giao 8 · hoàn thành đúng hạn 3 · hoàn thành quá hạn 1 · đang thực hiện trong hạn 2 · đang thực hiện quá hạn 2 · tỷ lệ đúng hạn 50%");
    expect(text).toContain("Hoàn thành trong thời hạn đã được gia hạn tính là đúng hạn.");
    const short = formatOnTimeText(report, { limit: 700 });
    expect(short.length).toBeLessThanOrEqual(700);
    expect(short).toMatch(/… và \d+ đơn vị khác/);
    expect(short).toContain("Tổng cộng: giao 8");
  });

  it("as XLSX (read back) and as a chart", async () => {
    const report = await buildOnTimeReport(deps(), { viewer: { actorUserId: u("cvp") }, period: NOV });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await onTimeReportXlsx(report)) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe("UBND tỉnh Gia Lai");
    // Two header rows: the groups over their columns, the other titles spanning both rows.
    const groups = (sheet.getRow(5).values as unknown[]).slice(1);
    const header = (sheet.getRow(6).values as unknown[]).slice(1);
    expect(groups.slice(0, 7)).toEqual(["Đơn vị", "Tổng số giao", "Đã hoàn thành", "Đã hoàn thành", "Đang thực hiện", "Đang thực hiện", "Tỷ lệ đúng hạn (%)"]);
    expect(header.slice(2, 6)).toEqual(["Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"]);
    expect(sheet.getCell("C5").isMerged && sheet.getCell("D5").master.address).toBe("C5");
    expect(sheet.getCell("A6").master.address).toBe("A5");
    const tckh = (sheet.getRow(8).values as unknown[]).slice(1);
    expect(tckh).toEqual(["Sở Tài chính", 4, 2, 0, 1, 1, 66.7, 0, 2, 3, 1]);
    expect((sheet.getRow(11).values as unknown[]).slice(1)).toEqual(["Tổng cộng", 8, 3, 1, 2, 2, 50, 1, 2, 5, 2]);
    const chart = await renderOnTimeChart(report);
    expect(chart.png.subarray(0, 4).toString("hex")).toBe("89504e47");
  });

  it("is for the office only: a unit head is refused, and the refusal is audited", async () => {
    expect((await errorOf(buildOnTimeReport(deps(), { viewer: { actorUserId: u("tp.tckh") }, period: NOV }))).code).toBe("FORBIDDEN");
    expect((await errorOf(buildOnTimeReport(deps(), { viewer: { actorUserId: u("chutich") }, period: NOV }))).code).toBe("FORBIDDEN");
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused", actorUserId: u("tp.tckh"), data: { path: ["action"], equals: "office.onTimeReport" } } })).toBe(1);
  });
});

// === Registers

const readSheet = async (bytes: Uint8Array) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0]!;
  const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
  return { sheet, row };
};

/** Decree 30 Appendix IV's column headings, as the forms word them (issue 21). */
const APP_IV = {
  IN: [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
  ],
  OUT: [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
  ],
  TRACKING: [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
  ],
};
/** The title block (agency, title, năm, từ ngày, từ số, quyển số) takes rows 1–6; the header is row 8. */
const HEADER = 8;

describe("registers", () => {
  it("the column headings are Decree 30 Appendix IV's words", () => {
    expect(registerColumnTitles("IN")).toEqual(APP_IV.IN);
    expect(registerColumnTitles("OUT")).toEqual(APP_IV.OUT);
    expect(registerColumnTitles("TRACKING")).toEqual(APP_IV.TRACKING);
  });

  it("incoming: the cover lines of the printed book, 10 columns, real dates, no secret document, the clerk's signature block", async () => {
    const file = await exportRegister(deps(), { viewer: { actorUserId: u("vanthu") }, type: "IN", period: NOV, format: "xlsx" });
    expect(file.fileName).toBe("so-van-ban-den_2026-11-01_2026-11-30.xlsx");
    const { row, sheet } = await readSheet(file.bytes);
    expect([1, 2, 3, 4, 5, 6].map((n) => row(n)[0])).toEqual([
      "UBND tỉnh Gia Lai",
      "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
      "Năm: 2026",
      "Từ ngày 01/11/2026 đến ngày 30/11/2026",
      "Từ số 02 đến số 08",
      "Quyển số: ……",
    ]);
    expect(row(HEADER)).toEqual(APP_IV.IN);
    expect(file.rowCount).toBe(7); // D2–D8 (D1 came in October; M1 is in the secret register)
    const a = row(HEADER + 1);
    expect(a[0]).toEqual(localDateToUtcMidnight("2026-11-02"));
    expect(a[0]).toBeInstanceOf(Date);
    expect(a.slice(1, 4)).toEqual([2, "Sở Tài chính tỉnh Bình Định", "11/STC-NS"]);
    expect(a[4]).toEqual(localDateToUtcMidnight("2026-10-30"));
    expect(a[5]).toBe("Công văn: V/v việc A");
    expect(a[6]).toBe("Sở Tài chính (chủ trì); Sở Tư pháp (phối hợp)");
    expect(a[7]).toEqual(localDateToUtcMidnight("2026-11-02"));
    expect(a[8]).toBe("TCKH đã nhận 02/11/2026; TP đã nhận 03/11/2026");
    expect(sheet.getRow(HEADER + 1).getCell(1).numFmt).toBe("dd/mm/yyyy");
    // F: the superseding directive's unit only.
    expect(row(HEADER + 6)[6]).toBe("Văn phòng UBND tỉnh (chủ trì)");
    const cells = (n: number) => row(n).filter((v) => v !== null && v !== undefined);
    expect(cells(HEADER + 8)).toEqual([]); // the blank row after D8
    expect(cells(HEADER + 9)[0]).toBe("Sổ này gồm 7 văn bản.");
    expect(cells(HEADER + 11)[0]).toBe("Ngày …… tháng …… năm ……");
    expect(cells(HEADER + 12)[0]).toBe("VĂN THƯ CƠ QUAN");
    expect(cells(HEADER + 13)[0]).toBe("(Ký, ghi rõ họ tên)");
    const text = JSON.stringify(sheet.getSheetValues());
    expect(text).not.toMatch(/Công an tỉnh|IN_SECRET|OUT_SECRET|Tối mật/);
  });

  it("the secret incoming register is a separate book: its own title and file, metadata only, no register code", async () => {
    const file = await exportRegister(deps(), { viewer: { actorUserId: u("vanthu") }, type: "IN", period: NOV, format: "xlsx", secret: true, volume: 2 });
    expect(file.fileName).toBe("so-van-ban-mat-den_2026-11-01_2026-11-30.xlsx");
    const { row, sheet } = await readSheet(file.bytes);
    expect(sheet.name).toBe("Sổ văn bản mật đến");
    expect([2, 3, 5, 6].map((n) => row(n)[0])).toEqual(["SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN", "Năm: 2026", "Từ số 01 đến số 01", "Quyển số: 02"]);
    expect(row(HEADER)).toEqual(APP_IV.IN);
    expect(file.rowCount).toBe(1);
    const secret = row(HEADER + 1);
    expect(secret.slice(1, 3)).toEqual([1, "Công an tỉnh Bình Định"]);
    expect(secret[9]).toBe("Tối mật: chỉ có bản giấy");
    const text = JSON.stringify(sheet.getSheetValues());
    expect(text).not.toMatch(/IN_SECRET|OUT_SECRET|V\/v việc [A-H]"/);
    const csv = await exportRegister(deps(), { viewer: { orgCode: "UBND" }, type: "IN", period: NOV, format: "csv", secret: true });
    expect(new TextDecoder().decode(csv.bytes)).not.toMatch(/_SECRET/);
  });

  it("a period over two years names the year beside each number on the cover", async () => {
    const file = await exportRegister(deps(), { viewer: { orgCode: "UBND" }, type: "IN", period: { from: "2025-12-01", to: "2026-11-30" }, format: "xlsx" });
    const { row } = await readSheet(file.bytes);
    expect(row(3)[0]).toBe("Năm: 2025–2026");
    expect(row(5)[0]).toBe("Từ số 01 đến số 08"); // every row is of 2026
    const empty = await exportRegister(deps(), { viewer: { orgCode: "UBND" }, type: "OUT", period: { from: "2026-01-01", to: "2026-01-31" }, format: "xlsx" });
    expect((await readSheet(empty.bytes)).row(5)[0]).toBe("Từ số …… đến số …… (không có văn bản trong kỳ)");
  });

  it("incoming as CSV: UTF-8 with BOM, the header, dates as dd/mm/yyyy", async () => {
    const file = await exportRegister(deps(), { viewer: { actorUserId: u("cvp") }, type: "IN", period: NOV, format: "csv" });
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const raw = new TextDecoder("utf-8", { ignoreBOM: true }).decode(file.bytes);
    expect(raw.startsWith("\uFEFFNgày đến,")).toBe(true);
    const lines = raw.slice(1).split("\r\n");
    expect(lines[0]).toBe('Ngày đến,Số đến,Tác giả,"Số, ký hiệu văn bản",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Đơn vị hoặc người nhận,Ngày chuyển,Ký nhận,Ghi chú');
    expect(lines[1]!.startsWith("02/11/2026,2,Sở Tài chính tỉnh Bình Định,11/STC-NS,30/10/2026,Công văn: V/v việc A,")).toBe(true);
    expect(lines).toHaveLength(9); // header, 7 rows, the empty string after the last CRLF
  });

  it("resolution tracking: 7 columns, deadline in force as a date, progress and the extension noted", async () => {
    const file = await exportRegister(deps(), { viewer: { actorUserId: u("cvp") }, type: "TRACKING", period: NOV, format: "xlsx" });
    const { row } = await readSheet(file.bytes);
    expect(row(HEADER)).toEqual(APP_IV.TRACKING);
    expect(file.rowCount).toBe(7); // D2–D8
    const b = row(HEADER + 2);
    expect(b[0]).toBe(3);
    expect(b[1]).toBe("12/STC-NS ngày 28/10/2026 — Sở Tài chính tỉnh Bình Định — Công văn: V/v việc B");
    expect(b[3]).toEqual(localDateToUtcMidnight("2026-11-13"));
    expect(b[4]).toBe("Hoàn thành đúng hạn, ngày 12/11/2026");
    expect(b[6]).toBe("Đã gia hạn (hạn ban đầu 10/11/2026)");
    expect(row(HEADER + 3)[4]).toBe("Chưa nhận, quá hạn"); // C: NV never acknowledged
    expect(row(HEADER + 7)[4]).toBe("Đơn vị đã trả lại"); // G
  });

  it("outgoing: the outgoing register's 10 columns from OUT documents", async () => {
    const file = await exportRegister(deps(), { viewer: { actorUserId: u("cvp") }, type: "OUT", period: NOV, format: "xlsx" });
    const { row } = await readSheet(file.bytes);
    expect(row(HEADER)).toEqual(APP_IV.OUT);
    expect(row(HEADER + 1)).toEqual([
      "01/UBND-VP",
      localDateToUtcMidnight("2026-11-10"),
      "Công văn: V/v triển khai phần mềm văn phòng điện tử",
      "Nguyễn Văn An, Chủ tịch",
      "Sở Tài chính; Sở Nội vụ tỉnh Bình Định",
      "Văn phòng UBND tỉnh",
      5,
      localDateToUtcMidnight("2026-11-10"),
      "TCKH đã nhận 11/11/2026",
    ]);
  });

  it("is refused to people outside the office; a bad period is a validation error", async () => {
    expect((await errorOf(exportRegister(deps(), { viewer: { actorUserId: u("tp.tckh") }, type: "IN", period: NOV, format: "xlsx" }))).code).toBe("FORBIDDEN");
    expect((await errorOf(exportRegister(deps(), { viewer: { actorUserId: u("vt.nb") }, type: "IN", period: NOV, format: "csv" }))).code).toBe("FORBIDDEN");
    expect((await errorOf(exportRegister(deps(), { viewer: { actorUserId: u("cvp") }, type: "IN", period: { from: "2026-11-30", to: "2026-11-01" }, format: "csv" }))).code).toBe(
      "VALIDATION",
    );
    expect((await errorOf(exportRegister(deps(), { viewer: { actorUserId: u("cvp") }, type: "IN", period: NOV, format: "csv", volume: 0 }))).code).toBe("VALIDATION");
  });
});

// === Case files and the archive package

describe("case files and archive export", () => {
  it("opens, fills (ordinals automatic, one document in two files), closes, lists, exports, and verifies", async () => {
    const d = deps();
    at("2026-11-30T14:00:00");
    const opened = await openCaseFile(d, { actorUserId: u("vanthu"), code: "05-VP", title: "Hồ sơ xây dựng dự toán ngân sách năm 2027", retention: "10 năm" });
    expect(opened).toMatchObject({ code: "05-VP", year: 2026, fileCode: "000.00.31.H23.2026.05-VP" });
    await openCaseFile(d, { actorUserId: u("cvp"), code: "06-VP", title: "Hồ sơ chuyển đổi số", retention: "Vĩnh viễn", year: 2026 });
    expect((await errorOf(openCaseFile(d, { actorUserId: u("vanthu"), code: "05-vp", title: "x", retention: "5 năm" }))).code).toBe("CASE_FILE_EXISTS");
    expect((await errorOf(openCaseFile(d, { actorUserId: u("tp.tckh"), code: "07-TCKH", title: "x", retention: "5 năm" }))).code).toBe("FORBIDDEN");

    const add = (code: string, ref: string) => addDocumentToCaseFile(d, { actorUserId: u("vanthu"), code, year: 2026, documentRef: ref });
    expect((await add("05-VP", "D2/2026")).ordinal).toBe(1);
    expect((await add("05-VP", "M1/2026")).ordinal).toBe(2);
    expect((await add("05-VP", "D3/2026")).ordinal).toBe(3);
    expect((await add("06-VP", "D2/2026")).ordinal).toBe(1); // the same document in another file, not copied
    expect((await errorOf(add("05-VP", "D2/2026"))).code).toBe("CASE_FILE_HAS_DOCUMENT");
    expect((await errorOf(add("05-VP", "D99/2026"))).code).toBe("DOCUMENT_NOT_FOUND");

    const outDir = path.join(tmp, "000.00.31.H23.2026.05-VP");
    expect((await errorOf(exportCaseFile(d, { viewer: { actorUserId: u("cvp") }, code: "05-VP", year: 2026, outDir }))).code).toBe("CASE_FILE_NOT_CLOSED");
    at("2026-11-30T15:00:00");
    expect(await closeCaseFile(d, { actorUserId: u("vanthu"), code: "05-VP", year: 2026 })).toMatchObject({ documentCount: 3 });
    expect((await errorOf(closeCaseFile(d, { actorUserId: u("vanthu"), code: "05-VP", year: 2026 }))).code).toBe("CASE_FILE_CLOSED");
    expect((await errorOf(add("05-VP", "D4/2026"))).code).toBe("CASE_FILE_CLOSED");
    expect(await db.prisma.auditEvent.count({ where: { type: { in: ["caseFile.opened", "caseFile.documentAdded", "caseFile.closed"] } } })).toBe(2 + 4 + 1);

    const list = await listCaseFiles(d, { viewer: { actorUserId: u("cvp") }, year: 2026 });
    expect(list.items.map((i) => [i.code, i.status, i.documentCount, i.retention, i.creatorName])).toEqual([
      ["05-VP", "CLOSED", 3, "10 năm", "Trần Thị Bình"],
      ["06-VP", "OPEN", 1, "Vĩnh viễn", "Lê Văn Cường"],
    ]);

    // Without the agency's electronic identifier there is no file code: refused, nothing written.
    const noId = createTestDeps(db.prisma, { clock, files });
    const refusal = await errorOf(exportCaseFile(noId, { viewer: { actorUserId: u("cvp") }, code: "05-VP", year: 2026, outDir }));
    expect(refusal.code).toBe("ARCHIVE_ORGAN_ID_MISSING");
    expect(t("vi", refusal.messageKey)).toContain("mã định danh điện tử của cơ quan");
    expect(await readdir(outDir).catch(() => null)).toBeNull();

    const r = await exportCaseFile(d, { viewer: { actorUserId: u("cvp") }, code: "05-VP", year: 2026, outDir, zip: true });
    expect(r).toMatchObject({ fileCode: "000.00.31.H23.2026.05-VP", documentCount: 3, zipPath: `${outDir}.zip` });
    const read = (rel: string) => readFile(path.join(outDir, rel), "utf8");
    const caseMeta = JSON.parse(await read("ho-so.json"));
    const FileCode = { OrganId: ORGAN_ID, FileCatalog: 2026, FileNotation: "05-VP" };
    expect(caseMeta).toMatchObject({
      FileCode,
      Title: "Hồ sơ xây dựng dự toán ngân sách năm 2027",
      Maintenance: "10 năm",
      Creator: "Trần Thị Bình",
      DocTotal: 3,
      PageTotal: 2,
      StartDate: "2026-10-28",
      EndDate: "2026-10-30",
    });
    expect(Object.keys(caseMeta).slice(0, 11)).toEqual([
      "FileCode",
      "Title",
      "Maintenance",
      "Rights",
      "Creator",
      "Language",
      "StartDate",
      "EndDate",
      "DocTotal",
      "PageTotal",
      "Description",
    ]);
    expect(await read("ho-so.xml")).toContain(
      "<FileCode>\n    <OrganId>000.00.31.H23</OrganId>\n    <FileCatalog>2026</FileCatalog>\n    <FileNotation>05-VP</FileNotation>\n  </FileCode>",
    );
    expect(await read("ho-so.xml")).not.toMatch(/>UBND[.<]/);

    const meta = JSON.parse(await read("van-ban/001-D2-2026/metadata.json"));
    expect(meta).toMatchObject({
      FileCode,
      DocOrdinal: 1,
      TypeName: "Công văn",
      CodeNumber: "11",
      CodeNotation: "STC-NS",
      IssuedDate: "2026-10-30",
      OrganName: "Sở Tài chính tỉnh Bình Định",
      Language: "Tiếng Việt",
      PageAmount: 2,
      ArrivalNumber: 2,
      Priority: 0,
      DueDate: "2026-11-06",
    });
    expect(meta.ArrivalDate).toBe("2026-11-02");
    type Trace = { Action: string; ActionCode: string; Unit: string | null; Content: string | null };
    const trace = meta.TraceHeaderList as Trace[];
    expect(trace.map((h) => h.ActionCode)).toEqual(expect.arrayContaining(["DIRECTIVE", "ASSIGNED_MAIN", "ASSIGNED_COORDINATE", "ACKNOWLEDGED", "DELEGATED", "COMPLETED"]));
    // The history reads in Vietnamese: labels, unit names, deadlines as dd/mm/yyyy.
    expect(trace.find((h) => h.ActionCode === "ASSIGNED_MAIN")).toMatchObject({ Action: "Giao chủ trì xử lý", Unit: "Sở Tài chính", Content: "Hạn xử lý: 06/11/2026" });
    expect(trace.filter((h) => h.ActionCode === "ACKNOWLEDGED").every((h) => h.Action === "Xác nhận đã nhận việc")).toBe(true);
    expect(trace.find((h) => h.ActionCode === "COMPLETED")!.Action).toBe("Báo cáo hoàn thành");
    expect(trace.every((h) => /[a-zà-ỹ]/.test(h.Action) && !/_/.test(h.Action))).toBe(true);
    const metaB = JSON.parse(await read("van-ban/003-D3-2026/metadata.json"));
    expect((metaB.TraceHeaderList as Trace[]).filter((h) => h.ActionCode.startsWith("EXTENSION_")).map((h) => [h.Action, h.Content])).toEqual([
      ["Đề nghị gia hạn", "Đề nghị gia hạn đến 13/11/2026: Cần thêm thời gian lấy ý kiến."],
      ["Đồng ý gia hạn", "Hạn xử lý: 13/11/2026"],
    ]);
    const xml = await read("van-ban/001-D2-2026/metadata.xml");
    expect(xml).toContain("<ArrivalNumber>2</ArrivalNumber>");
    expect(xml).toMatch(/<TraceHeaderList>\s*<TraceHeader>/);
    const secret = JSON.parse(await read("van-ban/002-M1-2026/metadata.json"));
    expect(secret).toMatchObject({ DocOrdinal: 2, SecurityLevel: 2, OrganName: "Công an tỉnh Bình Định" });

    const manifest = JSON.parse(await read("manifest.json"));
    const paths = manifest.files.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "ho-so.json",
        "ho-so.xml",
        "muc-luc-van-ban.xlsx",
        "nhat-ky.jsonl",
        "van-ban/001-D2-2026/original.pdf",
        "van-ban/001-D2-2026/stamped.pdf",
        "van-ban/002-M1-2026/metadata.xml",
        "van-ban/003-D3-2026/metadata.json",
      ]),
    );
    expect(paths.some((p: string) => p.startsWith("van-ban/002-M1-2026/") && p.endsWith(".pdf"))).toBe(false); // secret: no file, ever
    const audit = (await read("nhat-ky.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.some((e) => e.type === "document.registered" && e.entityId === docs.A)).toBe(true);
    expect(audit.some((e) => e.type === "assignment.extensionGranted")).toBe(true);
    expect(audit.some((e) => e.type === "caseFile.closed")).toBe(true);
    expect(audit.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    // The printable "Mục lục văn bản trong hồ sơ".
    const index = await readSheet(await readFile(path.join(outDir, "muc-luc-van-ban.xlsx")));
    expect(index.sheet.name).toBe("Mục lục văn bản");
    expect([1, 2, 3, 4, 5].map((n) => index.row(n)[0])).toEqual([
      "UBND tỉnh Gia Lai",
      "MỤC LỤC VĂN BẢN TRONG HỒ SƠ",
      "Hồ sơ số: 05-VP (mã hồ sơ 000.00.31.H23.2026.05-VP)",
      "Hồ sơ xây dựng dự toán ngân sách năm 2027",
      "Năm: 2026 · Thời hạn bảo quản: 10 năm",
    ]);
    expect(index.row(7)).toEqual(["Số TT", "Số, ký hiệu văn bản", "Ngày tháng năm văn bản", "Tên loại và trích yếu nội dung văn bản", "Tác giả văn bản", "Tờ số", "Ghi chú"]);
    expect(index.row(8)).toEqual([1, "11/STC-NS", localDateToUtcMidnight("2026-10-30"), "Công văn: V/v việc A", "Sở Tài chính tỉnh Bình Định", "1–2"]);
    expect(index.row(9).slice(0, 2)).toEqual([2, expect.any(String)]);
    expect(index.row(9)[6]).toBe("Tối mật: chỉ có bản giấy");
    expect(index.row(10)[0]).toBe(3);
    expect(index.row(12).filter(Boolean)[0]).toBe("Mục lục này gồm 3 văn bản, 2 trang.");

    const zip = await readFile(`${outDir}.zip`);
    expect(zip.subarray(0, 2).toString()).toBe("PK");
    expect(await db.prisma.auditEvent.count({ where: { type: "caseFile.exported" } })).toBe(1);

    expect(await verifyArchivePackage(outDir)).toMatchObject({ ok: true, missing: [], altered: [], unexpected: [] });
    // One byte of one file changes: that file is named.
    const stamped = path.join(outDir, "van-ban", "001-D2-2026", "stamped.pdf");
    const bytes = await readFile(stamped);
    bytes[100] = bytes[100]! ^ 0x01;
    await writeFile(stamped, bytes);
    expect(await verifyArchivePackage(outDir)).toMatchObject({ ok: false, altered: ["van-ban/001-D2-2026/stamped.pdf"], missing: [] });
    await unlink(path.join(outDir, "ho-so.xml"));
    await writeFile(path.join(outDir, "extra.txt"), "x");
    expect(await verifyArchivePackage(outDir)).toMatchObject({ ok: false, missing: ["ho-so.xml"], unexpected: ["extra.txt"] });
    // A second export into a non-empty folder is refused.
    expect((await errorOf(exportCaseFile(d, { viewer: { actorUserId: u("cvp") }, code: "05-VP", year: 2026, outDir }))).code).toBe("ARCHIVE_TARGET_EXISTS");
  });
});

// === /baocao in chat

describe("/baocao", () => {
  const env = () => ({ deps: deps(), logger: { debug() {}, info() {}, warn() {}, error() {} } });
  let n = 0;
  const send = (who: string, text: string) => handleIncoming(env(), { channel: "WEB", externalUserId: who, chatId: who, text, updateKey: `web:office:${++n}` });

  beforeAll(async () => {
    for (const code of ["cvp", "tp.tckh"]) await db.prisma.chatIdentity.create({ data: { userId: u(code), channel: "WEB", externalUserId: code, chatId: code } });
  });

  it("gives the office the on-time report (text, chart, Excel) and a register as an Excel attachment", async () => {
    const onTime = await send("cvp", "/baocao dunghan 11/2026");
    const msg = onTime.replies[0]!;
    expect(msg.text).toContain("Tổng cộng: giao 8");
    expect(msg.attachments?.map((a) => [a.kind, a.mime])).toEqual([
      ["photo", "image/png"],
      ["document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ]);
    expect(await files.has(msg.attachments![1]!.sha256)).toBe(true);

    const reg = await send("cvp", "/baocao den 01/11/2026 30/11/2026");
    const att = reg.replies[0]!.attachments![0]!;
    expect(att).toMatchObject({ fileName: "so-van-ban-den_2026-11-01_2026-11-30.xlsx", kind: "document" });
    expect(reg.replies[0]!.text).toContain("7 dòng");
    const { row } = await readSheet(await files.readBytes(att.sha256));
    expect(row(2)[0]).toBe("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN");
    expect(row(HEADER)[0]).toBe("Ngày đến");

    const csv = await send("cvp", "/baocao theodoi 11/2026 csv");
    expect(csv.replies[0]!.attachments![0]!.fileName).toBe("so-theo-doi-giai-quyet_2026-11-01_2026-11-30.csv");
  });

  it("refuses a unit head, and explains its use on a wrong word or period", async () => {
    expect((await send("tp.tckh", "/baocao den 11/2026")).replies[0]!.text).toBe("Chức năng này dành cho Văn phòng và văn thư cơ quan.");
    expect((await send("cvp", "/baocao linhtinh")).replies[0]!.text).toContain("Cách dùng /baocao");
    expect((await send("cvp", "/baocao den 13/2026")).replies[0]!.text).toContain("Không hiểu kỳ báo cáo «13/2026»");
  });
});
