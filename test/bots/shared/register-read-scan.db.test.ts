// Issue 18: a scan sent to register is read, and /dangky's echo comes prefilled. The same dispatcher
// serves Telegram, Zalo and the web chat, each through its turn's progress hook ("đang đọc văn
// bản…" before the answer). Scans here are text-layer PDFs (read in a fraction of a second by
// poppler); the timeout case uses a rasterised page under a budget OCR cannot meet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "../../../bots/shared/types.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { closeDefaultPageReader } from "../../../core/ocr/shared-reader.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { makeDecree30Pdf, makeTextPdf, rasterisePdf, SAMPLE_PAGE } from "../../support/decree30-page.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, setupExampleOrg } from "../../support/workflow.ts";

let db: TestDatabase;
let seq = 0;
const files = createMemoryFileStore();
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/** Today is after the page's date (10/12/2026), so the date read is not flagged as unlikely. */
const clock = createTestClock("2026-12-12T02:00:00Z");
const env = (timeoutMs = 60_000): BotEnv => ({ deps: createTestDeps(db.prisma, { clock, files, settings: { ocr: { timeoutMs } } }), logger });
const CHANNELS = ["TELEGRAM", "ZALO", "WEB"] as const;
type Channel = (typeof CHANNELS)[number];
const chatOf = (channel: Channel) => `${channel.toLowerCase()}-read-clerk`;

/** One turn; `events` records the progress messages and the answer, in the order they came. */
const send = async (channel: Channel, turn: Omit<IncomingTurn, "channel" | "externalUserId" | "chatId" | "updateKey" | "progress">, e = env()) => {
  const events: string[] = [];
  const progress = async (m: OutboundMessage) => void events.push(`progress: ${m.text}`);
  const result = await handleIncoming(e, { channel, externalUserId: chatOf(channel), chatId: chatOf(channel), updateKey: `rs:${++seq}`, progress, ...turn });
  events.push("answer");
  return { result, events, text: textOf(result) };
};
const textOf = (r: TurnResult) => r.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");
const pageWith = (code: string, body = SAMPLE_PAGE.body) => makeDecree30Pdf({ ...SAMPLE_PAGE, code: `Số: ${code}`, body });

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  const deps = createTestDeps(db.prisma, { clock, files });
  await setupExampleOrg(deps);
  for (const channel of CHANNELS) await linkChat(deps, channel, chatOf(channel), "vanthu");
});
afterAll(async () => {
  await closeDefaultPageReader();
  await db?.close();
});

describe("/dangky prefilled from the scan", () => {
  CHANNELS.forEach((channel, i) => {
    it(`${channel}: a PDF with no caption → "đang đọc văn bản…" first, then the prefilled echo; /ok registers it with the requested deadline`, async () => {
      await send(channel, { text: "/huy" });
      const code = `${45 + i}/STC-NS`;
      const sent = await send(channel, { files: [{ bytes: await pageWith(code), fileName: "cong-van.pdf" }] });
      expect(sent.events[0]).toMatch(/^progress: Đang đọc văn bản…/);
      expect(sent.events.at(-1)).toBe("answer");
      expect(sent.text).toContain(`Số, ký hiệu: ${code} (đọc từ bản quét)`);
      expect(sent.text).toContain("Ngày văn bản: 10/12/2026 (đọc từ bản quét)");
      expect(sent.text).toContain("Trích yếu: V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026 (đọc từ bản quét)");
      expect(sent.text).toContain("Hạn nơi gửi đề nghị: 18/12/2026 (đọc từ bản quét)");
      expect(sent.text).toMatch(/Cơ quan ban hành: .*SỞ TÀI CHÍNH.* \(đọc từ bản quét/i);
      expect(sent.text).toContain("Tệp: 1 tệp: cong-van.pdf (PDF, 1 trang)");
      expect(sent.text).toContain("/ok");

      const done = await send(channel, { text: "/ok" });
      expect(done.text).toMatch(/Đã đăng ký/);
      const doc = await db.prisma.document.findFirstOrThrow({ where: { codeNumber: String(45 + i), codeNotation: "STC-NS" } });
      expect(doc.subject).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
      expect(doc.requestedDueDate?.toISOString().slice(0, 10)).toBe("2026-12-18");
      expect(doc.issuedDate?.toISOString().slice(0, 10)).toBe("2026-12-10");
    });
  });

  it("the header is matched against the issuers in the register: shown as the office writes it, not flagged", async () => {
    const channel = "ZALO";
    await send(channel, { text: "/huy" });
    await send(channel, { text: "/dangky\nsố: 1/STC-VP\ncơ quan: Sở Tài chính tỉnh Bình Định\ntrích yếu: V/v lịch công tác" });
    await send(channel, { files: [{ bytes: await pageWith("2/STC-VP"), fileName: "lich.pdf" }] });
    expect((await send(channel, { text: "/ok" })).text).toMatch(/Đã đăng ký/);
    const sent = await send(channel, { files: [{ bytes: await pageWith("65/STC-NS"), fileName: "c.pdf" }] });
    expect(sent.text).toContain("Cơ quan ban hành: Sở Tài chính tỉnh Bình Định (đọc từ bản quét)\n");
  });

  it("a field the clerk typed wins over the one read, typed before the read or after it", async () => {
    const channel = "TELEGRAM";
    await send(channel, { text: "/huy" });
    const sent = await send(channel, { files: [{ bytes: await pageWith("60/STC-NS"), fileName: "a.pdf" }], text: "/dangky\ntrích yếu: V/v dự toán (văn thư gõ)" });
    expect(sent.text).toContain("Trích yếu: V/v dự toán (văn thư gõ)\n");
    expect(sent.text).not.toContain("V/v báo cáo tình hình");
    expect(sent.text).toContain("Số, ký hiệu: 60/STC-NS (đọc từ bản quét)");
    // Typed after: "số: 61" replaces the number and the notation read with it.
    const edited = await send(channel, { text: "số: 61" });
    expect(edited.text).toContain("Số, ký hiệu: 61\n");
    expect(edited.text).not.toContain("STC-NS");
    expect(edited.text).toContain("Ngày văn bản: 10/12/2026 (đọc từ bản quét)");
    await send(channel, { text: "/ok" });
    const doc = await db.prisma.document.findFirstOrThrow({ where: { codeNumber: "61" } });
    expect(doc).toMatchObject({ codeNotation: null, subject: "V/v dự toán (văn thư gõ)" });
  });

  it("the signer is read into người ký, stored with the document and shown by /xem; a typed người ký wins", async () => {
    const channel = "WEB";
    await send(channel, { text: "/huy" });
    const sent = await send(channel, { files: [{ bytes: await pageWith("95/STC-NS"), fileName: "k.pdf" }] });
    expect(sent.text).toContain("Người ký: PHÓ GIÁM ĐỐC Nguyễn Văn An (đọc từ bản quét)\n");
    await send(channel, { text: "/ok" });
    const doc = await db.prisma.document.findFirstOrThrow({ where: { codeNumber: "95" }, select: { signerName: true, signerTitle: true, ref: true } });
    expect(doc).toMatchObject({ signerName: "Nguyễn Văn An", signerTitle: "PHÓ GIÁM ĐỐC" });
    const viewed = await send(channel, { text: `/xem ${doc.ref}` });
    expect(viewed.text).toContain("Người ký: PHÓ GIÁM ĐỐC Nguyễn Văn An");

    // Typed (no diacritics in the keyword) over the one read: name and title both from the typed line.
    const echo = await send(channel, { files: [{ bytes: await pageWith("96/STC-NS"), fileName: "k2.pdf" }], text: "/dangky\nnguoi ky: Lê Thị Hoa, Giám đốc" });
    expect(echo.text).toContain("Người ký: Giám đốc Lê Thị Hoa\n");
    expect(echo.text).toContain("Số, ký hiệu: 96/STC-NS (đọc từ bản quét)");
    expect(echo.text).not.toContain("Nguyễn Văn An");
    const edited = await send(channel, { text: "người ký: Trần Văn Minh" });
    expect(edited.text).toContain("Người ký: Trần Văn Minh\n");
    await send(channel, { text: "/ok" });
    expect(await db.prisma.document.findFirstOrThrow({ where: { codeNumber: "96" }, select: { signerName: true, signerTitle: true } })).toEqual({
      signerName: "Trần Văn Minh",
      signerTitle: null,
    });
  });

  it("a read that runs out of time leaves the manual form and says why; the file stays kept", async () => {
    const channel = "ZALO";
    await send(channel, { text: "/huy" });
    const scan = await rasterisePdf(await pageWith("70/STC-NS"), 100);
    const sent = await send(channel, { files: [{ bytes: scan, fileName: "scan.pdf" }] }, env(1));
    expect(sent.events[0]).toMatch(/^progress: Đang đọc văn bản…/);
    expect(sent.text).toContain("Đọc văn bản quá 1 giây nên đã dừng");
    expect(sent.text).toContain("Đã nhận 1 tệp");
    const echo = await send(channel, { text: "/dangky\nsố: 70/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\ntrích yếu: V/v báo cáo dự toán" }, env(1));
    expect(echo.text).toContain("Tệp: 1 tệp: scan.pdf (PDF, 1 trang)");
    expect(echo.text).not.toContain("đọc từ bản quét");
    expect((await send(channel, { text: "/ok" }, env(1))).text).toMatch(/Đã đăng ký/);
  });

  it("/tim finds a word that only occurs in the scan's body, after /ok", async () => {
    const channel = "WEB";
    await send(channel, { text: "/huy" });
    const body = ["Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, đề nghị các xã nạo vét kênh mương nội đồng", "trước mùa mưa năm 2027."];
    await send(channel, { files: [{ bytes: await pageWith("80/STC-NS", body), fileName: "b.pdf" }] });
    expect((await send(channel, { text: "/tim nao vet kenh muong" })).text).not.toContain("80/STC-NS");
    await send(channel, { text: "/ok" });
    expect((await send(channel, { text: "/tim nạo vét kênh mương" })).text).toContain("80/STC-NS");
    expect((await send(channel, { text: "/tim nao vet kenh muong" })).text).toContain("80/STC-NS");
  });

  it("a scan marked MẬT is not kept: its files are discarded and only số, cơ quan, độ mật are shown", async () => {
    const channel = "TELEGRAM";
    await send(channel, { text: "/huy" });
    const page = await makeTextPdf([
      "UBND TỈNH BÌNH ĐỊNH",
      "SỞ TÀI CHÍNH",
      "Số: 90/STC-NS",
      "MẬT",
      "Quy Nhơn, ngày 10 tháng 12 năm 2026",
      "V/v phương án bảo vệ mục tiêu trọng điểm",
    ]);
    const sent = await send(channel, { files: [{ bytes: page, fileName: "mat.pdf" }] });
    expect(sent.text).toContain("Bản quét có dấu độ mật");
    expect(sent.text).not.toContain("phương án bảo vệ");
    expect(await db.prisma.pendingFileChunk.count({ where: { fileKey: { startsWith: `conv:${channel}:${chatOf(channel)}:file:` } } })).toBe(0);
  });
});
