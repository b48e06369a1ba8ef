// The OCR corpus of `npm run bench -- ocr`: official documents laid out as Decree 30 Appendix I
// (Tinos, metric-compatible with Times New Roman: header block, số line, place/date line, V/v or
// title + trích yếu, body, nơi nhận, signer), generated from a fixed seed, each rendered twice:
//   <id>.clean.png     pdftoppm at 200 dpi, grey, straight
//   <id>.degraded.jpg  pdftoppm at 150–200 dpi, a red seal over the signer and a signature, ±2°
//                      rotation, a phone-photo perspective, uneven light, blur, noise, JPEG q 45–75
//   <id>.json          the ground truth (what extract-fields.ts should read)
// in bench/ocr-corpus/ (gitignored). Regenerated when the folder's manifest differs (seed, count,
// generator version).
//
// Run alone: node --import tsx bench/support/ocr-corpus.ts [count]
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import sharp from "sharp";
import { loadFontkit } from "../../core/pdf/fonts.ts";
import { runPdftoppm } from "../../core/pdf/pdftoppm.ts";

export const CORPUS_DIR = fileURLToPath(new URL("../ocr-corpus/", import.meta.url));
const GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 20261206;
export const DEFAULT_COUNT = 40;

export type Urgency = "URGENT" | "VERY_URGENT" | "FLASH";

/** What a reader should get out of the document. Dates are YYYY-MM-DD. */
export type GroundTruth = {
  id: string;
  code: { codeNumber: string; codeNotation: string };
  issuer: string;
  issuedDate: string;
  docType: string;
  subject: string;
  urgency: Urgency | null;
  requestedDueDate: string | null;
  signer: { position: string; fullName: string };
};

export type CorpusDoc = { truth: GroundTruth; clean: string; degraded: string };

// === Random, from the seed

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (rng: Rng, lo: number, hi: number): number => lo + rng() * (hi - lo);
const int = (rng: Rng, lo: number, hi: number): number => Math.floor(between(rng, lo, hi + 1));

// === What documents are made of

type Issuer = {
  /** Header lines of the left column, top down (the last one bold: the issuer itself). */
  header: string[];
  /** The issuer's name as the register knows it. */
  name: string;
  /** Ký hiệu of the issuer in the notation. */
  abbr: string;
  place: string;
  /** The head's title and the deputy's; for a People's Committee, signed "TM. ỦY BAN NHÂN DÂN". */
  head: string;
  committee?: boolean;
};

export const ISSUERS: readonly Issuer[] = [
  { header: ["UBND TỈNH BÌNH ĐỊNH", "SỞ TÀI CHÍNH"], name: "Sở Tài chính tỉnh Bình Định", abbr: "STC", place: "Quy Nhơn", head: "GIÁM ĐỐC" },
  { header: ["UBND THÀNH PHỐ HÀ NỘI", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], name: "Sở Giáo dục và Đào tạo thành phố Hà Nội", abbr: "SGDĐT", place: "Hà Nội", head: "GIÁM ĐỐC" },
  { header: ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"], name: "Ủy ban nhân dân tỉnh Quảng Nam", abbr: "UBND", place: "Tam Kỳ", head: "CHỦ TỊCH", committee: true },
  { header: ["BỘ TÀI CHÍNH", "KHO BẠC NHÀ NƯỚC"], name: "Kho bạc Nhà nước", abbr: "KBNN", place: "Hà Nội", head: "GIÁM ĐỐC" },
  { header: ["BỘ NỘI VỤ"], name: "Bộ Nội vụ", abbr: "BNV", place: "Hà Nội", head: "BỘ TRƯỞNG" },
  { header: ["UBND HUYỆN TUY PHƯỚC", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"], name: "Phòng Tài chính - Kế hoạch huyện Tuy Phước", abbr: "TCKH", place: "Tuy Phước", head: "TRƯỞNG PHÒNG" },
  { header: ["UBND TỈNH ĐỒNG NAI", "SỞ Y TẾ"], name: "Sở Y tế tỉnh Đồng Nai", abbr: "SYT", place: "Biên Hòa", head: "GIÁM ĐỐC" },
  { header: ["UBND TỈNH THANH HÓA", "SỞ NỘI VỤ"], name: "Sở Nội vụ tỉnh Thanh Hóa", abbr: "SNV", place: "Thanh Hóa", head: "GIÁM ĐỐC" },
  { header: ["BỘ GIÁO DỤC VÀ ĐÀO TẠO"], name: "Bộ Giáo dục và Đào tạo", abbr: "BGDĐT", place: "Hà Nội", head: "BỘ TRƯỞNG" },
  { header: ["UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ XÂY DỰNG"], name: "Sở Xây dựng thành phố Đà Nẵng", abbr: "SXD", place: "Đà Nẵng", head: "GIÁM ĐỐC" },
  { header: ["UBND TỈNH NGHỆ AN", "SỞ TƯ PHÁP"], name: "Sở Tư pháp tỉnh Nghệ An", abbr: "STP", place: "Nghệ An", head: "GIÁM ĐỐC" },
  { header: ["ỦY BAN NHÂN DÂN", "HUYỆN PHÙ CÁT"], name: "Ủy ban nhân dân huyện Phù Cát", abbr: "UBND", place: "Phù Cát", head: "CHỦ TỊCH", committee: true },
  { header: ["UBND TỈNH KHÁNH HÒA", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"], name: "Sở Nông nghiệp và Môi trường tỉnh Khánh Hòa", abbr: "SNNMT", place: "Khánh Hòa", head: "GIÁM ĐỐC" },
  { header: ["BỘ Y TẾ", "CỤC QUẢN LÝ DƯỢC"], name: "Cục Quản lý Dược", abbr: "QLD", place: "Hà Nội", head: "CỤC TRƯỞNG" },
  {
    header: ["UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"],
    name: "Sở Khoa học và Công nghệ thành phố Hồ Chí Minh",
    abbr: "SKHCN",
    place: "Thành phố Hồ Chí Minh",
    head: "GIÁM ĐỐC",
  },
  { header: ["UBND THÀNH PHỐ CẦN THƠ", "SỞ CÔNG THƯƠNG"], name: "Sở Công Thương thành phố Cần Thơ", abbr: "SCT", place: "Cần Thơ", head: "GIÁM ĐỐC" },
  { header: ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], name: "Ủy ban nhân dân tỉnh Lâm Đồng", abbr: "UBND", place: "Lâm Đồng", head: "CHỦ TỊCH", committee: true },
  { header: ["UBND TỈNH GIA LAI", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"], name: "Sở Văn hóa, Thể thao và Du lịch tỉnh Gia Lai", abbr: "SVHTTDL", place: "Gia Lai", head: "GIÁM ĐỐC" },
];

/** Document types: title printed (or a công văn's V/v), ký hiệu abbreviation, subjects. */
type Kind = { type: string; title?: string; abbr?: string; subjects: string[] };
const KINDS: readonly Kind[] = [
  {
    type: "Công văn",
    subjects: [
      "V/v báo cáo tình hình thực hiện dự toán ngân sách nhà nước năm 2026 và xây dựng dự toán năm 2027",
      "V/v góp ý dự thảo Quyết định ban hành Quy chế làm việc",
      "V/v tăng cường công tác phòng, chống thiên tai, tìm kiếm cứu nạn trong mùa mưa bão",
      "V/v cung cấp số liệu phục vụ tổng kết công tác cải cách hành chính",
      "V/v triển khai thực hiện chuyển đổi số trong cơ quan nhà nước",
      "V/v rà soát, đề xuất danh mục dự án đầu tư công trung hạn giai đoạn 2026 - 2030 của các sở, ban, ngành và địa phương",
      "V/v đôn đốc nộp báo cáo",
    ],
  },
  {
    type: "Quyết định",
    title: "QUYẾT ĐỊNH",
    abbr: "QĐ",
    subjects: [
      "Về việc thành lập Tổ công tác triển khai Đề án 06",
      "Về việc phê duyệt kế hoạch lựa chọn nhà thầu gói thầu mua sắm trang thiết bị văn phòng năm 2026",
      "Về việc kiện toàn Hội đồng thi đua, khen thưởng",
    ],
  },
  {
    type: "Kế hoạch",
    title: "KẾ HOẠCH",
    abbr: "KH",
    subjects: [
      "Triển khai công tác kiểm tra việc thực hiện chế độ báo cáo năm 2026",
      "Tổ chức hội nghị tập huấn nghiệp vụ văn thư, lưu trữ cho cán bộ, công chức cấp xã trên địa bàn",
    ],
  },
  { type: "Thông báo", title: "THÔNG BÁO", abbr: "TB", subjects: ["Kết luận của Giám đốc tại cuộc họp giao ban tháng 11 năm 2026", "Lịch tiếp công dân định kỳ"] },
  {
    type: "Báo cáo",
    title: "BÁO CÁO",
    abbr: "BC",
    subjects: ["Kết quả thực hiện nhiệm vụ năm 2026 và phương hướng nhiệm vụ năm 2027", "Tình hình giải ngân vốn đầu tư công 11 tháng đầu năm"],
  },
  { type: "Giấy mời", title: "GIẤY MỜI", abbr: "GM", subjects: ["Dự hội nghị sơ kết công tác quý IV năm 2026", "Họp thẩm định hồ sơ đề nghị công nhận sáng kiến cấp tỉnh"] },
  { type: "Tờ trình", title: "TỜ TRÌNH", abbr: "TTr", subjects: ["Đề nghị phê duyệt dự toán kinh phí tổ chức Hội chợ thương mại năm 2027"] },
  { type: "Hướng dẫn", title: "HƯỚNG DẪN", abbr: "HD", subjects: ["Thực hiện công tác thi đua, khen thưởng năm 2026"] },
];

const UNITS = ["NS", "VP", "TCCB", "KHTC", "QLĐT", "TTr", "HCTH", "NV"];
const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thị Thu", "Công"];
const GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Tuấn", "Việt", "Yến", "Khánh"];
const RECIPIENTS = ["Ủy ban nhân dân các huyện, thị xã, thành phố", "Các sở, ban, ngành thuộc tỉnh", "Các đơn vị trực thuộc", "Phòng Tài chính - Kế hoạch các huyện"];
const BODY = [
  "Thực hiện chỉ đạo của cấp trên về việc tăng cường kỷ luật, kỷ cương hành chính trong hoạt động công vụ,",
  "đề nghị các cơ quan, đơn vị khẩn trương rà soát, tổng hợp và đánh giá kết quả thực hiện nhiệm vụ được giao.",
  "Các đơn vị làm rõ những khó khăn, vướng mắc và đề xuất giải pháp tháo gỡ trong thời gian tới.",
  "Căn cứ tình hình thực tế, các đơn vị chủ động bố trí nhân lực, kinh phí để triển khai kịp thời, hiệu quả.",
  "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về cơ quan chủ trì để được hướng dẫn.",
];

const pad2 = (n: number): string => String(n).padStart(2, "0");
const iso = (d: Date): string => d.toISOString().slice(0, 10);

type Layout = {
  issuer: Issuer;
  kind: Kind;
  truth: GroundTruth;
  placeDate: string;
  codeLine: string;
  subjectLines: string[];
  urgencyMark: string | null;
  recipient: string | null;
  body: string;
  signerLines: string[];
};

/** Splits `text` into lines no wider than `width` points. */
const wrap = (text: string, font: PDFFont, size: number, width: number): string[] => {
  const lines: string[] = [];
  let cur = "";
  for (const w of text.split(/\s+/)) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && font.widthOfTextAtSize(next, size) > width) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
};

const planDocument = (rng: Rng, index: number): Omit<Layout, "subjectLines"> & { subject: string } => {
  const issuer = ISSUERS[index % ISSUERS.length]!;
  const kind = index % 8 < 3 ? KINDS[0]! : pick(rng, KINDS.slice(1));
  const subject = pick(rng, kind.subjects);
  const issued = new Date(Date.UTC(2026, 0, 1) + int(rng, 0, 360) * 86_400_000);
  const number = String(int(rng, 1, 2999));
  const withYear = kind.abbr === "QĐ" && rng() < 0.5;
  const codeNotation = kind.abbr ? `${kind.abbr}-${issuer.abbr}` : `${issuer.abbr}-${pick(rng, UNITS)}`;
  const codeLine = withYear ? `Số: ${number}/${issued.getUTCFullYear()}/${codeNotation}` : `Số: ${number}/${codeNotation}`;
  const urgencyRoll = rng();
  const urgency: Urgency | null = urgencyRoll < 0.55 ? null : urgencyRoll < 0.75 ? "URGENT" : urgencyRoll < 0.9 ? "VERY_URGENT" : "FLASH";
  const urgencyMark = urgency && { URGENT: "KHẨN", VERY_URGENT: "THƯỢNG KHẨN", FLASH: "HỎA TỐC" }[urgency];
  const due = rng() < 0.8 ? new Date(issued.getTime() + int(rng, 3, 30) * 86_400_000) : null;
  const dueText =
    due &&
    (rng() < 0.5
      ? `trước ngày ${due.getUTCDate()} tháng ${due.getUTCMonth() + 1} năm ${due.getUTCFullYear()}`
      : `trước ngày ${pad2(due.getUTCDate())}/${pad2(due.getUTCMonth() + 1)}/${due.getUTCFullYear()}`);
  const bodyStart = int(rng, 0, 2);
  const body = [
    ...BODY.slice(bodyStart, bodyStart + 2),
    dueText ? `Văn bản, số liệu đề nghị gửi về cơ quan chủ trì ${dueText} để tổng hợp, báo cáo cấp có thẩm quyền.` : "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện.",
    BODY[4]!,
  ].join(" ");
  const fullName = `${pick(rng, FAMILY)} ${pick(rng, MIDDLE)} ${pick(rng, GIVEN)}`;
  const deputy = rng() < 0.6;
  const headDeputy =
    issuer.head === "TRƯỞNG PHÒNG" ? "PHÓ TRƯỞNG PHÒNG" : issuer.head === "CỤC TRƯỞNG" ? "PHÓ CỤC TRƯỞNG" : issuer.head === "BỘ TRƯỞNG" ? "THỨ TRƯỞNG" : `PHÓ ${issuer.head}`;
  const signerLines = [...(issuer.committee ? ["TM. ỦY BAN NHÂN DÂN"] : []), ...(deputy ? [`KT. ${issuer.head}`, headDeputy] : [issuer.head])];
  const placeDate = `${issuer.place}, ngày ${pad2(issued.getUTCDate())} tháng ${pad2(issued.getUTCMonth() + 1)} năm ${issued.getUTCFullYear()}`;
  const truth: GroundTruth = {
    id: `doc${String(index + 1).padStart(3, "0")}`,
    code: { codeNumber: number, codeNotation: withYear ? `${issued.getUTCFullYear()}/${codeNotation}` : codeNotation },
    issuer: issuer.name,
    issuedDate: iso(issued),
    docType: kind.type,
    subject,
    urgency,
    requestedDueDate: due && iso(due),
    signer: { position: signerLines[signerLines.length - 1]!, fullName },
  };
  return { issuer, kind, truth, placeDate, codeLine, subject, urgencyMark, recipient: kind.title ? null : pick(rng, RECIPIENTS), body, signerLines };
};

// === Drawing (A4, Decree 30 Appendix I)

const require = createRequire(import.meta.url);
const TINOS = dirname(require.resolve("@expo-google-fonts/tinos/package.json"));
const A4: [number, number] = [595.28, 841.89];
const MM = 72 / 25.4;

/** The PDF, and where the signer block is (points from the top left) for the seal. */
const drawDocument = async (plan: ReturnType<typeof planDocument>): Promise<{ pdf: Uint8Array; layout: Layout; signer: { x: number; top: number; bottom: number } }> => {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const [regular, bold, italic, boldItalic] = (await Promise.all(
    ["400Regular/Tinos_400Regular.ttf", "700Bold/Tinos_700Bold.ttf", "400Regular_Italic/Tinos_400Regular_Italic.ttf", "700Bold_Italic/Tinos_700Bold_Italic.ttf"].map(async (f) =>
      doc.embedFont(await readFile(join(TINOS, f)), { subset: false }),
    ),
  )) as [PDFFont, PDFFont, PDFFont, PDFFont];
  const page: PDFPage = doc.addPage(A4);
  const [W, H] = A4;
  const left = 30 * MM;
  const right = W - 15 * MM;
  const leftCol = left + 33 * MM;
  const rightCol = right - 54 * MM;
  const centred = (t: string, font: PDFFont, size: number, cx: number, y: number) => page.drawText(t, { x: cx - font.widthOfTextAtSize(t, size) / 2, y, size, font });
  const rule = (cx: number, y: number, w: number) => page.drawLine({ start: { x: cx - w / 2, y }, end: { x: cx + w / 2, y }, thickness: 0.6 });

  // Header: left the parent body and the issuer (bold), right Quốc hiệu and motto.
  let y = H - 20 * MM;
  const { header } = plan.issuer;
  header.forEach((line, i) => {
    const isIssuer = i === header.length - 1 && !(plan.issuer.committee && i === 0);
    centred(line, isIssuer || plan.issuer.committee ? bold : regular, 12, leftCol, y - i * 15);
  });
  centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, 12, rightCol, y);
  centred("Độc lập - Tự do - Hạnh phúc", bold, 13, rightCol, y - 15);
  rule(rightCol, y - 19, bold.widthOfTextAtSize("Độc lập - Tự do - Hạnh phúc", 13));
  const headerBottom = y - 15 * (header.length - 1);
  rule(leftCol, headerBottom - 5, 28 * MM);
  y = Math.min(headerBottom, y - 15) - 26;
  centred(plan.codeLine, regular, 13, leftCol, y);
  centred(plan.placeDate, italic, 13, rightCol, y);

  let subjectLines: string[];
  if (plan.kind.title) {
    // The urgency mark under the số line, then the title and the trích yếu centred.
    if (plan.urgencyMark) {
      y -= 24;
      const w = bold.widthOfTextAtSize(plan.urgencyMark, 13);
      page.drawRectangle({ x: leftCol - w / 2 - 5, y: y - 4, width: w + 10, height: 18, borderWidth: 0.8, borderColor: rgb(0, 0, 0) });
      centred(plan.urgencyMark, bold, 13, leftCol, y);
    }
    y -= 40;
    centred(plan.kind.title, bold, 14, W / 2, y);
    subjectLines = wrap(plan.subject, bold, 14, 120 * MM);
    for (const l of subjectLines) {
      y -= 17;
      centred(l, bold, 14, W / 2, y);
    }
    rule(W / 2, y - 6, 40 * MM);
    if (plan.kind.type === "Quyết định") {
      y -= 32;
      centred(plan.issuer.committee ? `${plan.issuer.head} ${plan.issuer.header.join(" ")}` : `${plan.issuer.head} ${plan.issuer.header[header.length - 1]}`, bold, 13, W / 2, y);
    }
    y -= 12;
  } else {
    subjectLines = wrap(plan.subject, regular, 12, 72 * MM);
    for (const l of subjectLines) {
      y -= 15;
      centred(l, regular, 12, leftCol, y);
    }
    if (plan.urgencyMark) {
      y -= 26;
      const w = bold.widthOfTextAtSize(plan.urgencyMark, 13);
      page.drawRectangle({ x: leftCol - w / 2 - 5, y: y - 4, width: w + 10, height: 18, borderWidth: 0.8, borderColor: rgb(0, 0, 0) });
      centred(plan.urgencyMark, bold, 13, leftCol, y);
    }
    y -= 34;
    centred(`Kính gửi: ${plan.recipient}`, regular, 14, W / 2, y);
    y -= 8;
  }

  // Body: justified-looking paragraphs (left aligned, first line indented).
  const bodyLines = wrap(plan.body, regular, 14, right - left - 10 * MM);
  bodyLines.forEach((l, i) => {
    y -= 20;
    page.drawText(l, { x: left + (i === 0 ? 10 * MM : 0), y, size: 14, font: regular });
  });

  // Nơi nhận (left) and the signer block (right).
  y -= 40;
  const signerCol = right - 38 * MM;
  page.drawText("Nơi nhận:", { x: left, y, size: 12, font: boldItalic });
  ["- Như trên;", "- Lãnh đạo đơn vị;", "- Lưu: VT."].forEach((t, i) => page.drawText(t, { x: left, y: y - 14 * (i + 1), size: 11, font: regular }));
  plan.signerLines.forEach((t, i) => centred(t, bold, 13, signerCol, y - i * 16));
  const nameY = y - 16 * plan.signerLines.length - 70;
  centred(plan.truth.signer.fullName, bold, 14, signerCol, nameY);
  const layout: Layout = { ...plan, subjectLines };
  return { pdf: await doc.save(), layout, signer: { x: signerCol, top: H - y, bottom: H - nameY } };
};

// === Degrading

/** The 3×3 homography mapping the 4 points `from` onto `to` (row-major, h33 = 1). */
const homography = (from: [number, number][], to: [number, number][]): number[] => {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 9; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return [...a.map((row, i) => row[8]! / row[i]!), 1];
};

/**
 * A phone photo of the page: the page's corners moved inwards by up to `amount` of its size (the
 * camera not square to it), on a grey table, with light falling off towards one side.
 */
const perspective = (src: Buffer, w: number, h: number, rng: Rng, amount: number): Buffer => {
  const jitter = (n: number) => between(rng, 0.2, 1) * amount * n;
  const to: [number, number][] = [
    [jitter(w), jitter(h)],
    [w - 1 - jitter(w), jitter(h)],
    [w - 1 - jitter(w), h - 1 - jitter(h)],
    [jitter(w), h - 1 - jitter(h)],
  ];
  const from: [number, number][] = [
    [0, 0],
    [w - 1, 0],
    [w - 1, h - 1],
    [0, h - 1],
  ];
  const m = homography(to, from); // output pixel → source pixel
  const out = Buffer.alloc(w * h * 3);
  const lightX = rng() < 0.5 ? 0 : w;
  const lightY = between(rng, 0, h);
  const diag = Math.hypot(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = m[6]! * x + m[7]! * y + 1;
      const sx = (m[0]! * x + m[1]! * y + m[2]!) / d;
      const sy = (m[3]! * x + m[4]! * y + m[5]!) / d;
      const o = (y * w + x) * 3;
      const shade = 1 - 0.22 * (Math.sqrt((x - lightX) ** 2 + (y - lightY) ** 2) / diag);
      if (sx < 0 || sy < 0 || sx > w - 2 || sy > h - 2) {
        out[o] = 96;
        out[o + 1] = 88;
        out[o + 2] = 80;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = (y0 * w + x0) * 3;
      const i10 = i00 + w * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c]! + (src[i00 + 3 + c]! - src[i00 + c]!) * fx;
        const bottom = src[i10 + c]! + (src[i10 + 3 + c]! - src[i10 + c]!) * fx;
        out[o + c] = (top + (bottom - top) * fy) * shade;
      }
    }
  }
  return out;
};

/** A round red seal (rings, star, the issuer's name) and a blue signature, as SVG in pixels. */
const sealSvg = (w: number, h: number, cx: number, cy: number, r: number, issuer: string, sign: { x: number; y: number; s: number }): string => {
  const star = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.12 : r * 0.3;
    return `${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`;
  }).join(" ");
  const { x, y, s } = sign;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <path d="M ${x} ${y} c ${s * 0.2} ${-s * 0.5}, ${s * 0.4} ${s * 0.4}, ${s * 0.6} ${-s * 0.1} s ${s * 0.3} ${s * 0.3}, ${s * 0.7} ${-s * 0.25} s ${s * 0.2} ${s * 0.3}, ${s * 0.6} 0" fill="none" stroke="#1a2a8a" stroke-width="${(s * 0.02).toFixed(1)}"/>
  <g fill="none" stroke="#d01818" stroke-opacity="0.85">
    <circle cx="${cx}" cy="${cy}" r="${r}" stroke-width="${(r * 0.06).toFixed(1)}"/>
    <circle cx="${cx}" cy="${cy}" r="${r * 0.9}" stroke-width="${(r * 0.02).toFixed(1)}"/>
    <circle cx="${cx}" cy="${cy}" r="${r * 0.55}" stroke-width="${(r * 0.02).toFixed(1)}"/>
  </g>
  <polygon points="${star}" fill="#d01818" fill-opacity="0.85"/>
  <text x="${cx}" y="${cy + r * 0.5}" font-family="serif" font-weight="bold" font-size="${(r * 0.12).toFixed(1)}" fill="#d01818" fill-opacity="0.85" text-anchor="middle">${issuer.toUpperCase()}</text>
</svg>`;
};

const renderPng = async (pdf: Uint8Array, dpi: number, grey: boolean): Promise<Buffer> => {
  const r = await runPdftoppm({ bytes: pdf }, ["-f", "1", "-l", "1", ...(grey ? ["-gray"] : []), "-png", "-r", String(dpi)], "png");
  if (!r.ok) throw new Error(`pdftoppm failed (${r.reason}): is poppler-utils installed?`);
  return r.bytes;
};

const degrade = async (pdf: Uint8Array, signer: { x: number; top: number; bottom: number }, issuer: string, rng: Rng): Promise<Buffer> => {
  const dpi = int(rng, 150, 200);
  const px = dpi / 72;
  const png = await renderPng(pdf, dpi, false);
  const { width: w, height: h } = await sharp(png).metadata();
  // The seal covers about a third of the signature, on its left (Decree 30 art. 33), over the title and name edges.
  const r = 19 * MM * px;
  const cx = (signer.x - 22 * MM) * px;
  const cy = ((signer.top + signer.bottom) / 2) * px;
  const sign = { x: (signer.x - 16 * MM) * px, y: cy, s: 26 * MM * px };
  const sealed = await sharp(png)
    .composite([{ input: Buffer.from(sealSvg(w!, h!, cx, cy, r, issuer, sign)), blend: "multiply" }])
    .flatten({ background: "#ffffff" })
    .rotate(between(rng, -2, 2), { background: "#ffffff" })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: rw, height: rh } = sealed.info;
  const photo = perspective(sealed.data, rw, rh, rng, between(rng, 0.01, 0.035));
  // Sensor noise.
  const sigma = between(rng, 6, 14);
  const px8 = new Uint8ClampedArray(photo.buffer, photo.byteOffset, photo.length);
  for (let i = 0; i < photo.length; i += 3) {
    const n = (rng() - 0.5) * sigma * 3;
    px8[i] = px8[i]! + n;
    px8[i + 1] = px8[i + 1]! + n;
    px8[i + 2] = px8[i + 2]! + n;
  }
  return sharp(photo, { raw: { width: rw, height: rh, channels: 3 } })
    .blur(between(rng, 0.5, 1.1))
    .jpeg({ quality: int(rng, 45, 75) })
    .toBuffer();
};

// === The corpus

const docRng = (seed: number, index: number): Rng => mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);

/** Writes the corpus (unless the folder already holds this very one) and returns its documents. */
export const ensureCorpus = async (opts: { seed?: number; count?: number; dir?: string; log?: (msg: string) => void } = {}): Promise<CorpusDoc[]> => {
  const seed = opts.seed ?? DEFAULT_SEED;
  const count = opts.count ?? DEFAULT_COUNT;
  const dir = opts.dir ?? CORPUS_DIR;
  const manifest = JSON.stringify({ generator: GENERATOR_VERSION, seed, count });
  const manifestPath = join(dir, "manifest.json");
  const docs: CorpusDoc[] = [];
  const fresh = existsSync(manifestPath) && (await readFile(manifestPath, "utf8")) === manifest;
  if (!fresh) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  for (let i = 0; i < count; i++) {
    const rng = docRng(seed, i);
    const plan = planDocument(rng, i);
    const id = plan.truth.id;
    const doc = { truth: plan.truth, clean: join(dir, `${id}.clean.png`), degraded: join(dir, `${id}.degraded.jpg`) };
    docs.push(doc);
    if (fresh) continue;
    const { pdf, layout, signer } = await drawDocument(plan);
    // The trích yếu as printed (wrapped lines joined with a space).
    layout.truth.subject = layout.subjectLines.join(" ");
    await writeFile(doc.clean, await renderPng(pdf, 200, true));
    await writeFile(doc.degraded, await degrade(pdf, signer, plan.issuer.header[plan.issuer.header.length - 1]!, rng));
    await writeFile(join(dir, `${id}.json`), `${JSON.stringify(layout.truth, null, 2)}\n`);
    opts.log?.(`${id} written`);
  }
  if (!fresh) await writeFile(manifestPath, manifest);
  return docs;
};

/** Every issuer name of the corpus: what the register and the organisation file would know. */
export const knownIssuers = (): string[] => ISSUERS.map((i) => i.name);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? DEFAULT_COUNT);
  const docs = await ensureCorpus({ count, log: (m) => process.stderr.write(`${m}\n`) });
  console.log(`${docs.length} documents in ${CORPUS_DIR}`);
}
