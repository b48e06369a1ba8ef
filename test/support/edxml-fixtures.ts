// Attachment sinks for edXML parser tests: one that keeps the bytes in memory and records what it was
// asked to do (begin, end, discard), so a test can check that a refused package leaves nothing stored.
import type { AttachmentSink, EdxmlPackageInput } from "../../core/interchange/edxml.ts";

export type MemorySink = AttachmentSink<{ index: number; bytes: Buffer }> & {
  began: number[];
  ended: number[];
  discarded: number[];
  /** Bytes written per attachment index (also for discarded ones). */
  written: Map<number, number>;
};

export const createMemorySink = (): MemorySink => {
  const sink: MemorySink = {
    began: [],
    ended: [],
    discarded: [],
    written: new Map(),
    async begin({ index }) {
      sink.began.push(index);
      const parts: Buffer[] = [];
      return {
        async write(bytes) {
          parts.push(Buffer.from(bytes));
          sink.written.set(index, (sink.written.get(index) ?? 0) + bytes.length);
        },
        async end() {
          sink.ended.push(index);
          return { index, bytes: Buffer.concat(parts) };
        },
        async discard() {
          sink.discarded.push(index);
          parts.length = 0;
        },
      };
    },
  };
  return sink;
};

/** Feeds `bytes` in pieces of `size` bytes (to cross every boundary the parser might trip on). */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

// === A sample package (built with our builder in round-trip and transport tests)

const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "latin1"), Buffer.alloc(5000, 7), Buffer.from("\n%%EOF\n")]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 777 }, (_, i) => i % 256))]);

/** A package with every field of the envelope set, two recipients and two attachments. */
export const samplePackage = (): EdxmlPackageInput => ({
  header: {
    from: {
      organId: "000.00.31.H10",
      organName: "Sở Tài chính tỉnh Bình Định",
      organizationInCharge: "UBND tỉnh Bình Định",
      organAdd: "123 Lê Lợi, Quy Nhơn",
      email: "stc@binhdinh.gov.vn",
      telephone: "0256 3822 000",
      fax: "0256 3822 001",
      website: "https://stc.binhdinh.gov.vn",
    },
    to: [
      { organId: "000.00.32.H10", organName: "UBND thành phố Quy Nhơn" },
      { organId: "000.00.33.H10", organName: 'UBND thị xã An Nhơn & "các" <đơn vị>' },
    ],
    code: { codeNumber: "45", codeNotation: "STC-NS" },
    promulgationInfo: { place: "Bình Định", promulgationDate: "2026-12-10" },
    documentType: { type: "1", typeName: "Công văn" },
    subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027 (ký tự đặc biệt: < > & ' \" ]]> )",
    content: "Nội dung tóm tắt\nhai dòng",
    signerInfo: { competence: "KT. Giám đốc", position: "Phó Giám đốc", fullName: "Nguyễn Văn Bình" },
    dueDate: "2026-12-20",
    toPlaces: ["Như trên;", "Lưu: VT, NS."],
    otherInfo: {
      priority: "1",
      sphereOfPromulgation: "Địa phương",
      typerNotation: "NVB",
      promulgationAmount: "5",
      pageAmount: "3",
      appendixes: ["Phụ lục I: Biểu mẫu", "Phụ lục II"],
    },
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

/** The sample's attachment bytes. */
export const SAMPLE_FILES = { pdf, png };
