// Files are checked the moment they arrive, before any metadata is asked for: a bad file (empty,
// corrupt, encrypted, oversized, HTML, a decompression bomb) gets its refusal as a conversation
// message — not a toast — and no form is started; a good one is kept and labelled in the form with
// its real type and page count. The same dispatcher serves Telegram, Zalo and the web chat; each
// kind is sent from a clerk linked on each of the three.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "../../../bots/shared/types.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg } from "../../support/workflow.ts";

let db: TestDatabase;
let seq = 0;
const files = createMemoryFileStore();
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/** A 1,000-byte upload limit makes the sample PDF (2 pages, 1,074 bytes) "oversized" for the oversize case. */
const env = (maxUploadBytes?: number): BotEnv => ({ deps: createTestDeps(db.prisma, { files, ...(maxUploadBytes ? { settings: { maxUploadBytes } } : {}) }), logger });
const CHANNELS = ["TELEGRAM", "ZALO", "WEB"] as const;
const chatOf = (channel: (typeof CHANNELS)[number]) => `${channel.toLowerCase()}-clerk`;
const send = (channel: (typeof CHANNELS)[number], turn: Omit<IncomingTurn, "channel" | "externalUserId" | "chatId" | "updateKey">, e = env()) =>
  handleIncoming(e, { channel, externalUserId: chatOf(channel), chatId: chatOf(channel), updateKey: `f:${++seq}`, ...turn });
const textOf = (r: TurnResult) => r.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");
const bad = (name: string) => readFile(`test/fixtures/bad/${name}`).then((b) => new Uint8Array(b));

/** Each bad kind, what the clerk reads at once. */
const KINDS: { kind: string; file: () => Promise<{ bytes: Uint8Array; fileName: string }>; says: string; maxUploadBytes?: number }[] = [
  { kind: "empty", file: async () => ({ bytes: await bad("empty.pdf"), fileName: "empty.pdf" }), says: "Tệp gửi lên không có nội dung (0 byte)" },
  { kind: "corrupt", file: async () => ({ bytes: await bad("truncated.pdf"), fileName: "truncated.pdf" }), says: "Tệp PDF bị hỏng hoặc chưa tải về đầy đủ" },
  { kind: "encrypted", file: async () => ({ bytes: await bad("encrypted-user-password.pdf"), fileName: "mat-khau.pdf" }), says: "Tệp PDF bị đặt mật khẩu" },
  { kind: "oversized", file: async () => ({ bytes: await samplePdf(), fileName: "lon.pdf" }), says: "Tệp quá lớn", maxUploadBytes: 1_000 },
  { kind: "HTML", file: async () => ({ bytes: await bad("html-named.pdf"), fileName: "html-named.pdf" }), says: "Tệp này là một trang web (HTML), không phải PDF" },
  { kind: "bomb", file: async () => ({ bytes: await bad("image-bomb-50000.png"), fileName: "anh.png" }), says: "Ảnh quá lớn (50000 × 50000 điểm ảnh" },
];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  const deps = createTestDeps(db.prisma, { files });
  await setupExampleOrg(deps);
  for (const channel of CHANNELS) await linkChat(deps, channel, chatOf(channel), "vanthu");
});
afterAll(async () => db?.close());

describe("files checked on arrival", () => {
  for (const channel of CHANNELS) {
    for (const k of KINDS) {
      it(`${channel}: a ${k.kind} file is refused the moment it arrives, before any metadata is asked for`, async () => {
        await send(channel, { text: "/huy" });
        const file = await k.file();
        // With a caption that starts the form but leaves fields missing: no question follows the refusal.
        const r = await send(channel, { files: [{ bytes: file.bytes, fileName: file.fileName }], text: "/dangky\nsố: 45/STC-NS" }, env(k.maxUploadBytes));
        expect(r.callbackText).toBeUndefined();
        expect(r.replies).toHaveLength(1);
        expect(textOf(r)).toContain(k.says);
        expect(textOf(r)).not.toMatch(/Cơ quan ban hành|cơ quan:|Gửi thông tin văn bản/);
        // Without a caption too: refused, nothing kept, no form started.
        const bare = await send(channel, { files: [{ bytes: file.bytes, fileName: file.fileName }] }, env(k.maxUploadBytes));
        expect(textOf(bare)).toContain(k.says);
        expect(textOf(bare)).not.toContain("Gửi thông tin văn bản");
        expect(await db.prisma.pendingFileChunk.count({ where: { fileKey: { startsWith: `conv:${channel}:${chatOf(channel)}:file:` } } })).toBe(0);
      });
    }

    it(`${channel}: good files are kept and labelled with their real type and page count`, async () => {
      await send(channel, { text: "/huy" });
      const kept = await send(channel, { files: [{ bytes: await samplePdf(), fileName: "cong-van.pdf" }] });
      expect(textOf(kept)).toContain("Đã nhận 1 tệp. Gửi thông tin văn bản");
      const echo = await send(channel, {
        text: "/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\nngày: 10/11/2026\nloại: Công văn\ntrích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027",
      });
      expect(textOf(echo)).toContain("Tệp: 1 tệp: cong-van.pdf (PDF, 2 trang)");
      // A photo renamed .pdf is labelled as what it is.
      await send(channel, { text: "/huy" });
      await send(channel, { files: [{ bytes: await bad("photo-named.pdf"), fileName: "photo-named.pdf" }] });
      const photo = await send(channel, {
        text: "/dangky\nsố: 46/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\nngày: 10/11/2026\nloại: Công văn\ntrích yếu: V/v báo cáo",
      });
      expect(textOf(photo)).toContain("photo-named.pdf (ảnh JPEG)");
      await send(channel, { text: "/huy" });
    });
  }
});
