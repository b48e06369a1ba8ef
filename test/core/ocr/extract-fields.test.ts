import { describe, expect, it } from "vitest";
import { extractFields, foldSameLength, issuerAbbreviations } from "../../../core/ocr/extract-fields.ts";
import { loadVietnameseWords } from "../../../core/ocr/tone-marks.ts";

// Hand-written OCR-like texts of Decree-30 pages: clean, interleaved columns (tesseract reads the
// header line by line), column by column, and with the slips tesseract makes on real scans.
const KNOWN = ["Sở Tài chính tỉnh Bình Định", "Sở Tài chính", "UBND tỉnh Bình Định", "Ủy ban nhân dân tỉnh Gia Lai", "Sở Nội vụ tỉnh Gia Lai", "Bộ Tài chính"];

const CONG_VAN = `UBND TỈNH BÌNH ĐỊNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TÀI CHÍNH Độc lập - Tự do - Hạnh phúc
Số: 45/STC-NS Quy Nhơn, ngày 10 tháng 12 năm 2026
V/v báo cáo tình hình thực hiện dự toán
ngân sách năm 2026

Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố

Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Tài chính đề nghị các đơn vị báo cáo
tình hình thực hiện dự toán ngân sách năm 2026, gửi về Sở Tài chính trước ngày 18 tháng 12
năm 2026 để tổng hợp báo cáo Ủy ban nhân dân tỉnh.

Nơi nhận: KT. GIÁM ĐỐC
- Như trên; PHÓ GIÁM ĐỐC
- Lưu: VT, NS.

Nguyễn Văn An
`;

describe("extractFields: a clean công văn, header read line by line", () => {
  const f = extractFields({ firstPage: CONG_VAN, knownIssuers: KNOWN });

  it("reads số và ký hiệu, the date and the V/v trích yếu", () => {
    expect(f.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
    expect(f.code?.confidence).toBe(1);
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(f.docType?.value).toBe("Công văn");
    expect(f.subject?.value).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
    expect(f.subject?.source.lines).toEqual([3, 4]);
  });

  it("matches the issuer under its parent body, with the parent's locality, to the most specific known name", () => {
    expect(f.issuer).toMatchObject({ value: "Sở Tài chính tỉnh Bình Định", known: true, confidence: 1 });
  });

  it("reads the signer block through the nơi nhận column and the requested deadline from the body", () => {
    expect(f.signer?.value).toEqual({ authority: "KT. GIÁM ĐỐC", position: "PHÓ GIÁM ĐỐC", fullName: "Nguyễn Văn An" });
    expect(f.requestedDueDate?.value).toEqual({ year: 2026, month: 12, day: 18 });
    expect(f.requestedDueDate?.source.lines).toEqual([9, 10]);
  });

  it("finds no urgency nor secrecy mark on a page that has none", () => {
    expect(f.urgency).toBeUndefined();
    expect(f.secrecyMark).toBeUndefined();
  });
});

describe("extractFields: OCR noise", () => {
  it('repairs "S6:", O for 0 in the number and 5 for S in the ký hiệu, with a lower confidence', () => {
    const f = extractFields({ firstPage: "SỞ TÀI CHÍNH\nS6: 4O/5TC-NS Quy Nhơn, ngày 10 tháng 12 năm 2026\n" });
    expect(f.code?.value).toEqual({ codeNumber: "40", codeNotation: "STC-NS" });
    expect(f.code?.confidence).toBeLessThan(1);
  });

  it('tolerates "Sô:" and spaces around "/" and "-"', () => {
    const f = extractFields({ firstPage: "BỘ TÀI CHÍNH\nSô : 123 / BTC - NSNN\nHà Nội, ngày 05 tháng 01 năm 2026\n" });
    expect(f.code?.value).toEqual({ codeNumber: "123", codeNotation: "BTC-NSNN" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 1, day: 5 });
    expect(f.issuer).toMatchObject({ value: "BỘ TÀI CHÍNH", known: false });
  });

  it('matches "TÍNH" to "TỈNH" and a one-letter slip in the issuer against the known list', () => {
    const f = extractFields({
      firstPage:
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTÍNH GIA LAl Độc lập - Tự do - Hạnh phúc\nSố: 15/2026/QĐ-UBND Gia Lai, ngày 3 tháng 12 năm 2026\n\nQUYẾT ĐỊNH\nBan hành Quy chế làm việc của Ủy ban nhân dân tỉnh\n",
      knownIssuers: KNOWN,
    });
    expect(f.issuer).toMatchObject({ value: "Ủy ban nhân dân tỉnh Gia Lai", known: true });
    expect(f.issuer!.confidence).toBeLessThan(1);
    expect(f.code?.value).toEqual({ codeNumber: "15", codeNotation: "2026/QĐ-UBND" });
  });

  it('repairs the year and "QD" in a named type\'s ký hiệu, and reads a date whose digits OCR misread', () => {
    const f = extractFields({ firstPage: "UBND TỈNH GIA LAI\nSố: 15/2O26/QD-UBND Gia Lai, ngày l0 tháng 12 năm 2O26\n" });
    expect(f.code?.value).toEqual({ codeNumber: "15", codeNotation: "2026/QĐ-UBND" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(f.issuedDate?.confidence).toBeLessThan(1);
  });

  it("gives up on garbage: every field absent, none guessed", () => {
    const f = extractFields({ firstPage: "~~ ,. ;;\n|||| ___ ==\nlI1 oO0\n\n" });
    expect(f).toEqual({});
  });
});

describe("extractFields: layouts and types", () => {
  it("reads a header that OCR gave column by column (left column first, then Quốc hiệu and date)", () => {
    const page = `SỞ NỘI VỤ
Số: 210/SNV-CCVC
V/v tuyển dụng công chức năm 2027

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Gia Lai, ngày 25 tháng 11 năm 2026

Kính gửi: Các sở, ban, ngành
`;
    const f = extractFields({ firstPage: page, knownIssuers: KNOWN });
    expect(f.code?.value).toEqual({ codeNumber: "210", codeNotation: "SNV-CCVC" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 11, day: 25 });
    expect(f.subject?.value).toBe("V/v tuyển dụng công chức năm 2027");
    // One header line: "SỞ NỘI VỤ" is not "Sở Nội vụ tỉnh Gia Lai" (too far), so it is given as printed.
    expect(f.issuer).toMatchObject({ value: "SỞ NỘI VỤ", known: false, confidence: 0.4 });
  });

  it("matches the issuer past a line of noise under it or above the parent body (a photo's rule or page edge read as capitals)", () => {
    // What tesseract read on two of the bench's phone photos (issue 18).
    const known = [...KNOWN, "Sở Xây dựng thành phố Đà Nẵng", "Sở Công Thương thành phố Cần Thơ", "UBND thành phố Đà Nẵng"];
    const below =
      "UBND THÀNH PHỐ ĐÀ NẴNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ XÂY DỰNG Độc lập - Tự do - Hạnh phúc\nRHỚ II NG —*%- .X do - Hạnh phúc\nSố: 1386/SXD-HCTH Đà Nẵng, ngày 03 tháng 05 năm 2026\n";
    expect(extractFields({ firstPage: below, knownIssuers: known }).issuer).toMatchObject({ value: "Sở Xây dựng thành phố Đà Nẵng", known: true });
    const above =
      "=ơ<— Ãa mm ỒN NHI NT NI NI NI N NỂ GEN TEEN\nUBND THÀNH PHÕ CẦN THƠ. CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\nSố: 2954/TTr-SCT Cần Thơ, ngày 17 tháng 09 năm 2026\n";
    expect(extractFields({ firstPage: above, knownIssuers: known }).issuer).toMatchObject({ value: "Sở Công Thương thành phố Cần Thơ", known: true });
  });

  it("reads a parent body glued together by OCR (no spaces) for the issuer's locality, not a near-namesake ministry", () => {
    const known = [...KNOWN, "Sở Nội vụ tỉnh Thanh Hóa", "Bộ Nội vụ"];
    const page = "UBNDTÌNHTHANHHÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc\nSố: 1038/SNV-NV Thanh Hóa, ngày 07 tháng 11 năm 2026\n";
    expect(extractFields({ firstPage: page, knownIssuers: known }).issuer).toMatchObject({ value: "Sở Nội vụ tỉnh Thanh Hóa", known: true });
  });

  it("gives an unknown issuer as printed (its own line, not the parent body), with the whole header as source", () => {
    const f = extractFields({ firstPage: "UBND TỈNH KON TUM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ XÂY DỰNG Độc lập - Tự do - Hạnh phúc\nSố: 9/SXD-QLN\n", knownIssuers: KNOWN });
    expect(f.issuer?.value).toBe("SỞ XÂY DỰNG");
    expect(f.issuer?.known).toBe(false);
    expect(f.issuer?.source.text).toBe("UBND TỈNH KON TUM\nSỞ XÂY DỰNG");
  });

  it("reads a decision: type from the title, trích yếu from the line(s) under it, not the authority line", () => {
    const page = `ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH GIA LAI Độc lập - Tự do - Hạnh phúc
Số: 15/2026/QĐ-UBND Gia Lai, ngày 03 tháng 12 năm 2026

QUYẾT ĐỊNH
Ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh
nhiệm kỳ 2026 - 2031
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
`;
    const f = extractFields({ firstPage: page, knownIssuers: KNOWN });
    expect(f.docType).toMatchObject({ value: "Quyết định", confidence: 1 });
    expect(f.subject?.value).toBe("Ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2026 - 2031");
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 3 });
    expect(f.issuer?.value).toBe("Ủy ban nhân dân tỉnh Gia Lai");
  });

  it('reads "KẾ HOẠCH" through a one-letter OCR slip, and "ngày 10/12/2026"', () => {
    const f = extractFields({ firstPage: "SỞ NỘI VỤ\nSố: 07/KH-SNV Gia Lai, ngày 10/12/2026\n\nKẾ HOACH\nTổ chức Hội nghị tổng kết công tác năm 2026\n\nThực hiện …\n" });
    expect(f.docType?.value).toBe("Kế hoạch");
    expect(f.subject?.value).toBe("Tổ chức Hội nghị tổng kết công tác năm 2026");
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
  });

  it("takes the type from the ký hiệu when the title was not read, with a lower confidence", () => {
    const f = extractFields({ firstPage: "SỞ Y TẾ\nSố: 88/TB-SYT\nGia Lai, ngày 01 tháng 12 năm 2026\n" });
    expect(f.docType).toMatchObject({ value: "Thông báo", confidence: 0.7 });
    expect(f.subject).toBeUndefined();
  });
});

describe("extractFields: marks, signer and deadlines", () => {
  it("reads urgency stamps, the highest one winning, even on the số line; not the word khẩn trương in the body", () => {
    expect(extractFields({ firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS KHẨN\nV/v khẩn trương báo cáo\n" }).urgency?.value).toBe("URGENT");
    expect(extractFields({ firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nTHƯỢNG KHẨN\n" }).urgency?.value).toBe("VERY_URGENT");
    expect(extractFields({ firstPage: "HỎA TỐC\nSỞ TÀI CHÍNH\nSố: 45/STC-NS\nKHẨN\n" }).urgency?.value).toBe("FLASH");
    expect(extractFields({ firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nV/v khẩn trương báo cáo\nđề nghị khẩn trương thực hiện\n" }).urgency).toBeUndefined();
  });

  it("flags a secrecy mark (such a scan must not be registered through chat)", () => {
    expect(extractFields({ firstPage: "SỞ NỘI VỤ\nSố: 12/SNV-TCCB\nTỐI MẬT\n" }).secrecyMark?.value).toBe("SECRET");
    expect(extractFields({ firstPage: "SỞ NỘI VỤ\nSố: 12/SNV-TCCB\nđược giữ bí mật\n" }).secrecyMark).toBeUndefined();
  });

  it("reads the signer on the last page: TM. / KT. / title, and a name after the seal's space", () => {
    const last = `3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận: TM. ỦY BAN NHÂN DÂN
- Như Điều 3; KT. CHỦ TỊCH
- Bộ Nội vụ; PHÓ CHỦ TỊCH
- Lưu: VT, NC.

Trần Thị Thu Hà
`;
    const f = extractFields({ firstPage: "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 15/2026/QĐ-UBND\n", lastPage: last });
    expect(f.signer?.value).toEqual({ authority: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", position: "PHÓ CHỦ TỊCH", fullName: "Trần Thị Thu Hà" });
    expect(f.signer?.source.page).toBe("last");
  });

  it("looks for the signer on page 1 when the last page (an annex) has none", () => {
    const f = extractFields({
      firstPage: "SỞ Y TẾ\nSố: 88/SYT-NVY\nNơi nhận: GIÁM ĐỐC\n- Như trên;\n\nLê Minh Tuấn\n",
      lastPage: "PHỤ LỤC\nDanh sách các đơn vị\n1. Bệnh viện tỉnh\n",
    });
    expect(f.signer?.value).toEqual({ position: "GIÁM ĐỐC", fullName: "Lê Minh Tuấn" });
    expect(f.signer?.source.page).toBe("first");
  });

  it("reads a signer block without authority marker, signer block after the nơi nhận list", () => {
    const page = `SỞ Y TẾ\nSố: 88/SYT-NVY\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nGIÁM ĐỐC\n\nLê Minh Tuấn\n`;
    expect(extractFields({ firstPage: page }).signer?.value).toEqual({ position: "GIÁM ĐỐC", fullName: "Lê Minh Tuấn" });
  });

  it('reads "trước ngày 18/12/2026", "trước 17 giờ 00 ngày …" and "chậm nhất ngày …"; ignores other dates of the body', () => {
    const head = "SỞ TÀI CHÍNH\nSố: 45/STC-NS Quy Nhơn, ngày 10 tháng 12 năm 2026\nKính gửi: Các đơn vị\n";
    const due = (body: string) => extractFields({ firstPage: head + body }).requestedDueDate?.value;
    expect(due("Căn cứ Công văn ngày 01/12/2026 của Bộ, đề nghị gửi báo cáo trước ngày 18/12/2026.")).toEqual({ year: 2026, month: 12, day: 18 });
    expect(due("Báo cáo gửi về Sở trước 17 giờ 00 ngày 19 tháng 12 năm 2026.")).toEqual({ year: 2026, month: 12, day: 19 });
    expect(due("Hồ sơ nộp chậm nhất là ngày 22/12/2026 tại Sở.")).toEqual({ year: 2026, month: 12, day: 22 });
    expect(due("Thời gian tổ chức: ngày 20 tháng 12 năm 2026.")).toBeUndefined();
  });

  it("does not take the issued date from a body date nor from a deadline; a deadline in the V/v is a request", () => {
    const f = extractFields({
      firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nV/v nộp báo cáo trước ngày 18/12/2026\n\nKính gửi: Các đơn vị\nNgày 05 tháng 12 năm 2026, Bộ Tài chính có văn bản …\n",
    });
    expect(f.issuedDate).toBeUndefined();
    expect(f.requestedDueDate?.value).toEqual({ year: 2026, month: 12, day: 18 });
  });
});

describe("foldSameLength", () => {
  it("keeps one character per character, so matches on the folded text slice the original", () => {
    const s = "Số: 45/STC-NS, ngày Đông";
    const f = foldSameLength(s);
    expect(f).toBe("so: 45/stc-ns, ngay dong");
    expect(f.length).toBe(s.length);
  });
});

// Slips seen on the OCR corpus of `npm run bench -- ocr` (bench/support/ocr-corpus.ts), as tesseract
// printed them.
describe("extractFields: what tesseract made of the benchmark corpus", () => {
  it("joins V/v lines that tesseract separated by a blank line, and stops at the urgency mark under them", () => {
    const page = `UBND TỈNH BÌNH ĐỊNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TÀI CHÍNH Độc lập - Tự do - Hạnh phúc
Số: 1066/STC-TCCB Quy Nhơn, ngày 05 tháng 04 năm 2026

V/v cung cấp số liệu phục vụ tổng kết

công tác cải cách hành chính

KHẨN
Kính gửi: Các đơn vị trực thuộc

Các đơn vị làm rõ những khó khăn, vướng mắc và đề xuất giải pháp tháo gỡ
`;
    const f = extractFields({ firstPage: page, knownIssuers: KNOWN });
    expect(f.subject?.value).toBe("V/v cung cấp số liệu phục vụ tổng kết công tác cải cách hành chính");
    expect(f.subject?.source.lines).toEqual([4, 6]);
    expect(f.urgency?.value).toBe("URGENT");
  });

  it("does not take the urgency mark printed right under the last V/v line into the trích yếu", () => {
    const page = `ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH GIA LAI Độc lập - Tự do - Hạnh phúc
Số: 683/UBND-KHTC Pleiku, ngày 17 tháng 08 năm 2026
V/v rà soát, đề xuất danh mục dự án đầu
tư công trung hạn giai đoạn 2026 - 2030
của các sở, ban, ngành và địa phương
THƯỢNG KHẨN
Kính gửi: Các đơn vị trực thuộc
`;
    const f = extractFields({ firstPage: page, knownIssuers: KNOWN });
    expect(f.subject?.value).toBe("V/v rà soát, đề xuất danh mục dự án đầu tư công trung hạn giai đoạn 2026 - 2030 của các sở, ban, ngành và địa phương");
    expect(f.urgency?.value).toBe("VERY_URGENT");
  });

  it("stops the trích yếu at two blank lines in a row (the next block is not part of it)", () => {
    const f = extractFields({ firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nV/v báo cáo quý IV\n\n\nTrụ sở làm việc mới\n" });
    expect(f.subject?.value).toBe("V/v báo cáo quý IV");
  });

  it('reads a số line whose slash came out as a fraction slash "⁄", or was lost before the ký hiệu', () => {
    const code = (line: string) => extractFields({ firstPage: `ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n${line} Pleiku, ngày 17 tháng 08 năm 2026\n` }).code;
    expect(code("Số: 683⁄UBND-KHTC")?.value).toEqual({ codeNumber: "683", codeNotation: "UBND-KHTC" });
    expect(code("Số: 15⁄2026⁄QĐ-UBND")?.value).toEqual({ codeNumber: "15", codeNotation: "2026/QĐ-UBND" });
    const lost = code("Số: 683UBND-KHTC");
    expect(lost?.value).toEqual({ codeNumber: "683", codeNotation: "UBND-KHTC" });
    expect(lost?.confidence).toBeLessThan(0.8);
    // Without the slash, a ký hiệu must follow the digits at once, in capitals.
    expect(code("Số: 683 ngày")).toBeUndefined();
  });

  it('reads a số line whose slash came out as ":" or ","', () => {
    const code = (line: string) => extractFields({ firstPage: `UBND TỈNH ĐỒNG NAI\nSỞ Y TẾ\n${line} Biên Hòa, ngày 09 tháng 02 năm 2026\n` }).code?.value;
    expect(code("Số: 936:GM-SYT")).toEqual({ codeNumber: "936", codeNotation: "GM-SYT" });
    expect(code("Số: 243,UBND-TCCB.")).toEqual({ codeNumber: "243", codeNotation: "UBND-TCCB" });
    expect(code("Số: 243, ngày")).toBeUndefined();
  });

  it('reads the title "THÔNG BÁO" as Thông báo, not as Thông cáo one letter away', () => {
    const f = extractFields({ firstPage: "SỞ Y TẾ\nSố: 12/TB-SYT\nTHÔNG BÁO\nLịch tiếp công dân định kỳ\n" });
    expect(f.docType?.value).toBe("Thông báo");
    expect(extractFields({ firstPage: "THÔNG CÁO\nVề kỳ họp thứ 10\n" }).docType?.value).toBe("Thông cáo");
  });

  it('matches a parent body whose "UBND" OCR glued to the locality ("UBNDTỈNH KHÁNH HÒA")', () => {
    const page =
      "UBNDTÏNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG Độc lập - Tự do - Hạnh phúc\nSố: 2565/TTr-SNNMT Khánh Hòa, ngày 22 tháng 08 năm 2026\n";
    const f = extractFields({ firstPage: page, knownIssuers: ["Sở Nông nghiệp và Môi trường tỉnh Khánh Hòa", "Sở Nông nghiệp và Môi trường tỉnh Gia Lai"] });
    expect(f.issuer).toMatchObject({ value: "Sở Nông nghiệp và Môi trường tỉnh Khánh Hòa", known: true });
  });

  it("puts right a type abbreviation one letter off the title's in the ký hiệu, with a lower confidence", () => {
    const read = (codeLine: string, title: string) =>
      extractFields({ firstPage: `SỞ CÔNG THƯƠNG\n${codeLine} Cần Thơ, ngày 02 tháng 03 năm 2026\n${title}\nĐề nghị phê duyệt dự toán\n` }).code;
    expect(read("Số: 2954/TTT-SCT", "TỜ TRÌNH")?.value).toEqual({ codeNumber: "2954", codeNotation: "TTr-SCT" });
    expect(read("Số: 1363/TIr-UBND", "TỜ TRÌNH")?.confidence).toBeLessThan(1);
    expect(read("Số: 293/ABC-SVHTTDL", "BÁO CÁO")?.value.codeNotation).toBe("BC-SVHTTDL");
    expect(read("Số: 15/2026/QD-UBND", "QUYẾT ĐỊNH")?.value.codeNotation).toBe("2026/QĐ-UBND");
    // Two letters off, or no title: left as read.
    expect(read("Số: 12/XYZ-SCT", "TỜ TRÌNH")?.value.codeNotation).toBe("XYZ-SCT");
    expect(extractFields({ firstPage: "SỞ CÔNG THƯƠNG\nSố: 2954/TTT-SCT\nV/v hội chợ\n" }).code?.value.codeNotation).toBe("TTT-SCT");
  });

  it("puts right the issuer's abbreviation in the ký hiệu when one letter off the matched issuer's, with a lower confidence", () => {
    const read = (codeLine: string, title = "") =>
      extractFields({
        firstPage: `UBND TỈNH THANH HÓA\nSỞ NỘI VỤ\n${codeLine} Thanh Hóa, ngày 07 tháng 11 năm 2026\n${title}\nV/v tuyển dụng công chức\n`,
        knownIssuers: ["Sở Nội vụ tỉnh Thanh Hóa", "Cục Quản lý Dược"],
      }).code;
    // "S5NV" (the 5 taken for an S: "SSNV") in a công văn: the issuer comes first.
    expect(read("Số: 1038/S5NV-NV")?.value).toEqual({ codeNumber: "1038", codeNotation: "SNV-NV" });
    expect(read("Số: 1038/S5NV-NV")?.confidence).toBeLessThan(1);
    // After a named type's abbreviation.
    expect(read("Số: 22/KH-SNVV", "KẾ HOẠCH")?.value.codeNotation).toBe("KH-SNV");
    // Right already, two letters off, or the unit's part: left as read.
    expect(read("Số: 1038/SNV-NV")?.value.codeNotation).toBe("SNV-NV");
    expect(read("Số: 1038/SNV-NV")?.confidence).toBe(1);
    expect(read("Số: 1038/SXYV-NV")?.value.codeNotation).toBe("SXYV-NV");
    expect(read("Số: 1038/SNV-SNVV")?.value.codeNotation).toBe("SNV-SNVV");
  });

  it("derives the abbreviations of an issuer's name as ký hiệu print them", () => {
    expect(issuerAbbreviations("Sở Nội vụ tỉnh Thanh Hóa")).toEqual(["SNV"]);
    expect(issuerAbbreviations("Sở Giáo dục và Đào tạo thành phố Hà Nội")).toEqual(["SGDĐT", "GDĐT"]);
    expect(issuerAbbreviations("Phòng Tài chính - Kế hoạch huyện Tuy Phước")).toEqual(["PTCKH", "TCKH"]);
    expect(issuerAbbreviations("Cục Quản lý Dược")).toEqual(["CQLD", "QLD"]);
    expect(issuerAbbreviations("Ủy ban nhân dân huyện Phù Cát")).toEqual(["UBND"]);
  });

  it("drops the noise tesseract makes of the rule under a trích yếu, and a trailing full stop or leading quote", () => {
    expect(extractFields({ firstPage: "GIẤY MỜI\nDự hội nghị sơ kết công tác quý IV năm 2026\nsa = ca\n" }).subject?.value).toBe("Dự hội nghị sơ kết công tác quý IV năm 2026");
    expect(extractFields({ firstPage: "KẾ HOẠCH\n'Triển khai công tác kiểm tra.\n" }).subject?.value).toBe("Triển khai công tác kiểm tra");
    expect(
      extractFields({ firstPage: "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nV/v rà soát, đề xuất danh mục\ncủa các sở, ban, ngành và địa phương.\nKính gửi: Các sở\n" }).subject?.value,
    ).toBe("V/v rà soát, đề xuất danh mục của các sở, ban, ngành và địa phương");
  });

  it("stops the trích yếu under a title at the rule under it read as a run of capitals", () => {
    const f = extractFields({ firstPage: "KẾ HOẠCH\nTổ chức hội nghị tập huấn nghiệp vụ văn thư, lưu trữ cho cán bộ,\ncông chức cấp xã trên địa bàn\nXÃ ÁÃXđãRXÃRxAR XÃ\n" });
    expect(f.subject?.value).toBe("Tổ chức hội nghị tập huấn nghiệp vụ văn thư, lưu trữ cho cán bộ, công chức cấp xã trên địa bàn");
  });
});

describe("extractFields: the trích yếu under a title, when tesseract dropped the rule under it", () => {
  const page = `BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
KHO BẠC NHÀ NƯỚC Độc lập - Tự do - Hạnh phúc
Số: 300/TTr-KBNN Hà Nội, ngày 27 tháng 01 năm 2026
THƯỢNG KHẨN
TỜ TRÌNH
Đề nghị phê duyệt dự toán kinh phí tổ chức Hội chợ
thương mại năm 2027
đề nghị các cơ quan, đơn vị khẩn trương rà soát, tổng hợp và đánh giá kết quả
thực hiện nhiệm vụ được giao. Các đơn vị làm rõ những khó khăn, vướng
mắc và đề xuất giải pháp tháo gỡ trong thời gian tới. Văn bản, số liệu đề nghị
`;

  it("stops at the first line as wide as the body", () => {
    const f = extractFields({ firstPage: page });
    expect(f.docType?.value).toBe("Tờ trình");
    expect(f.subject?.value).toBe("Đề nghị phê duyệt dự toán kinh phí tổ chức Hội chợ thương mại năm 2027");
    expect(f.subject?.source.lines).toEqual([5, 6]);
  });

  it("keeps a trích yếu whose lines are as wide as the body (nothing narrower to tell them apart)", () => {
    const f = extractFields({
      firstPage:
        "KẾ HOẠCH\nTriển khai công tác kiểm tra việc thực hiện chế độ báo cáo năm 2026 tại\ncác cơ quan, đơn vị trên địa bàn tỉnh trong quý IV năm 2026 theo quy định\n\nThực hiện chỉ đạo của cấp trên, Sở ban hành kế hoạch như sau:\n",
    });
    expect(f.subject?.value).toBe(
      "Triển khai công tác kiểm tra việc thực hiện chế độ báo cáo năm 2026 tại các cơ quan, đơn vị trên địa bàn tỉnh trong quý IV năm 2026 theo quy định",
    );
  });
});

describe("extractFields: the trích yếu's tone marks, with the Vietnamese word list", () => {
  it("puts back a dấu hỏi read as a dấu sắc in a V/v and under a title, with a lower confidence; leaves it as read without the list", async () => {
    const words = await loadVietnameseWords();
    const vv = "SỞ TÀI CHÍNH\nSố: 45/STC-NS\nV/v cung cấp số liệu phục vụ tống kết\ncông tác cải cách hành chính\nKính gửi: Các sở\n";
    expect(extractFields({ firstPage: vv, words }).subject).toMatchObject({ value: "V/v cung cấp số liệu phục vụ tổng kết công tác cải cách hành chính", confidence: 0.8 });
    expect(extractFields({ firstPage: vv }).subject?.value).toBe("V/v cung cấp số liệu phục vụ tống kết công tác cải cách hành chính");
    const titled = "TỜ TRÌNH\nĐề nghị phê duyệt dự toán kinh phí tố chức Hội chợ thương mại năm 2027\n";
    expect(extractFields({ firstPage: titled, words }).subject?.value).toBe("Đề nghị phê duyệt dự toán kinh phí tổ chức Hội chợ thương mại năm 2027");
    // Read right: nothing changed, the confidence as before.
    const right = "KẾ HOẠCH\nTriển khai công tác kiểm tra việc thực hiện chế độ báo cáo năm 2026\n";
    expect(extractFields({ firstPage: right, words }).subject).toMatchObject({ value: "Triển khai công tác kiểm tra việc thực hiện chế độ báo cáo năm 2026", confidence: 0.9 });
  });
});
