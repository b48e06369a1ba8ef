// The text commands on Telegram (real grammY on long polling against the fake Bot API server, on a
// real database), each checked by its effect: /giao, /tiendo, /tralai, /giahan, /quahan, /tim, /xem,
// /viec; a file over the download limit; the command menu in Vietnamese and English.
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { storeDocumentText } from "../../../core/documents/store-document-text.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage, shown } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture, linkChat } from "../../support/workflow.ts";

const TOKEN = "4343:commands-token";
const CLERK: FakeUser = { id: 101, first_name: "Bình" };
const LEADER: FakeUser = { id: 202, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 303, first_name: "Dung" };
const OFFICER: FakeUser = { id: 304, first_name: "Em" };
const HEAD_TP: FakeUser = { id: 404, first_name: "Khải" };

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
/** Sends a text and returns the bot's next reply to that chat. */
const ask = async (user: FakeUser, text: string): Promise<StoredMessage> => {
  const before = fake.messages(user.id).length;
  fake.pushUpdate(fake.textMessage(user, text));
  return (await fake.waitForMessages(user.id, before + 1, 15_000))[before]!;
};
/** A card that comes with the document's PDF (/xem REF-UNIT): waits for both, returns the card. */
const askCard = async (user: FakeUser, text: string): Promise<StoredMessage> => {
  const before = fake.messages(user.id).length;
  fake.pushUpdate(fake.textMessage(user, text));
  const [card, pdf] = (await fake.waitForMessages(user.id, before + 2, 15_000)).slice(before);
  expect(pdf!.document?.bytes.subarray(0, 5).toString()).toBe("%PDF-");
  return card!;
};
const statusOf = async (ref: string) => (await db.prisma.assignment.findFirstOrThrow({ where: { ref }, select: { status: true } })).status;

/** D1 registered and directed: TCKH leads, TP coordinates, due in 5 working days (08/12/2026). */
const directed = async () => {
  const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
  await issueDirective(deps(), {
    actorUserId: org.users.chutich!,
    documentId,
    text: "Giao Phòng TCKH chủ trì tham mưu trả lời.",
    main: "TCKH",
    coordinate: ["TP"],
    due: { workingDays: 5 },
  });
};

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
  tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo, maxDownloadBytes: 200_000 });
  await tg.startPolling();
  for (const [user, code] of [
    [CLERK, "vanthu"],
    [LEADER, "chutich"],
    [HEAD_TCKH, "tp.tckh"],
    [OFFICER, "cv.tckh"],
    [HEAD_TP, "tp.tp"],
  ] as const)
    await link(user, code);
});
afterEach(async () => {
  await tg.stop();
  await fake.close();
  expect(errors).toEqual([]);
});

describe("assignment commands", () => {
  it("/giao hands D1-TCKH to cv.tckh with its own deadline; the officer sees it in /viec", async () => {
    await directed();
    expect(shown(await ask(HEAD_TCKH, "/giao D1-TCKH cv.tckh 3 ngày"))).toContain("Đã giao D1-TCKH-cv.tckh cho Hoàng Văn Em");
    const child = await db.prisma.assignment.findFirstOrThrow({
      where: { ref: "D1/2026-TCKH-cv.tckh" },
      select: { assigneeUserId: true, dueAt: true, parent: { select: { ref: true } } },
    });
    expect(child.assigneeUserId).toBe(org.users["cv.tckh"]);
    expect(child.parent?.ref).toBe("D1/2026-TCKH");
    expect(child.dueAt?.toISOString().slice(0, 10)).toBe("2026-12-04"); // 3 working days from Tuesday 01/12

    const tasks = await ask(OFFICER, "/viec");
    expect(shown(tasks)).toContain("Việc của tôi (1)");
    expect(shown(tasks)).toContain("D1-TCKH-cv.tckh");
    expect(shown(tasks)).toContain("dự toán ngân sách");
  });

  it("/tiendo records a progress report and moves D1-TCKH to IN_PROGRESS", async () => {
    await directed();
    expect(shown(await ask(HEAD_TCKH, "/tiendo D1-TCKH Đã họp với Sở Tài chính, đang dự thảo"))).toContain("Đã ghi tiến độ D1-TCKH");
    expect(await statusOf("D1/2026-TCKH")).toBe("IN_PROGRESS");
    const reports = await db.prisma.report.findMany({ select: { kind: true, text: true } });
    expect(reports).toEqual([{ kind: "PROGRESS", text: "Đã họp với Sở Tài chính, đang dự thảo" }]);
    expect(shown(await ask(HEAD_TCKH, "/tiendo D1-TCKH"))).toContain("/tiendo D1-TCKH");
    expect(await db.prisma.report.count()).toBe(1);
  });

  it("/tralai returns D1-TP with its reason; the leader is to be told", async () => {
    await directed();
    expect(shown(await ask(HEAD_TP, "/tralai D1-TP Nội dung không thuộc chức năng của Sở Tư pháp"))).toContain("Đã trả lại việc D1-TP");
    const a = await db.prisma.assignment.findFirstOrThrow({ where: { ref: "D1/2026-TP" }, select: { status: true, returnReason: true } });
    expect(a).toEqual({ status: "RETURNED", returnReason: "Nội dung không thuộc chức năng của Sở Tư pháp" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.returned", userId: org.users.chutich! } })).toBe(1);
  });

  it("/giahan asks the leader for a later deadline; a relative one is refused with how to write it", async () => {
    await directed();
    expect(shown(await ask(HEAD_TCKH, "/giahan D1-TCKH 5 ngày cần thêm số liệu"))).toContain("/giahan");
    expect(await db.prisma.extensionRequest.count()).toBe(0);
    // Sunday 20/12/2026 is refused, and the answer names the next working day.
    expect(shown(await ask(HEAD_TCKH, "/giahan D1-TCKH 20/12/2026 Cần thêm số liệu của các phường"))).toBe(
      "Ngày 20/12/2026 là ngày nghỉ, không phải ngày làm việc. Hãy chọn ngày làm việc, ví dụ ngày làm việc kế tiếp: 21/12/2026.",
    );
    expect(await db.prisma.extensionRequest.count()).toBe(0);
    expect(shown(await ask(HEAD_TCKH, "/giahan D1-TCKH 18/12/2026 Cần thêm số liệu của các phường"))).toMatch(/Đã gửi đề nghị gia hạn D1-TCKH đến .*18\/12\/2026/);
    const ext = await db.prisma.extensionRequest.findFirstOrThrow({ select: { status: true, reason: true } });
    expect(ext).toEqual({ status: "PENDING", reason: "Cần thêm số liệu của các phường" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "extension.requested", userId: org.users.chutich! } })).toBe(1);
  });

  it("/quahan lists what is late once the deadline has passed, and nothing before", async () => {
    await directed();
    expect(shown(await ask(HEAD_TCKH, "/quahan"))).toContain("Không có việc quá hạn");
    clock.set("2026-12-10T02:00:00Z"); // after the deadline of 08/12
    const late = await ask(HEAD_TCKH, "/quahan");
    expect(shown(late)).toContain("Việc quá hạn (1)");
    expect(shown(late)).toContain("D1-TCKH");
    expect(shown(late)).not.toContain("D1-TP");
  });
});

describe("queries", () => {
  it("/tim finds the document by words of its subject; /xem shows it with the stamped PDF", async () => {
    await directed();
    await registerSample(deps(), org, { codeNumber: "46", subject: "V/v kiểm tra công tác phòng cháy chữa cháy" });
    const hits = await ask(LEADER, "/tim du toan ngan sach");
    expect(shown(hits)).toContain("Kết quả tìm kiếm (1)");
    expect(shown(hits)).toContain("D1");
    expect(shown(hits)).not.toContain("phòng cháy");

    const before = fake.messages(LEADER.id).length;
    fake.pushUpdate(fake.textMessage(LEADER, "/xem D1"));
    const [view, pdf] = (await fake.waitForMessages(LEADER.id, before + 2, 15_000)).slice(before);
    expect(shown(view)).toContain("D1: V/v hướng dẫn lập dự toán ngân sách năm 2027");
    expect(shown(view)).toContain("Giao Phòng TCKH chủ trì tham mưu trả lời.");
    expect(pdf!.document?.bytes.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("/tim finds a word that only occurs in the text read from the scan, and quotes its line", async () => {
    const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await storeDocumentText(deps(), { documentId, text: "Thực hiện chỉ đạo của UBND tỉnh,\nđề nghị nạo vét kênh mương nội đồng trước mùa mưa.", source: "OCR" });
    const hits = await ask(LEADER, "/tim kenh muong");
    expect(shown(hits)).toContain("Kết quả tìm kiếm (1)");
    expect(shown(hits)).toContain("trong văn bản: “đề nghị nạo vét kênh mương nội đồng trước mùa mưa.”");
  });

  it("/xem D1-TCKH is the assignment's card with its buttons; asking again moves the card down", async () => {
    await directed();
    const first = await askCard(HEAD_TCKH, "/xem D1-TCKH");
    expect(shown(first)).toContain("Sở Tài chính (chủ trì)");
    // What the transition table allows the unit head now (core/workflow/state-machine.ts).
    expect(inlineButtons(first).map((b) => b.text)).toEqual(["Nhận", "Giao chuyên viên", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Trả lại", "Đề nghị gia hạn"]);
    const second = await askCard(HEAD_TCKH, "/xem D1-TCKH");
    expect(inlineButtons(second).map((b) => b.text)).toEqual(["Nhận", "Giao chuyên viên", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Trả lại", "Đề nghị gia hạn"]);
    // One live card: the older copy lost its buttons.
    await fake.waitFor(() => inlineButtons(fake.message(HEAD_TCKH.id, first.message_id)).length === 0, 10_000, "old card without buttons");
    // The head of a unit that has no part in the document sees nothing of it.
    const outsider: FakeUser = { id: 505, first_name: "Nhật" };
    await link(outsider, "tp.nv");
    const refused = await ask(outsider, "/xem D1-TCKH");
    expect(shown(refused)).not.toContain("Giao Phòng TCKH");
    expect(inlineButtons(refused)).toEqual([]);
  });
});

describe("files and menu", () => {
  it("a file over the limit gets a clear message and registers nothing (declared size, and size from getFile)", async () => {
    const update = fake.documentMessage(CLERK, { fileName: "scan-lon.pdf", bytes: await samplePdf(), mime: "application/pdf" });
    (update.message!.document as { file_size?: number }).file_size = 25 * 1024 * 1024;
    let before = fake.messages(CLERK.id).length;
    fake.pushUpdate(update);
    let [reply] = (await fake.waitForMessages(CLERK.id, before + 1, 15_000)).slice(before);
    expect(shown(reply)).toContain("Tệp quá lớn (25.0 MB)");
    expect(fake.callsTo("getFile")).toHaveLength(0);

    // No size in the update: the bot asks getFile, which reports more than this bot may download.
    const big = Buffer.concat([Buffer.from(await samplePdf()), Buffer.alloc(300_000, 0x20)]);
    const quiet = fake.documentMessage(CLERK, { fileName: "scan.pdf", bytes: big, mime: "application/pdf" });
    delete (quiet.message!.document as { file_size?: number }).file_size;
    before = fake.messages(CLERK.id).length;
    fake.pushUpdate(quiet);
    [reply] = (await fake.waitForMessages(CLERK.id, before + 1, 15_000)).slice(before);
    expect(shown(reply)).toMatch(/Tệp quá lớn \(0\.\d MB\)/);
    expect(fake.callsTo("getFile")).toHaveLength(1);
    expect(await db.prisma.document.count()).toBe(0);
    expect(await db.prisma.storedFile.count()).toBe(0);
  });

  it("registers the command menu in Vietnamese (also the default) and English", async () => {
    await tg.setCommands();
    const vi = fake.commands({ type: "default" }, "vi") as { command: string; description: string }[];
    const en = fake.commands({ type: "default" }, "en") as { command: string; description: string }[];
    const byDefault = fake.commands({ type: "default" }, "") as { command: string; description: string }[];
    expect(vi.map((c) => c.command)).toEqual(["viec", "nhan", "xong", "quahan", "tim", "dangky", "chidao", "phathanh", "baocao", "help", "link"]);
    expect(en.map((c) => c.command)).toEqual(vi.map((c) => c.command));
    expect(vi.find((c) => c.command === "viec")?.description).toBe("Việc của tôi");
    expect(en.find((c) => c.command === "viec")?.description).toBe("My tasks");
    expect(byDefault).toEqual(vi);
  });
});
