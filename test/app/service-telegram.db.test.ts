// The whole Telegram story through the REAL service wiring (app/serve.ts: config, database, file
// store, the grammY bot on long polling, the Telegram sender, the in-process job runner dispatching
// the outbox every 5 s) against the fake Bot API server. Nothing is delivered by hand: every card a
// person gets went through outbox → dispatch job → delivery job → Telegram sender.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { loadConfig } from "../../app/config.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage, shown } from "../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { samplePdf, setupExampleOrg } from "../support/workflow.ts";

const TOKEN = "5151:service-test-token";
const CLERK: FakeUser = { id: 1101, first_name: "Bình" };
const LEADER: FakeUser = { id: 1202, first_name: "An" };
const DEPUTY: FakeUser = { id: 1203, first_name: "Hạnh" };
const HEAD_TCKH: FakeUser = { id: 1303, first_name: "Dung" };
const OFFICER: FakeUser = { id: 1304, first_name: "Em" };
const HEAD_TP: FakeUser = { id: 1404, first_name: "Khải" };
/** The year in Vietnam at `at`: the service runs on the real clock, refs carry the year of registration. */
const officeYear = (at: Date) => Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(at));
/** The machine is shared and the outbox is swept every 5 s: wait generously. */
const WAIT = 60_000;

const DIRECTIVE = "Giao Sở Tài chính chủ trì, phối hợp Sở Tư pháp tham mưu UBND tỉnh trả lời Sở Tài chính & báo cáo <trước hạn>.";
const CAPTION = "/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\nngày: 20/11/2026\ntrích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027";

let fake: FakeTelegramServer;
let service: RunningService;
let dataDir: string;
let pgDb: TestDatabase | undefined;
const logged: { level: number; msg?: string }[] = [];

/** The first message to the chat that shows `text` (waits for it). */
const untilText = (chat: FakeUser, text: string | RegExp): Promise<StoredMessage> =>
  fake
    .waitFor(() => fake.messages(chat.id).find((m) => (typeof text === "string" ? shown(m).includes(text) : text.test(shown(m)))), WAIT, `"${String(text)}" to ${chat.first_name}`)
    .catch((err: unknown) => {
      // Say what the chat did get: a timeout alone tells nothing.
      throw new Error(
        `${String(err)}\nchat ${chat.first_name} got:\n${fake
          .messages(chat.id)
          .map((m) => `- ${shown(m) || m.document?.file_name}`)
          .join("\n")}\nlogs: ${JSON.stringify(logged)}`,
      );
    });
/** Waits for `check`; on a timeout says where the outbox stands. */
const until = <T>(check: () => T | undefined | null | false, what: string): Promise<T> =>
  fake.waitFor(check, WAIT, what).catch(async (err: unknown) => {
    const rows = await service.app.deps.prisma.outboxMessage.findMany({ select: { kind: true, status: true, attempts: true, lastError: true, nextAttemptAt: true } });
    const sent = fake.allMessages().map((m) => `${m.chat_id} ${m.method} ${m.document?.file_name ?? shown(m).slice(0, 40)}`);
    throw new Error(`${String(err)}\noutbox: ${JSON.stringify(rows)}\nsent: ${sent.join(" | ")}\nlogs: ${JSON.stringify(logged)}`);
  });
const answersCount = (n: number) => until(() => fake.callbackAnswers.length >= n, `${n} callback answers`);
const press = (user: FakeUser, data: string, message: StoredMessage) => fake.pushUpdate(fake.callbackQuery(user, data, message));
const buttonData = (m: StoredMessage, label: string) => {
  const data = inlineButtons(m).find((b) => b.text === label)?.callback_data;
  expect(data, `button "${label}" on: ${shown(m)}`).toBeDefined();
  return data!;
};
const link = async (user: FakeUser, userCode: string, name: string) => {
  const { code } = await issueLinkCode(service.app.deps, { userCode });
  fake.pushUpdate(fake.command(user, "start", code.replace("-", "")));
  await untilText(user, name);
};

beforeAll(async () => {
  fake = await startFakeTelegramServer({ token: TOKEN });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-service-tg-"));
  // On PostgreSQL the service gets its own database (a copy of the migrated template), never the shared one.
  if (process.env.DATABASE_URL) pgDb = await createTestDatabase();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATA_DIR: dataDir,
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    DATABASE_URL: pgDb?.url,
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as { level: number; msg?: string });
      done();
    },
  });
  service = await startService({ config, logger: pino({ level: "warn" }, sink), role: "all" });
  await setupExampleOrg(service.app.deps);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await pgDb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the Telegram service, end to end", () => {
  it("registers, directs, delegates, acknowledges and completes; every card arrives through the jobs", { timeout: 300_000 }, async () => {
    const prisma = service.app.deps.prisma;

    // === Linking: /start CODE (the deep link) for everyone in the story.
    await link(CLERK, "vanthu", "Trần Thị Bình");
    await link(LEADER, "chutich", "Nguyễn Văn An");
    await link(DEPUTY, "pct", "Đặng Thị Hạnh");
    await link(HEAD_TCKH, "tp.tckh", "Phạm Thị Dung");
    await link(OFFICER, "cv.tckh", "Hoàng Văn Em");
    await link(HEAD_TP, "tp.tp", "Bùi Quang Khải");
    expect(fake.commands({ type: "default" }, "vi").length).toBeGreaterThan(0);

    // === The clerk forwards a 2-page PDF with /dangky as its caption, and confirms.
    const pdf = await samplePdf();
    fake.pushUpdate(fake.documentMessage(CLERK, { fileName: "cv45-stc.pdf", bytes: pdf, mime: "application/pdf", caption: CAPTION }));
    const echo = await untilText(CLERK, "Kiểm tra thông tin văn bản đến");
    expect(shown(echo)).toContain("45/STC-NS");
    const yearBefore = officeYear(new Date());
    press(CLERK, buttonData(echo, "Xác nhận"), echo);
    const registered = await untilText(CLERK, "Mã tham chiếu: D1");
    // Read, not fixed when the module loaded: a run across New Year registers in the new year.
    const { registerYear: YEAR } = await prisma.document.findFirstOrThrow({ select: { registerYear: true } });
    expect([yearBefore, officeYear(new Date())]).toContain(YEAR);
    expect(shown(registered)).toContain("Số đến: 1");
    const stamped = await until(() => fake.messages(CLERK.id).find((m) => m.document?.file_name === "D1.pdf"), "the stamped PDF");
    expect(stamped.document!.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Buffer.compare(stamped.document!.bytes, Buffer.from(pdf))).not.toBe(0);
    expect(await prisma.document.findMany({ select: { ref: true, registerNumber: true, pageCount: true } })).toEqual([{ ref: `D1/${YEAR}`, registerNumber: 1, pageCount: 2 }]);

    // === Both leaders get "a document to direct" through the jobs, with the stamped PDF.
    for (const leader of [LEADER, DEPUTY]) {
      const card = await untilText(leader, "Văn bản mới cần chỉ đạo: D1");
      expect(shown(card)).toContain("V/v hướng dẫn lập dự toán ngân sách năm 2027");
      expect(inlineButtons(card).map((b) => b.text)).toEqual(["Chỉ đạo"]);
      const copy = await until(() => fake.messages(leader.id).find((m) => m.document !== undefined), `the PDF to ${leader.first_name}`);
      expect(Buffer.compare(copy.document!.bytes, stamped.document!.bytes)).toBe(0);
    }

    // === The leader directs: main unit TCKH, coordinating TP, 5 working days; confirms by button.
    fake.pushUpdate(fake.textMessage(LEADER, `/chidao D1\n${DIRECTIVE}\nchủ trì: TCKH\nphối hợp: TP\nhạn: 5 ngày`));
    const directEcho = await untilText(LEADER, "Gửi /ok");
    expect(shown(directEcho)).toContain(DIRECTIVE);
    press(LEADER, buttonData(directEcho, "Xác nhận"), directEcho);
    await untilText(LEADER, "Đã ghi ý kiến chỉ đạo");
    const [mainId, coordId] = await Promise.all(
      [`D1/${YEAR}-TCKH`, `D1/${YEAR}-TP`].map(async (ref) => (await prisma.assignment.findFirstOrThrow({ where: { ref }, select: { id: true } })).id),
    );

    // === Both heads get their assignment cards: the directive verbatim, REF, role, deadline, buttons.
    const mainCard = await untilText(HEAD_TCKH, "Giao việc D1-TCKH");
    const coordCard = await untilText(HEAD_TP, "Giao việc D1-TP");
    for (const [card, role] of [
      [mainCard, "Đơn vị Sở Tài chính: chủ trì"],
      [coordCard, "Đơn vị Sở Tư pháp: phối hợp"],
    ] as const) {
      expect(shown(card)).toContain(DIRECTIVE);
      expect(shown(card)).toContain(role);
      expect(shown(card)).toMatch(/Hạn xử lý: Thứ .*\d\d\/\d\d\/\d{4} \(còn \d+ ngày làm việc\)/);
      expect(inlineButtons(card).map((b) => b.text)).toEqual(["Nhận", "Giao chuyên viên", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Trả lại", "Đề nghị gia hạn"]);
    }
    expect(shown(coordCard)).toContain("Chủ trì: Sở Tài chính");
    expect(buttonData(mainCard, "Nhận")).toBe(`a1:ack:${mainId}`);

    // === The TCKH head acknowledges (the card loses Nhận) and delegates to cv.tckh by text.
    press(HEAD_TCKH, `a1:ack:${mainId}`, mainCard);
    await answersCount(3);
    expect(fake.callbackAnswers[2]!.text).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    await until(() => inlineButtons(fake.message(HEAD_TCKH.id, mainCard.message_id)).every((b) => b.text !== "Nhận"), "Nhận gone");
    fake.pushUpdate(fake.textMessage(HEAD_TCKH, "/giao D1-TCKH cv.tckh"));
    await untilText(HEAD_TCKH, "Đã giao D1-TCKH-cv.tckh cho Hoàng Văn Em");
    const child = await prisma.assignment.findFirstOrThrow({ where: { parentId: mainId }, select: { id: true, ref: true } });
    expect(child.ref).toBe(`D1/${YEAR}-TCKH-cv.tckh`);

    // === The officer gets the card, acknowledges by button; the head is told.
    const officerCard = await untilText(OFFICER, "Giao việc D1-TCKH-cv.tckh");
    expect(shown(officerCard)).toContain(DIRECTIVE);
    press(OFFICER, buttonData(officerCard, "Nhận"), officerCard);
    await answersCount(4);
    expect(fake.callbackAnswers[3]!.text).toContain("Đã xác nhận đã nhận việc D1-TCKH-cv.tckh");
    await untilText(HEAD_TCKH, "Đã nhận việc D1-TCKH-cv.tckh");

    // === The officer completes with a photo: /xong as its caption. The head is told, with the file.
    const photo = await readFile("test/fixtures/photo-small.png");
    fake.pushUpdate(fake.photoMessage(OFFICER, photo, { caption: "/xong D1-TCKH-cv.tckh Đã dự thảo công văn trả lời Sở Tài chính" }));
    await untilText(OFFICER, "Đã báo cáo hoàn thành D1-TCKH-cv.tckh");
    const toldHead = await untilText(HEAD_TCKH, "Hoàn thành D1-TCKH-cv.tckh");
    expect(shown(toldHead)).toContain("Đã dự thảo công văn trả lời Sở Tài chính");
    expect(shown(toldHead)).toContain("Hoàng Văn Em");
    await until(() => fake.messages(HEAD_TCKH.id).find((m) => m.message_id > toldHead.message_id && m.document !== undefined), "the report file to the head");
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: child.id }, select: { status: true } })).toEqual({ status: "COMPLETED" });
    const leaderBefore = fake.messages(LEADER.id).filter((m) => shown(m).includes("Hoàn thành D1-TCKH")).length;
    expect(leaderBefore).toBe(0);

    // === The head completes by the Hoàn thành flow: button, then the report; the leader is told.
    const liveCard = fake.message(HEAD_TCKH.id, mainCard.message_id)!;
    press(HEAD_TCKH, buttonData(liveCard, "Báo cáo hoàn thành"), liveCard);
    await answersCount(5);
    await untilText(HEAD_TCKH, "Gửi nội dung báo cáo hoàn thành");
    fake.pushUpdate(fake.textMessage(HEAD_TCKH, "Đã trình UBND thành phố ký Công văn trả lời Sở Tài chính."));
    await untilText(HEAD_TCKH, "Đã báo cáo hoàn thành D1-TCKH.");
    const toldLeader = await untilText(LEADER, "Hoàn thành D1-TCKH");
    expect(shown(toldLeader)).toContain("Đã trình UBND thành phố ký Công văn trả lời Sở Tài chính.");
    expect(await prisma.document.findFirstOrThrow({ select: { status: true } })).toEqual({ status: "DONE" });
    // The head's card is one living card: edited in place, no buttons left once the work is done.
    await until(() => inlineButtons(fake.message(HEAD_TCKH.id, mainCard.message_id)).length === 0, "the card without buttons");
    expect(fake.message(HEAD_TCKH.id, mainCard.message_id)!.edits.length).toBeGreaterThanOrEqual(2);
    expect(fake.messages(HEAD_TCKH.id).filter((m) => shown(m).includes("Giao việc D1-TCKH") && !shown(m).includes("cv.tckh"))).toHaveLength(1);

    // === The TP head presses Nhận twice: one acknowledgement, the second press answered "already".
    press(HEAD_TP, `a1:ack:${coordId}`, coordCard);
    await answersCount(6);
    press(HEAD_TP, `a1:ack:${coordId}`, coordCard);
    await answersCount(7);
    expect(fake.callbackAnswers[5]!.text).toContain("Đã xác nhận đã nhận việc D1-TP");
    expect(fake.callbackAnswers[6]!.text).toMatch(/Việc D1(\/\d{4})?-TP đã được nhận trước đó/);
    expect(await prisma.auditEvent.count({ where: { type: "assignment.acknowledged", entityId: coordId } })).toBe(1);

    const statuses = await prisma.assignment.findMany({ select: { ref: true, status: true }, orderBy: { ref: "asc" } });
    expect(statuses).toEqual([
      { ref: `D1/${YEAR}-TCKH`, status: "COMPLETED" },
      { ref: `D1/${YEAR}-TCKH-cv.tckh`, status: "COMPLETED" },
      { ref: `D1/${YEAR}-TP`, status: "ACKNOWLEDGED" },
    ]);
    expect(await prisma.outboxMessage.count({ where: { status: { in: ["FAILED"] } } })).toBe(0);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
  });
});
