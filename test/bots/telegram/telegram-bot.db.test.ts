// The Telegram bot end to end: the real grammY client (long polling through @grammyjs/runner)
// against the fake Bot API server, on a real database.
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage, shown } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture, linkChat } from "../../support/workflow.ts";

const TOKEN = "4242:test-token";
const CLERK: FakeUser = { id: 101, first_name: "Bình" };
const LEADER: FakeUser = { id: 202, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 303, first_name: "Dung" };
const HEAD_TP: FakeUser = { id: 404, first_name: "Khải" };
const STRANGER: FakeUser = { id: 999, first_name: "Người lạ" };

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeTelegramServer;
let tg: TelegramBot;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
const deps = () => createTestDeps(db.prisma, { clock, files });

const link = (user: FakeUser, userCode: string) => linkChat(deps(), "TELEGRAM", String(user.id), userCode);
const send = (update: ReturnType<FakeTelegramServer["textMessage"]>) => fake.pushUpdate(update);
/** Waits for the chat's next `n` messages after the ones already there. */
const next = async (chatId: number, n = 1, timeoutMs = 10_000): Promise<StoredMessage[]> => {
  const before = fake.messages(chatId).length;
  return (await fake.waitForMessages(chatId, before + n, timeoutMs)).slice(before);
};
/** Waits until a message to the chat shows `text`. */
const untilText = (chatId: number, text: string) => fake.waitFor(() => fake.messages(chatId).find((m) => shown(m).includes(text)), 10_000, text);
const press = (user: FakeUser, data: string, message: StoredMessage) => fake.pushUpdate(fake.callbackQuery(user, data, message));
const buttonData = (m: StoredMessage, label: string) => inlineButtons(m).find((b) => b.text === label)?.callback_data ?? "";

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Vietnam
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  fake = await startFakeTelegramServer({ token: TOKEN });
  tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo, albumDebounceMs: 300 });
  await tg.startPolling();
});
afterEach(async () => {
  await tg.stop();
  await fake.close();
  expect(errors).toEqual([]);
});

describe("linking", () => {
  it("links by /start CODE and /link CODE; a stranger learns nothing but how to link", async () => {
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    send(fake.command(STRANGER, "viec"));
    const [howTo] = await next(STRANGER.id);
    expect(shown(howTo)).toContain("/link");
    for (const leak of ["D1", "Sở Tài chính", "dự toán", "Trần Thị Bình", "1 "]) expect(shown(howTo)).not.toContain(leak);
    send(fake.textMessage(STRANGER, "/xem D1"));
    expect(shown((await next(STRANGER.id))[0])).not.toContain("dự toán");

    const { code } = await issueLinkCode(deps(), { userCode: "vanthu" });
    send(fake.command(CLERK, "start", code.replace("-", "")));
    expect(shown((await next(CLERK.id))[0])).toContain("Trần Thị Bình");

    const second = await issueLinkCode(deps(), { userCode: "chutich" });
    send(fake.command(LEADER, "link", second.code));
    expect(shown((await next(LEADER.id))[0])).toContain("Nguyễn Văn An");
    const identities = await db.prisma.chatIdentity.findMany({ select: { externalUserId: true } });
    expect(identities.map((i) => i.externalUserId).sort()).toEqual(["101", "202"]);
  });

  it("answers /help and refuses a wrong code without saying more", async () => {
    send(fake.textMessage(STRANGER, "/link ABCD-2345"));
    const replies = await next(STRANGER.id);
    expect(shown(replies[0])).toMatch(/không đúng|đã được dùng/);
  });
});

describe("/help", () => {
  it("lists the commands each person may use: the clerk's /dangky, /phathanh, /baocao; a head's /giao, /giahan; the leader's /chidao", async () => {
    await link(CLERK, "vanthu");
    await link(HEAD_TCKH, "tp.tckh");
    await link(LEADER, "chutich");
    const help = async (user: FakeUser) => {
      send(fake.command(user, "help"));
      return shown((await next(user.id))[0]);
    };
    const clerk = await help(CLERK);
    for (const cmd of ["/dangky", "/phathanh", "/baocao", "/chidao MÃ thay:", "/viec", "/tim", "mã tham chiếu", "/ok LT5 hoặc /tralai LT5"]) expect(clerk).toContain(cmd);
    for (const cmd of ["/giao ", "/giahan"]) expect(clerk).not.toContain(cmd);
    const head = await help(HEAD_TCKH);
    for (const cmd of ["/nhan MÃ", "/xong MÃ", "/giao MÃ", "/tralai MÃ", "/giahan MÃ ngày lý do: đề nghị gia hạn"]) expect(head).toContain(cmd);
    for (const cmd of ["/dangky", "/phathanh", "/baocao", "/chidao", "/ok LT5"]) expect(head).not.toContain(cmd);
    const leader = await help(LEADER);
    expect(leader).toContain("/chidao MÃ: ghi ý kiến chỉ đạo");
    for (const cmd of ["/dangky", "/phathanh", "/giao "]) expect(leader).not.toContain(cmd);
    for (const text of [clerk, head, leader]) expect(text).not.toMatch(/\bREF\b/);
  });
});

describe("registering by /dangky", () => {
  const CAPTION = "/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\nngày: 20/11/2026\ntrích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027";

  it("a PDF with the metadata as caption → echo → Xác nhận → số đến, REF and the stamped PDF", async () => {
    await link(CLERK, "vanthu");
    const pdf = await samplePdf();
    send(fake.documentMessage(CLERK, { fileName: "cv45.pdf", bytes: pdf, mime: "application/pdf", caption: CAPTION }));
    const [echo] = await next(CLERK.id);
    expect(shown(echo)).toContain("Kiểm tra thông tin văn bản đến");
    expect(shown(echo)).toContain("45/STC-NS");
    expect(shown(echo)).toContain("Công văn");
    expect(inlineButtons(echo).map((b) => b.text)).toEqual(["Xác nhận", "Sửa", "Hủy"]);

    press(CLERK, buttonData(echo!, "Xác nhận"), echo!);
    const [done, doc] = await next(CLERK.id, 2);
    expect(shown(done)).toContain("Số đến: 1");
    expect(shown(done)).toContain("Mã tham chiếu: D1");
    expect(doc!.document?.file_name).toBe("D1.pdf");
    const bytes = doc!.document!.bytes;
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Buffer.compare(bytes, Buffer.from(pdf))).not.toBe(0);
    await fake.waitFor(() => fake.callbackAnswers.length === 1);
    expect(inlineButtons(fake.message(CLERK.id, echo!.message_id))).toEqual([]);
    const stored = await db.prisma.document.findMany({ select: { ref: true, pageCount: true, codeNotation: true } });
    expect(stored).toEqual([{ ref: "D1/2026", pageCount: 2, codeNotation: "STC-NS" }]);
  });

  it("asks for missing lines one by one, with defaults, then /ok", async () => {
    await link(CLERK, "vanthu");
    send(fake.documentMessage(CLERK, { fileName: "scan.pdf", bytes: await samplePdf() }));
    expect(shown((await next(CLERK.id))[0])).toContain("Đã nhận 1 tệp");
    send(fake.textMessage(CLERK, "/dangky\ncơ quan: Sở Nội vụ"));
    expect(shown((await next(CLERK.id))[0])).toContain("Số và ký hiệu");
    send(fake.textMessage(CLERK, "12/SNV-TCBC"));
    expect(shown((await next(CLERK.id))[0])).toContain("Trích yếu?");
    send(fake.textMessage(CLERK, "V/v tuyển dụng công chức"));
    const [echo] = await next(CLERK.id);
    expect(shown(echo)).toContain("Ngày văn bản: 01/12/2026");
    expect(shown(echo)).toContain("Độ khẩn: thường");
    send(fake.command(CLERK, "ok"));
    expect(shown((await next(CLERK.id, 2))[0])).toContain("Mã tham chiếu: D1");
  });

  it("registers an incoming decree, law or petition: every type is taken (Art. 22.1), known names in their canonical form", async () => {
    await link(CLERK, "vanthu");
    const types: [typed: string, stored: string][] = [
      ["Nghị định", "Nghị định"],
      ["thong tu lien tich", "Thông tư liên tịch"],
      ["Luật", "Luật"],
      ["Đơn", "Đơn"],
      ["Tờ khai", "Tờ khai"],
    ];
    for (const [i, [typed, stored]] of types.entries()) {
      send(
        fake.documentMessage(CLERK, {
          fileName: `vb${i}.pdf`,
          bytes: await samplePdf(),
          mime: "application/pdf",
          caption: `/dangky\nsố: ${i + 1}/2026/NĐ-CP\ncơ quan: Chính phủ\nngày: 20/11/2026\nloại: ${typed}\ntrích yếu: Quy định chi tiết`,
        }),
      );
      const [echo] = await next(CLERK.id);
      expect(shown(echo)).toContain(`Loại văn bản: ${stored}`);
      send(fake.command(CLERK, "ok"));
      expect(shown((await next(CLERK.id, 2))[0])).toContain(`Mã tham chiếu: D${i + 1}`);
    }
    const stored = await db.prisma.document.findMany({ orderBy: { createdAt: "asc" }, select: { docType: true } });
    expect(stored.map((d) => d.docType)).toEqual(types.map(([, s]) => s));
  });

  /** Conversation-store rows that hold a kept file (`conv:…:file:…`). */
  const keptFiles = () => db.prisma.pendingFileChunk.findMany({ select: { fileKey: true, seq: true } });
  const sha256 = async (bytes: Uint8Array) => (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");

  /** Whether any conversation-store row holds this text. */
  const stateHolds = async (text: string) => (await db.prisma.conversationState.findMany({ select: { value: true } })).some((r) => JSON.stringify(r.value).includes(text));

  it("/dangky marked secret (độ mật: mật) with the scan as caption: metadata only, the scan kept nowhere, the trích yếu refused", async () => {
    await link(CLERK, "vanthu");
    const pdf = await samplePdf();
    send(fake.documentMessage(CLERK, { fileName: "mat.pdf", bytes: pdf, mime: "application/pdf", caption: `${CAPTION}\nđộ mật: mật` }));
    const [refused, echo] = await next(CLERK.id, 2);
    // The trích yếu and the date typed for a secret document are refused, with where to enter them.
    expect(shown(refused)).toContain("Văn bản mật: qua chat chỉ ghi số, ký hiệu, cơ quan ban hành và độ mật");
    expect(shown(refused)).toContain("Đã bỏ, không lưu: trích yếu, ngày văn bản.");
    expect(shown(refused)).toContain("trên máy tính của văn phòng");
    expect(shown(echo)).toContain("Độ mật: mật");
    expect(shown(echo)).toContain("45/STC-NS");
    expect(shown(echo)).toContain("Sở Tài chính tỉnh Bình Định");
    expect(shown(echo)).not.toContain("dự toán");
    expect(shown(echo)).toContain("Trích yếu, ngày, loại văn bản, độ khẩn: nhập trên máy tính của văn phòng");
    expect(shown(echo)).toContain("KHÔNG lưu tệp");
    expect(await keptFiles()).toEqual([]);
    expect(await stateHolds("dự toán")).toBe(false);
    press(CLERK, buttonData(echo!, "Xác nhận"), echo!);
    const [done] = await next(CLERK.id);
    expect(shown(done)).toContain("Mã tham chiếu: M1"); // the register of secret documents
    expect(shown(done)).toMatch(/bản giấy/i);
    expect(shown(done)).toContain("Nhập trích yếu và các thông tin còn lại trên máy tính của văn phòng");
    const docs = await db.prisma.document.findMany({
      select: { secrecy: true, isPaperOnly: true, subject: true, issuedDate: true, codeNotation: true, issuer: true, files: { select: { id: true } } },
    });
    expect(docs).toEqual([{ secrecy: "CONFIDENTIAL", isPaperOnly: true, subject: "", issuedDate: null, codeNotation: "STC-NS", issuer: "Sở Tài chính tỉnh Bình Định", files: [] }]);
    expect(await files.has(await sha256(pdf))).toBe(false);
    expect(files.size()).toBe(0);
    // Nothing came back to the chat but the confirmation: no PDF.
    expect(fake.messages(CLERK.id).filter((m) => m.document)).toEqual([]);
  });

  it("files first, then độ mật: mật: the kept scan is discarded from the conversation store at once and never reaches the file store", async () => {
    await link(CLERK, "vanthu");
    const pdf = await samplePdf();
    send(fake.documentMessage(CLERK, { fileName: "scan.pdf", bytes: pdf, mime: "application/pdf" }));
    expect(shown((await next(CLERK.id))[0])).toContain("Đã nhận 1 tệp");
    expect(await keptFiles()).toHaveLength(1); // kept for the form, as for any document so far

    send(fake.textMessage(CLERK, `${CAPTION}\nđộ mật: mật`));
    const [refused, echo] = await next(CLERK.id, 2);
    expect(shown(refused)).toContain("Đã bỏ, không lưu: trích yếu, ngày văn bản.");
    expect(shown(echo)).toContain("KHÔNG lưu tệp");
    // Discarded as soon as the document is known to be secret, not at /ok (which may never come).
    expect(await keptFiles()).toEqual([]);
    const b64 = Buffer.from(pdf).toString("base64").slice(0, 200);
    const rows = await db.prisma.conversationState.findMany({ select: { value: true } });
    expect(rows.some((r) => JSON.stringify(r.value).includes(b64))).toBe(false);

    send(fake.command(CLERK, "ok"));
    const [done] = await next(CLERK.id);
    expect(shown(done)).toContain("Mã tham chiếu: M1");
    expect(await db.prisma.document.findMany({ select: { isPaperOnly: true, files: { select: { id: true } } } })).toEqual([{ isPaperOnly: true, files: [] }]);
    expect(await files.has(await sha256(pdf))).toBe(false);
    expect(files.size()).toBe(0);

    // Marked "không" again afterwards: the scan is gone, the clerk is asked to send it again.
    send(fake.documentMessage(CLERK, { fileName: "scan2.pdf", bytes: pdf, mime: "application/pdf" }));
    expect(shown((await next(CLERK.id))[0])).toContain("Đã nhận 1 tệp");
    send(fake.textMessage(CLERK, `${CAPTION.replace("45/STC-NS", "46/STC-NS")}\nđộ mật: mật`));
    await next(CLERK.id, 2);
    // Made ordinary again: the refused trích yếu was not kept either, so it is asked for.
    send(fake.textMessage(CLERK, "/sua\nđộ mật: không"));
    expect(shown((await next(CLERK.id))[0])).toContain("Trích yếu?");
    send(fake.textMessage(CLERK, "V/v hướng dẫn lập dự toán ngân sách năm 2027"));
    const [again] = await next(CLERK.id);
    expect(shown(again)).toContain("Độ mật: không");
    send(fake.command(CLERK, "ok"));
    expect(shown((await next(CLERK.id))[0])).toContain("Chưa có tệp văn bản");
    expect(files.size()).toBe(0);
  });

  it('the trích yếu typed first, "độ mật: tối mật" afterwards: the trích yếu is dropped from the conversation; a secret form with only its four fields asks nothing more', async () => {
    await link(CLERK, "vanthu");
    send(fake.textMessage(CLERK, "/dangky\nsố: 7/BCA-A05\ncơ quan: Công an tỉnh\ntrích yếu: Kế hoạch bảo vệ mục tiêu X\nđộ khẩn: khẩn"));
    const [echo] = await next(CLERK.id);
    expect(shown(echo)).toContain("Kế hoạch bảo vệ mục tiêu X");
    expect(await stateHolds("mục tiêu X")).toBe(true);
    send(fake.textMessage(CLERK, "/sua\nđộ mật: tối mật"));
    const [refused, secretEcho] = await next(CLERK.id, 2);
    expect(shown(refused)).toContain("Đã bỏ, không lưu: trích yếu, độ khẩn.");
    expect(shown(secretEcho)).toContain("Độ mật: tối mật");
    expect(shown(secretEcho)).not.toContain("mục tiêu X");
    expect(await stateHolds("mục tiêu X")).toBe(false);
    // Typed again while the form is secret: refused again, never kept.
    send(fake.textMessage(CLERK, "/sua\ntrích yếu: Kế hoạch bảo vệ mục tiêu X"));
    expect(shown((await next(CLERK.id, 2))[0])).toContain("Đã bỏ, không lưu: trích yếu.");
    expect(await stateHolds("mục tiêu X")).toBe(false);
    send(fake.command(CLERK, "ok"));
    expect(shown((await next(CLERK.id))[0])).toContain("Mã tham chiếu: M1");

    // Four fields only: no question, no refusal, straight to the echo.
    send(fake.textMessage(CLERK, "/dangky\nsố: 8/BCA-A05\ncơ quan: Công an tỉnh\nđộ mật: mật"));
    const [plain] = await next(CLERK.id);
    expect(shown(plain)).toContain("Kiểm tra thông tin văn bản đến");
    expect(shown(plain)).not.toContain("Đã bỏ");
    send(fake.command(CLERK, "ok"));
    expect(shown((await next(CLERK.id))[0])).toContain("Mã tham chiếu: M2");
    const docs = await db.prisma.document.findMany({ orderBy: { registerNumber: "asc" }, select: { ref: true, subject: true, urgency: true, secrecy: true } });
    expect(docs).toEqual([
      { ref: "M1/2026", subject: "", urgency: "NORMAL", secrecy: "SECRET" },
      { ref: "M2/2026", subject: "", urgency: "NORMAL", secrecy: "CONFIDENTIAL" },
    ]);
  });

  it("an album of 5 photos becomes one 5-page document", async () => {
    await link(CLERK, "vanthu");
    const png = await readFile("test/fixtures/photo-small.png");
    for (let i = 0; i < 5; i++) send(fake.photoMessage(CLERK, png, { mediaGroupId: "album-1", ...(i === 0 ? { caption: CAPTION } : {}) }));
    const [echo] = await next(CLERK.id);
    expect(shown(echo)).toContain("5 tệp");
    send(fake.command(CLERK, "ok"));
    const [done] = await next(CLERK.id, 2);
    expect(shown(done)).toContain("Mã tham chiếu: D1");
    const docs = await db.prisma.document.findMany({ select: { pageCount: true } });
    expect(docs).toEqual([{ pageCount: 5 }]);
  });
});

describe("directives", () => {
  it('/chidao reads "hạn: trước ngày …" and "chậm nhất ngày …" as the deadline date; "5 ngày" is echoed as working days with its date', async () => {
    await link(LEADER, "chutich");
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    send(fake.textMessage(LEADER, "/chidao D1\nGiao TCKH.\nchủ trì: TCKH\nhạn: trước ngày 10/12/2026"));
    expect(shown((await next(LEADER.id))[0])).toContain("Hạn xử lý: Thứ Năm, 10/12/2026 (còn 7 ngày làm việc)");
    send(fake.textMessage(LEADER, "/huy"));
    await next(LEADER.id);
    send(fake.textMessage(LEADER, "/chidao D1\nGiao TCKH.\nchủ trì: TCKH\nphối hợp: TP\nhạn chủ trì: chậm nhất ngày 15/12/2026\nhạn phối hợp: 5 ngày"));
    const both = shown((await next(LEADER.id))[0]);
    expect(both).toContain("Hạn xử lý: Thứ Ba, 15/12/2026 (còn 10 ngày làm việc)");
    expect(both).toContain("Hạn xử lý của đơn vị phối hợp: 5 ngày làm việc → Thứ Ba, 08/12/2026");
    send(fake.textMessage(LEADER, "/huy"));
    await next(LEADER.id);
    send(fake.textMessage(LEADER, "/chidao D1\nGiao TCKH.\nchủ trì: TCKH\nhạn: sớm"));
    expect(shown((await next(LEADER.id))[0])).toContain('không phải hạn hợp lệ (20/12/2026, "trước ngày 20/12/2026" hoặc "5 ngày làm việc")');
    expect(await db.prisma.directive.count()).toBe(0);
  });

  it("/chidao → echo → /ok records the directive; HTML in the text shows as text", async () => {
    await link(LEADER, "chutich");
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    const text = "<b>Giao</b> Phòng TCKH chủ trì & báo cáo <ngay> UBND";
    send(fake.textMessage(LEADER, `/chidao D1\n${text}\nchủ trì: TCKH\nphối hợp: TP\nhạn: 5 ngày`));
    const [echo] = await next(LEADER.id);
    expect(echo!.parse_mode).toBe("HTML");
    expect(shown(echo)).toContain(text);
    expect(shown(echo)).toContain("Sở Tài chính");
    expect(shown(echo)).toContain("Sở Tư pháp");
    expect(shown(echo)).toMatch(/Hạn xử lý: 5 ngày làm việc → Thứ .*08\/12\/2026/);
    expect(await db.prisma.directive.count()).toBe(0);

    send(fake.command(LEADER, "ok"));
    expect(shown((await next(LEADER.id))[0])).toContain("D1-TCKH");
    const directives = await db.prisma.directive.findMany({ select: { text: true, assignments: { select: { ref: true } } } });
    expect(directives).toHaveLength(1);
    expect(directives[0]!.text).toBe(text);
    expect(directives[0]!.assignments.map((a) => a.ref).sort()).toEqual(["D1/2026-TCKH", "D1/2026-TP"]);
  });
});

describe("assignment cards", () => {
  const directAndDeliver = async (text: string) => {
    await link(LEADER, "chutich");
    await link(HEAD_TCKH, "tp.tckh");
    await link(HEAD_TP, "tp.tp");
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    send(fake.textMessage(LEADER, `/chidao D1\n${text}\nchủ trì: TCKH\nhạn: 5 ngày`));
    await untilText(LEADER.id, "Gửi /ok");
    send(fake.command(LEADER, "ok"));
    await untilText(LEADER.id, "Đã ghi ý kiến chỉ đạo");
    const sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files });
    const due = await findDueOutboxMessages(deps());
    for (const row of due) await deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "test" });
    const assignment = await db.prisma.assignment.findFirstOrThrow({ where: { ref: "D1/2026-TCKH" }, select: { id: true } });
    return assignment.id;
  };

  it("a head pressing Nhận twice acknowledges once; the card loses its Nhận button", async () => {
    const id = await directAndDeliver("Giao Phòng TCKH tham mưu trả lời.");
    const card = fake.messages(HEAD_TCKH.id).find((m) => inlineButtons(m).some((b) => b.callback_data === `a1:ack:${id}`));
    expect(card).toBeDefined();
    press(HEAD_TCKH, `a1:ack:${id}`, card!);
    press(HEAD_TCKH, `a1:ack:${id}`, card!);
    await fake.waitFor(() => fake.callbackAnswers.length === 2);
    const answers = fake.callbackAnswers.map((a) => a.text ?? "");
    expect(answers[0]).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    expect(answers[1]).not.toContain("Đã xác nhận đã nhận việc");
    expect(await db.prisma.assignment.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({ status: "ACKNOWLEDGED" });
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.acknowledged", entityId: id } })).toBe(1);
    await fake.waitFor(() => !inlineButtons(fake.message(HEAD_TCKH.id, card!.message_id)).some((b) => b.callback_data?.startsWith("a1:ack:")));
  });

  it("a forged press by the head of another unit is refused and audited", async () => {
    const id = await directAndDeliver("Giao Phòng TCKH tham mưu trả lời.");
    const card = fake.messages(HEAD_TCKH.id).find((m) => inlineButtons(m).length > 0)!;
    press(HEAD_TP, `a1:ack:${id}`, { ...card, chat_id: HEAD_TP.id } as StoredMessage);
    await fake.waitFor(() => fake.callbackAnswers.length === 1);
    expect(fake.callbackAnswers[0]!.text ?? "").not.toContain("Đã xác nhận");
    expect(await db.prisma.assignment.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({ status: "ASSIGNED" });
    const refused = await db.prisma.auditEvent.findMany({ where: { type: "action.refused", entityId: id }, select: { data: true } });
    expect(refused.length).toBe(1);
  });

  it("a 5,000-character directive arrives whole in two messages through the sender", async () => {
    const paragraph = "Giao Sở Tài chính chủ trì tham mưu trả lời & báo cáo <đúng hạn>. ";
    let text = "";
    while (text.length < 5000) text += paragraph;
    text = text.slice(0, 5000).trimEnd();
    await directAndDeliver(text);
    const cardParts = fake.messages(HEAD_TCKH.id).filter((m) => m.method === "sendMessage");
    expect(cardParts).toHaveLength(2);
    for (const m of cardParts) expect(shown(m).length).toBeLessThanOrEqual(4096);
    const whole = cardParts.map(shown).join("\n").replace(/\s+/g, " ");
    expect(whole).toContain(text.replace(/\s+/g, " "));
  });
});
