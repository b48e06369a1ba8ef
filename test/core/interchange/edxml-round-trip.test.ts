import { describe, expect, it } from "vitest";
import { buildEdxmlPackage, buildEdxmlStatus, parseEdxmlPackage, parseEdxmlStatus, type EdxmlStatus } from "../../../core/interchange/edxml.ts";
import { createMemorySink, inPieces, samplePackage, SAMPLE_FILES } from "../../support/edxml-fixtures.ts";

const { pdf, png } = SAMPLE_FILES;

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
        {
          contentId: "1",
          contentType: "application/pdf",
          name: "45-STC-NS.pdf",
          size: pdf.length,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          sniffedKind: "pdf",
          stored: undefined,
        },
        {
          contentId: "phuluc",
          contentType: "image/png",
          name: "Phụ lục ảnh.png",
          size: png.length,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          sniffedKind: "png",
          stored: undefined,
        },
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
    const lines = body
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
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
