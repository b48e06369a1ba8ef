import { describe, expect, it } from "vitest";
import { buildEdxmlPackage, buildEdxmlStatus, parseEdxmlPackage, parseEdxmlStatus, type EdxmlPackageInput, type EdxmlStatus } from "../../../core/interchange/edxml.ts";
import { createMemorySink, inPieces } from "../../support/edxml-sinks.ts";

const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "latin1"), Buffer.alloc(5000, 7), Buffer.from("\n%%EOF\n")]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 777 }, (_, i) => i % 256))]);

export const samplePackage = (): EdxmlPackageInput => ({
  header: {
    from: { organId: "000.00.31.H10", organName: "Sở Tài chính tỉnh Bình Định", organizationInCharge: "UBND tỉnh Bình Định", organAdd: "123 Lê Lợi, Quy Nhơn", email: "stc@binhdinh.gov.vn", telephone: "0256 3822 000", fax: "0256 3822 001", website: "https://stc.binhdinh.gov.vn" },
    to: [
      { organId: "000.00.32.H10", organName: "UBND thành phố Quy Nhơn" },
      { organId: "000.00.33.H10", organName: "UBND thị xã An Nhơn & \"các\" <đơn vị>" },
    ],
    code: { codeNumber: "45", codeNotation: "STC-NS" },
    promulgationInfo: { place: "Bình Định", promulgationDate: "2026-12-10" },
    documentType: { type: "1", typeName: "Công văn" },
    subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027 (ký tự đặc biệt: < > & ' \" ]]> )",
    content: "Nội dung tóm tắt\nhai dòng",
    signerInfo: { competence: "KT. Giám đốc", position: "Phó Giám đốc", fullName: "Nguyễn Văn Bình" },
    dueDate: "2026-12-20",
    toPlaces: ["Như trên;", "Lưu: VT, NS."],
    otherInfo: { priority: "1", sphereOfPromulgation: "Địa phương", typerNotation: "NVB", promulgationAmount: "5", pageAmount: "3", appendixes: ["Phụ lục I: Biểu mẫu", "Phụ lục II"] },
    steeringType: "0",
    documentId: "000.00.31.H10,2026/12/10,45/STC-NS",
  },
  traceHeaderList: {
    traceHeaders: [{ organId: "000.00.31.H10", timestamp: "10/12/2026 08:05:00" }],
    business: {
      bussinessDocType: "0",
      bussinessDocReason: "Văn bản mới",
      paper: "0",
      staffInfo: { department: "Phòng Ngân sách", staff: "Trần Thị Cúc", mobile: "0905000000", email: "cuc@stc.gov.vn" },
      replacementInfoList: [{ documentId: "000.00.31.H10,2026/11/01,30/STC-NS", organIds: ["000.00.32.H10", "000.00.33.H10"] }],
    },
  },
  attachments: [
    { contentType: "application/pdf", name: "45-STC-NS.pdf", description: "Văn bản chính", bytes: pdf },
    { contentId: "phuluc", contentType: "image/png", name: "Phụ lục ảnh.png", bytes: png },
  ],
});

describe("edXML builder and parser round trip", () => {
  for (const pieceSize of [1 << 20, 7, 1]) {
    it(`a package we build parses back to the same fields (input in pieces of ${pieceSize} bytes)`, async () => {
      const input = samplePackage();
      const bytes = buildEdxmlPackage(input);
      const sink = createMemorySink();
      const parsed = await parseEdxmlPackage(inPieces(bytes, pieceSize), { sink, maxAttachmentBytes: 1024 * 1024 });

      expect(parsed.header).toEqual(input.header);
      expect(parsed.traceHeaderList).toEqual(input.traceHeaderList);
      expect(parsed.references).toEqual([
        { href: "cid:1", description: "Văn bản chính", attachmentName: "45-STC-NS.pdf", contentType: "application/pdf" },
        { href: "cid:phuluc", attachmentName: "Phụ lục ảnh.png", contentType: "image/png" },
      ]);
      expect(parsed.attachments.map((a) => ({ ...a, stored: undefined }))).toEqual([
        { contentId: "1", contentType: "application/pdf", name: "45-STC-NS.pdf", size: pdf.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sniffedKind: "pdf", stored: undefined },
        { contentId: "phuluc", contentType: "image/png", name: "Phụ lục ảnh.png", size: png.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sniffedKind: "png", stored: undefined },
      ]);
      expect(parsed.attachments[0]!.stored.bytes.equals(pdf)).toBe(true);
      expect(parsed.attachments[1]!.stored.bytes.equals(png)).toBe(true);
      expect(sink.discarded).toEqual([]);
    });
  }

  it("the builder escapes markup so that the subject cannot inject elements", () => {
    const input = samplePackage();
    input.header.subject = "</edxml:Subject><edxml:Subject>tiêm";
    const xml = Buffer.from(buildEdxmlPackage(input)).toString("utf8");
    expect(xml).toContain("&lt;/edxml:Subject&gt;&lt;edxml:Subject&gt;tiêm");
    expect(xml.match(/<edxml:Subject>/g)).toHaveLength(1);
  });

  it("attachments are written as base64 in lines of at most 76 characters", () => {
    const xml = Buffer.from(buildEdxmlPackage(samplePackage())).toString("utf8");
    const body = xml.split("<edxml:ContentTransferEncoded>")[1]!.split("</edxml:ContentTransferEncoded>")[0]!;
    const lines = body.split("\n").map((l) => l.trim()).filter(Boolean);
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.every((l) => l.length <= 76 && /^[A-Za-z0-9+/=]+$/.test(l))).toBe(true);
  });

  it("a status we build parses back to the same fields", async () => {
    const status: EdxmlStatus = {
      responseFor: { organId: "000.00.31.H10", code: "45/STC-NS", promulgationDate: "2026-12-10", documentId: "000.00.31.H10,2026/12/10,45/STC-NS" },
      from: { organId: "000.00.32.H10", organName: "UBND thành phố Quy Nhơn" },
      statusCode: "03",
      description: "Đã vào sổ, số đến 7 & chuyển lãnh đạo",
      timestamp: "2026-12-11T09:30:15",
      staffInfo: { department: "Văn phòng", staff: "Trần Thị Bình" },
    };
    expect(await parseEdxmlStatus(inPieces(buildEdxmlStatus(status), 5))).toEqual(status);
  });
});
