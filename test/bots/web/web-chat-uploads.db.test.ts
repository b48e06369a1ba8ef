// Web-chat uploads (issue 20, point 3): streamed to temporary files with the size limit applied
// while reading, at most N at once per person and overall (429 beyond), nothing left behind.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebChat, type WebChat } from "../../../bots/web/index.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const MAX_UPLOAD = 1024 * 1024;
let db: TestDatabase;
let chat: WebChat;
let server: http.Server;
let port: number;
let uploadDir: string;
const deps = () => createTestDeps(db.prisma, { settings: { maxUploadBytes: MAX_UPLOAD } });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  await importOrganization(deps(), { text: await readFile("examples/quy-nhon.yaml", "utf8") });
  uploadDir = await mkdtemp(path.join(os.tmpdir(), "edoc-upload-test-"));
  chat = createWebChat({ deps: deps(), logger: silent, secret: "test-secret-0123456789abcdef", distDir: "/nonexistent", uploads: { dir: uploadDir, perUser: 1, overall: 2 } });
  server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await chat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(uploadDir, { recursive: true, force: true });
});

type Browser = { cookie: string; csrf: string };
const signIn = async (userCode: string): Promise<Browser> => {
  const { code } = await issueLinkCode(deps(), { userCode });
  const res = await fetch(`http://127.0.0.1:${port}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
};

const BOUNDARY = "----edocTestBoundary7MA4YWxkTrZu0gW";
let n = 0;
const partsHead = (text: string, fileName: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\ncontent-disposition: form-data; name="text"\r\n\r\n${text}\r\n` +
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="updateKey"\r\n\r\nupload-${++n}-abcdefgh\r\n` +
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="files"; filename="${fileName}"\r\ncontent-type: application/pdf\r\n\r\n`,
  );
const partsTail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

type Answer = { status: number; body: { error?: { code: string; message: string }; messages?: { direction: string; files?: { name: string; size: number }[] }[] } };

/**
 * A multipart POST over node:http, so the test controls how the body is sent: `chunks` is written
 * one chunk at a time (chunked, no Content-Length) and stops being read as soon as the answer comes.
 */
const upload = (b: Browser, chunks: AsyncIterable<Buffer> | Iterable<Buffer>) =>
  new Promise<Answer & { written: number }>((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/chat/api/messages",
      headers: { cookie: b.cookie, "x-csrf-token": b.csrf, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer["body"], written }));
    });
    req.on("error", (err) => (answered ? undefined : reject(err)));
    void (async () => {
      for await (const chunk of chunks) {
        if (answered || req.destroyed) return;
        written += chunk.byteLength;
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      if (!answered && !req.destroyed) req.end();
    })().catch(() => {});
  });

const leftInUploadDir = async () => readdir(uploadDir, { recursive: true });

describe("web chat uploads", () => {
  it("streams a file into the conversation, byte for byte, and keeps no temporary copy", async () => {
    const b = await signIn("vanthu");
    const pdf = await readFile("test/fixtures/sample-2-pages.pdf");
    const answer = await upload(b, [partsHead("/dangky", "Công văn 45.pdf"), pdf, partsTail]);
    expect(answer.status).toBe(200);
    expect(answer.body.messages![0]).toMatchObject({ direction: "in", files: [{ name: "Công văn 45.pdf", size: pdf.byteLength }] });
    // The clerk's form keeps the scan as a pending file: the same bytes that were sent.
    const pending = await db.prisma.pendingFileChunk.findMany({ orderBy: { seq: "asc" } });
    expect(pending.map((p) => p.seq)).toEqual([0]);
    const kept = Buffer.from(pending[0]!.data);
    expect(createHash("sha256").update(kept).digest("hex")).toBe(createHash("sha256").update(pdf).digest("hex"));
    expect(await leftInUploadDir()).toEqual([]);
  });

  it("refuses a too-large upload while reading it (413, Vietnamese), long before the sender is done, and leaves nothing", async () => {
    const b = await signIn("vanthu");
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    // 200 MB offered without a Content-Length: only reading can find it too large.
    const endless = (function* () {
      yield partsHead("/dangky", "scan.pdf");
      for (let i = 0; i < 3200; i++) yield chunk;
      yield partsTail;
    })();
    const answer = await upload(b, endless);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({ code: "TOO_LARGE", message: "Tệp gửi lên quá lớn (tối đa 1 MB)." });
    expect(answer.written).toBeLessThan(50 * 1024 * 1024);
    expect(await leftInUploadDir()).toEqual([]);
    // Refused in the conversation, where it stays: what was sent (no bytes of it) and the refusal.
    expect(answer.body.messages!.map((m) => m.direction)).toEqual(["in", "out"]);
    expect(answer.body.messages![0]!.files!.map((f) => f.name)).toEqual(["scan.pdf"]);
    const kept = await db.prisma.webMessage.findMany({ orderBy: { seq: "asc" }, select: { direction: true, payload: true } });
    expect(kept.map((m) => m.direction)).toEqual(["IN", "OUT"]);
    expect((kept[1]!.payload as { text: string }).text).toBe("Tệp gửi lên quá lớn (tối đa 1 MB).");
    expect(await db.prisma.pendingFileChunk.count()).toBe(0);
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const b = await signIn("vanthu");
    const res = await fetch(`http://127.0.0.1:${port}/chat/api/messages`, {
      method: "POST",
      headers: { cookie: b.cookie, "x-csrf-token": b.csrf, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: Buffer.concat([partsHead("", "big.pdf"), Buffer.alloc(2 * MAX_UPLOAD), partsTail]),
    }).catch((err: unknown) => err);
    // The service closes the connection after answering; either way no file was kept, and the
    // conversation ends with the refusal.
    if (res instanceof Response) expect(res.status).toBe(413);
    expect(await leftInUploadDir()).toEqual([]);
    const kept = await db.prisma.webMessage.findMany({ orderBy: { seq: "asc" }, select: { direction: true, payload: true } });
    expect(kept.at(-1)).toEqual({ direction: "OUT", payload: expect.objectContaining({ text: "Tệp gửi lên quá lớn (tối đa 1 MB)." }) });
    expect(await db.prisma.pendingFileChunk.count()).toBe(0);
  });

  it("refuses a declared Content-Length far over the limit without reading a byte; the refusal is in the conversation", async () => {
    const b = await signIn("vanthu");
    const answer = await new Promise<{ status: number; body: Answer["body"] }>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/chat/api/messages",
        headers: { cookie: b.cookie, "x-csrf-token": b.csrf, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(10 * MAX_UPLOAD) },
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer["body"] }));
      });
      req.on("error", reject);
      req.write(partsHead("/dangky", "big.pdf")); // the rest is never sent: the answer comes first
    });
    expect(answer.status).toBe(413);
    // Nothing of the body was read: only the refusal, no message of the sender's.
    expect(answer.body.messages!.map((m) => m.direction)).toEqual(["out"]);
    const kept = await db.prisma.webMessage.findMany({ select: { direction: true, payload: true } });
    expect(kept).toEqual([{ direction: "OUT", payload: expect.objectContaining({ text: "Tệp gửi lên quá lớn (tối đa 1 MB)." }) }]);
    expect(await leftInUploadDir()).toEqual([]);
  });

  it("answers a malformed multipart body 400 and leaves nothing", async () => {
    const b = await signIn("vanthu");
    const answer = await upload(b, [partsHead("/dangky", "scan.pdf"), Buffer.from("%PDF-1.7 cut off, no closing boundary")]);
    expect(answer.status).toBe(400);
    expect(answer.body.error!.message).toBe("Yêu cầu không hợp lệ.");
    expect(await leftInUploadDir()).toEqual([]);
  });

  it("refuses more than 60 files in one message (400) and leaves nothing", async () => {
    const b = await signIn("vanthu");
    const many = [partsHead("/dangky", "p1.jpg"), Buffer.from("x")];
    for (let i = 2; i <= 61; i++)
      many.push(Buffer.from(`\r\n--${BOUNDARY}\r\ncontent-disposition: form-data; name="files"; filename="p${i}.jpg"\r\ncontent-type: image/jpeg\r\n\r\nx`));
    many.push(partsTail);
    const answer = await upload(b, many);
    expect(answer.status).toBe(400);
    expect(await leftInUploadDir()).toEqual([]);
    expect(await db.prisma.webMessage.count()).toBe(0);
  });

  it("a client that goes away mid-upload leaves no file and frees its slot", async () => {
    const b = await signIn("vanthu");
    const req = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/chat/api/messages",
      headers: { cookie: b.cookie, "x-csrf-token": b.csrf, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    });
    req.on("error", () => {});
    req.write(partsHead("/dangky", "half.pdf"));
    req.write(Buffer.alloc(256 * 1024, 0x42));
    await expect.poll(async () => (await leftInUploadDir()).length, { timeout: 60_000 }).toBe(2);
    req.destroy();
    await expect.poll(async () => (await leftInUploadDir()).length, { timeout: 60_000 }).toBe(0);
    // One upload at a time per person: the slot is free again.
    const pdf = await readFile("test/fixtures/sample-2-pages.pdf");
    expect((await upload(b, [partsHead("/dangky", "a.pdf"), pdf, partsTail])).status).toBe(200);
  });

  it("takes at most one upload at once per person and two overall: the rest get 429 in Vietnamese; slots free up after", async () => {
    const [a, b, c] = [await signIn("vanthu"), await signIn("tp.tckh"), await signIn("cv.tckh")];
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const pdf = await readFile("test/fixtures/sample-2-pages.pdf");
    const slow = (who: Browser) =>
      upload(
        who,
        (async function* () {
          yield partsHead("/dangky", "a.pdf");
          yield pdf;
          await hold;
          yield partsTail;
        })(),
      );
    const first = slow(a);
    const second = slow(b);
    // Both held uploads have reached the service (their files are being written) before the others try.
    await expect.poll(async () => (await leftInUploadDir()).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    const samePerson = await upload(a, [partsHead("/viec", "x.pdf"), pdf, partsTail]);
    const overall = await upload(c, [partsHead("/viec", "x.pdf"), pdf, partsTail]);
    for (const refused of [samePerson, overall]) {
      expect(refused.status).toBe(429);
      expect(refused.body.error).toEqual({ code: "UPLOADS_BUSY", message: "Hệ thống đang nhận quá nhiều tệp cùng lúc. Vui lòng đợi tệp trước gửi xong rồi thử lại." });
    }
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await upload(c, [partsHead("/viec", "x.pdf"), pdf, partsTail])).status).toBe(200);
    expect(await leftInUploadDir()).toEqual([]);
  });
});
