import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { agencyNameKey } from "../../../core/interchange/agency-directory.ts";
import { loadAgencyCertificate, type AgencyCertificate } from "../../../core/pdf/sign-pdf.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, IncomingTurn } from "../../../bots/shared/types.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const run = promisify(execFile);
let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let pdf: Uint8Array;
let dir: string;
let certificate: AgencyCertificate;
let seq = 0;

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const env = (over: Partial<BotEnv> = {}): BotEnv => ({ deps: createTestDeps(db.prisma, { files }), logger, ...over });

/** Who types what: the clerk on Telegram, the TCKH head on Zalo, the NB head on Telegram. */
const PEOPLE = { vanthu: { channel: "TELEGRAM", id: "100" }, "tp.tckh": { channel: "ZALO", id: "z-200" }, "ct.nb": { channel: "TELEGRAM", id: "300" } } as const;
type Person = keyof typeof PEOPLE;

const send = (who: Person, turn: Omit<IncomingTurn, "channel" | "externalUserId" | "chatId" | "updateKey">, e: BotEnv = env()) =>
  handleIncoming(e, { channel: PEOPLE[who].channel, externalUserId: PEOPLE[who].id, chatId: PEOPLE[who].id, updateKey: `u:${++seq}`, ...turn });
const textOf = (r: { replies: { title?: string; text: string }[] }) => r.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");

const FORM = [
  "/phathanh",
  "loại: Công văn",
  "đơn vị soạn: VP",
  "trích yếu: V/v triển khai xử lý văn bản trên phần mềm văn phòng điện tử",
  "người ký: Nguyễn Văn An, Chủ tịch",
  "nơi nhận: TCKH, NB; Sở Nội vụ tỉnh Bình Định",
  "độ khẩn: thường",
  "độ mật: không",
  "dấu đỏ: không",
].join("\n");

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
  dir = await mkdtemp(join(tmpdir(), "issue-bot-"));
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-days", "30", "-subj", "/CN=UBND Quy Nhon"]);
  await run("openssl", ["pkcs12", "-export", "-inkey", join(dir, "k.pem"), "-in", join(dir, "c.pem"), "-out", join(dir, "a.p12"), "-passout", "pass:pw"]);
  certificate = await loadAgencyCertificate({ p12Path: join(dir, "a.p12"), passphrase: "pw" });
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  org = await setupExampleOrg(env().deps);
  for (const [code, p] of Object.entries(PEOPLE)) {
    await db.prisma.chatIdentity.create({ data: { userId: org.users[code]!, channel: p.channel, externalUserId: p.id, chatId: p.id } });
  }
});

describe("/phathanh through handleIncoming", () => {
  it("scan with the form as caption → echo → /ok → số đi, REF and the signed PDF; recipients acknowledge with /nhan P1-TCKH", async () => {
    const echo = await send("vanthu", { text: FORM, files: [{ bytes: pdf, fileName: "cv.pdf", mime: "application/pdf" }] });
    const shown = textOf(echo);
    expect(shown).toContain("Kiểm tra thông tin văn bản đi");
    expect(shown).toContain("…-VP");
    expect(shown).toContain("Nơi nhận trong cơ quan: TCKH, NB");
    expect(shown).toContain("Nơi nhận bên ngoài (bản giấy/kênh khác): Sở Nội vụ tỉnh Bình Định");
    // The kept scan is labelled as the /dangky form labels it: its real type and page count.
    expect(shown).toContain("Tệp: 1 tệp: cv.pdf (PDF, 2 trang)");
    expect(echo.replies.at(-1)?.actions?.map((a) => a.command)).toEqual(["/ok", "/sua", "/huy"]);
    expect(await db.prisma.document.count()).toBe(0);

    const done = await send("vanthu", { text: "/ok" }, env({ agencyCertificate: certificate }));
    const doneText = textOf(done);
    expect(doneText).toContain("Số, ký hiệu: 01/UBND-VP");
    expect(doneText).toContain("Mã tham chiếu: P1");
    // A PDF without a signer's signature is a scan of the paper original: issued as a digitised copy.
    expect(doneText).toContain("Bản sao y (số hóa từ bản gốc giấy), đã ký số của cơ quan, gửi kèm.");
    expect(doneText).toContain("Đã gửi đến: TCKH, NB");
    expect(doneText).toContain("Gửi bản giấy/kênh khác: Sở Nội vụ tỉnh Bình Định");
    const attachment = done.replies[0]!.attachments![0]!;
    expect(attachment).toMatchObject({ fileName: "01_UBND-VP.pdf", mime: "application/pdf" });
    const path = join(dir, "issued.pdf");
    await writeFile(path, await files.readBytes(attachment.sha256));
    const report = await run("pdfsig", [path]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(report).toContain("Total document signed");
    expect(report).toContain("Signature is Valid");
    expect(await db.prisma.document.findFirstOrThrow({ where: { direction: "OUT" }, select: { isSigned: true } })).toEqual({ isSigned: true });

    // The TCKH head on Zalo types the reply command; a second time is "already".
    const ack = await send("tp.tckh", { text: "/nhan P1-TCKH" });
    expect(textOf(ack)).toContain("Đã xác nhận đã nhận văn bản P1-TCKH.");
    const again = await send("tp.tckh", { text: "/nhan P1-TCKH" });
    expect(textOf(again)).toContain("Văn bản P1-TCKH đã được xác nhận đã nhận trước đó.");
    // The NB head presses the button of the delivered message.
    const rcp = await db.prisma.documentRecipient.findFirstOrThrow({ where: { unitId: org.units.NB! } });
    const press = await send("ct.nb", { callback: `a1:oack:${rcp.id}` });
    expect(press.callbackText).toBe("Đã xác nhận đã nhận văn bản P1-NB.");
    const acked = await db.prisma.documentRecipient.count({ where: { acknowledgedAt: { not: null } } });
    expect(acked).toBe(2);
  });

  it("with the interchange on, /ok says which external recipients go through it and which have no organ id in its directory", async () => {
    const now = new Date();
    await db.prisma.interchangeAgency.create({
      data: { organId: "000.00.33.H10", name: "Sở Nội vụ tỉnh Bình Định", nameKey: agencyNameKey("Sở Nội vụ tỉnh Bình Định"), source: "AXIS", refreshedAt: now },
    });
    const on = env({ deps: createTestDeps(db.prisma, { files, settings: { agencyOrganId: "000.00.32.H10" } }) });
    const form = FORM.replace("nơi nhận: TCKH, NB; Sở Nội vụ tỉnh Bình Định", "nơi nhận: TCKH; Sở Nội vụ tỉnh Bình Định; Bộ Nội vụ");
    await send("vanthu", { text: form, files: [{ bytes: pdf, fileName: "cv.pdf", mime: "application/pdf" }] }, on);
    const doneText = textOf(await send("vanthu", { text: "/ok" }, on));
    expect(doneText).toContain("Đã gửi đến: TCKH");
    expect(doneText).toContain("Gửi qua trục liên thông: Sở Nội vụ tỉnh Bình Định (000.00.33.H10)");
    expect(doneText).toContain("Không gửi qua trục liên thông (không có mã định danh trong danh bạ trục): Bộ Nội vụ. Cần gửi bằng cách khác.");
    expect(doneText).not.toContain("Gửi bản giấy/kênh khác");
    expect(await db.prisma.interchangeOutgoingRecipient.findMany({ select: { organId: true } })).toEqual([{ organId: "000.00.33.H10" }]);
  });

  it("quy phạm: có numbers a Quyết định in its own series for the year; a công văn marked so is refused with the types that are", async () => {
    const normativeForm = FORM.replace("loại: Công văn", "loại: Quyết định").replace("dấu đỏ: không", "dấu đỏ: không\nquy phạm: có");
    const echo = await send("vanthu", { text: normativeForm, files: [{ bytes: pdf, fileName: "qd.pdf", mime: "application/pdf" }] });
    expect(textOf(echo)).toContain("Văn bản quy phạm pháp luật: đánh số riêng theo loại và năm");
    const done = textOf(await send("vanthu", { text: "/ok" }));
    const year = new Intl.DateTimeFormat("en", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(new Date());
    expect(done).toContain(`Số, ký hiệu: 01/${year}/QĐ-`);
    // An ordinary Quyết định afterwards starts its own series: the normative one did not use a number of it.
    await send("vanthu", { text: FORM.replace("loại: Công văn", "loại: Quyết định"), files: [{ bytes: pdf, fileName: "qd2.pdf", mime: "application/pdf" }] });
    expect(textOf(await send("vanthu", { text: "/ok" }))).toMatch(/Số, ký hiệu: 01\/QĐ-/);

    await send("vanthu", { text: FORM.replace("dấu đỏ: không", "dấu đỏ: không\nquy phạm: có"), files: [{ bytes: pdf, fileName: "cv.pdf", mime: "application/pdf" }] });
    const refused = textOf(await send("vanthu", { text: "/ok" }));
    expect(refused).not.toContain("Số, ký hiệu:");
    expect(refused).toContain("Quyết định");
    expect(await db.prisma.document.count({ where: { direction: "OUT" } })).toBe(2);
  });

  it("files first, then /phathanh, missing lines asked one by one; without a certificate the copy is neither sealed nor signed", async () => {
    const first = await send("vanthu", { files: [{ bytes: pdf, fileName: "scan.pdf" }] });
    expect(first.replies).toHaveLength(1);
    const start = await send("vanthu", { text: "/phathanh\nloại: Quyết định\ntrích yếu: V/v phê duyệt kế hoạch năm 2027" });
    expect(textOf(start)).toContain("Người ký?");
    const signer = await send("vanthu", { text: "Đặng Thị Hạnh, KT. Chủ tịch Phó Chủ tịch" });
    expect(textOf(signer)).toContain("Nơi nhận?");
    const echo = await send("vanthu", { text: "TCKH" });
    expect(textOf(echo)).toContain("QĐ-…");
    expect(textOf(echo)).toContain("Tệp: 1 tệp: scan.pdf (PDF, 2 trang)");
    const done = await send("vanthu", { text: "/ok" });
    expect(textOf(done)).toContain("Số, ký hiệu: 01/QĐ-UBND");
    expect(textOf(done)).toContain("Bản điện tử gửi kèm chưa có chữ ký số của cơ quan (chưa cấu hình chứng thư số cơ quan), nên không có thông tin thời gian ký.");
    expect(textOf(done)).not.toContain("khối dấu số");
    const doc = await db.prisma.document.findFirstOrThrow({ where: { direction: "OUT" }, select: { signerName: true, signerTitle: true, isSigned: true } });
    expect(doc).toEqual({ signerName: "Đặng Thị Hạnh", signerTitle: "KT. Chủ tịch Phó Chủ tịch", isSigned: false });
  });

  it("labels each kept file with its real type: a photo renamed .pdf is a JPEG photo, a file without a name is numbered", async () => {
    await send("vanthu", { files: [{ bytes: pdf, fileName: "to-trinh.pdf" }] });
    await send("vanthu", { files: [{ bytes: new Uint8Array(await readFile("test/fixtures/bad/photo-named.pdf")), fileName: "photo-named.pdf" }] });
    await send("vanthu", { files: [{ bytes: pdf }] });
    const echo = await send("vanthu", { text: FORM });
    expect(textOf(echo)).toContain("Tệp: 3 tệp: to-trinh.pdf (PDF, 2 trang); photo-named.pdf (ảnh JPEG); tệp 3 (PDF, 2 trang)");
    await send("vanthu", { text: "/huy" });
  });

  it("a secret document keeps no file and goes to nobody; a unit head cannot issue", async () => {
    const secretForm = FORM.replace("độ mật: không", "độ mật: mật");
    const echo = await send("vanthu", { text: secretForm, files: [{ bytes: pdf, fileName: "mat.pdf" }] });
    expect(textOf(echo)).toContain("KHÔNG lưu tệp");
    const done = await send("vanthu", { text: "/ok" });
    expect(textOf(done)).toContain("Văn bản phát hành bản giấy");
    expect(done.replies[0]!.attachments).toBeUndefined();
    expect(await db.prisma.storedFile.count()).toBe(0);
    expect(files.size()).toBe(0);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
    const refused = await send("tp.tckh", { text: FORM });
    expect(textOf(refused)).toContain("không có quyền");
  });
});
