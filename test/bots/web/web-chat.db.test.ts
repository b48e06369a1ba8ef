// The web chat adapter over plain HTTP (no browser): sign-in cookie, CSRF, turns through
// handleIncoming, button presses, the web sender and the event stream.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebChat, type WebChat } from "../../../bots/web/index.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

const warnings: string[] = [];
const silent = { debug() {}, info() {}, warn: (_obj: object, msg?: string) => void warnings.push(msg ?? ""), error() {} };
let db: TestDatabase;
let chat: WebChat;
let server: http.Server;
let base: string;
const deps = () => createTestDeps(db.prisma);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  await importOrganization(deps(), { text: await readFile("examples/quy-nhon.yaml", "utf8") });
  chat = createWebChat({ deps: deps(), logger: silent, secret: "test-secret-0123456789abcdef", distDir: "/nonexistent", pollMs: 200, heartbeatMs: 200 });
  server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await chat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

type Browser = { cookie: string; csrf: string; userId: string };
const signIn = async (userCode: string): Promise<Browser> => {
  const { code, userId } = await issueLinkCode(deps(), { userCode });
  const res = await fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get("set-cookie") ?? "";
  expect(setCookie).toMatch(/^edoc_chat=[^;]+; Path=\/chat; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
  const body = (await res.json()) as { csrfToken: string; texts: Record<string, string> };
  expect(body.texts["web.signIn.heading"]).toBe("Đăng nhập");
  return { cookie: setCookie.split(";")[0]!, csrf: body.csrfToken, userId };
};
let n = 0;
const post = (b: Browser, path: string, body: Record<string, unknown>, csrf = b.csrf) =>
  fetch(`${base}/chat/api/${path}`, {
    method: "POST",
    headers: { cookie: b.cookie, "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ updateKey: `key-${++n}-abcdefgh`, ...body }),
  });
type Answer = {
  messages: { id: string; direction: string; text: string; title?: string; actions: { label: string; callback: string }[] }[];
  updates: unknown[];
  callbackText?: string;
};

describe("web chat over HTTP", () => {
  it("answers a command through the shared conversation and keeps the history", async () => {
    const b = await signIn("tp.tckh");
    const res = await post(b, "messages", { text: "/viec" });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer.messages.map((m) => m.direction)).toEqual(["in", "out"]);
    const history = (await (await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } })).json()) as Answer;
    expect(history.messages.map((m) => m.text)).toEqual(answer.messages.map((m) => m.text));
  });

  it("a secret document's trích yếu typed in the web chat is refused and removed from the history; the rest of the message too", async () => {
    const b = await signIn("vanthu");
    const typed = "/dangky\nsố: 12/CA-PV01\ncơ quan: Công an tỉnh Gia Lai\nđộ mật: mật\ntrích yếu: V/v kế hoạch bảo vệ mục tiêu X";
    const answer = (await (await post(b, "messages", { text: typed })).json()) as Answer;
    const redacted = "(Nội dung đã xóa: thông tin của văn bản mật không được lưu trong trò chuyện.)";
    expect(answer.messages[0]).toMatchObject({ direction: "in", text: redacted });
    expect(answer.messages.map((m) => m.text).join("\n")).not.toContain("mục tiêu X");
    const history = (await (await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } })).json()) as Answer;
    expect(JSON.stringify(history)).not.toContain("mục tiêu X");
    expect(history.messages[0]!.text).toBe(redacted);
    // Nothing else in the database holds it either.
    const stored = await db.prisma.webMessage.findMany({ select: { payload: true } });
    expect(JSON.stringify(stored)).not.toContain("mục tiêu X");
    // An ordinary message is kept as typed.
    await post(b, "messages", { text: "/viec" });
    const after = (await (await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } })).json()) as Answer;
    expect(after.messages.map((m) => m.text)).toContain("/viec");
  });

  it("refuses a POST without the session's CSRF token (403) and any call without a session (401)", async () => {
    const b = await signIn("tp.tckh");
    expect((await post(b, "messages", { text: "/viec" }, "nope")).status).toBe(403);
    expect((await fetch(`${base}/chat/api/messages`)).status).toBe(401);
    expect((await post({ ...b, cookie: "edoc_chat=forged" }, "messages", { text: "/viec" })).status).toBe(401);
  });

  it("refuses another origin's form post and sign-in (403 CSRF, Vietnamese), and sends the page's security headers on every answer", async () => {
    const b = await signIn("tp.tckh");
    // A multipart form another site's page could post without a CORS preflight (Hono's csrf).
    const form = new FormData();
    form.set("text", "/viec");
    form.set("updateKey", "foreign-form-0001");
    const upload = await fetch(`${base}/chat/api/messages`, { method: "POST", headers: { cookie: b.cookie, "x-csrf-token": b.csrf, origin: "http://evil.example" }, body: form });
    expect(upload.status).toBe(403);
    expect(await upload.json()).toEqual({ error: { code: "CSRF", message: "Yêu cầu bị từ chối vì thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại." } });
    const { code } = await issueLinkCode(deps(), { userCode: "chutich" });
    const signInElsewhere = await fetch(`${base}/chat/api/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ code }),
    });
    expect(signInElsewhere.status).toBe(403);
    expect(((await signInElsewhere.json()) as { error: { code: string } }).error.code).toBe("CSRF");
    // The same form from our own origin goes through.
    const own = await fetch(`${base}/chat/api/messages`, { method: "POST", headers: { cookie: b.cookie, "x-csrf-token": b.csrf, origin: base }, body: form });
    expect(own.status).toBe(200);
    for (const res of [own, await fetch(`${base}/chat`), await fetch(`${base}/chat/api/session`)]) {
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("a typed link code does not re-bind a signed-in browser", async () => {
    const b = await signIn("tp.tckh");
    const other = await issueLinkCode(deps(), { userCode: "chutich" });
    const answer = (await (await post(b, "messages", { text: `/link ${other.code}` })).json()) as Answer;
    expect(answer.messages.at(-1)!.text).toContain("đã đăng nhập với tên Phạm Thị Dung");
    const identities = await db.prisma.chatIdentity.findMany({ where: { channel: "WEB" }, select: { userId: true } });
    expect(identities).toEqual([{ userId: b.userId }]);
  });

  it("the web sender stores a delivery and pushes it to the open event stream; a newer card supersedes the old one's buttons", async () => {
    const b = await signIn("tp.tckh");
    const controller = new AbortController();
    const stream = await fetch(`${base}/chat/api/events?after=0`, { headers: { cookie: b.cookie }, signal: controller.signal });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.getReader();
    let seen = "";
    const until = async (text: string) => {
      while (!seen.includes(text)) seen += new TextDecoder().decode((await reader.read()).value);
    };
    const target = { identityId: "x", channel: "WEB" as const, chatId: b.userId, userId: b.userId, locale: "vi" as const };
    const action = { label: "Nhận", command: "/nhan D1-TCKH", callback: "a1:ack:00000000-0000-0000-0000-000000000000" };
    const first = await chat.sender.send(target, { title: "Giao việc D1-TCKH", text: "thẻ 1", actions: [action], cardKey: "assignment:1" });
    await until("thẻ 1");
    await chat.sender.send(target, { title: "Giao việc D1-TCKH", text: "thẻ 2", actions: [action], cardKey: "assignment:1" });
    await until("thẻ 2");
    await until("event: update");
    controller.abort();
    const history = (await (await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } })).json()) as Answer;
    expect(history.messages.map((m) => [m.text, m.actions.length])).toEqual([
      ["thẻ 1", 0],
      ["thẻ 2", 1],
    ]);
    // A press on the superseded card's button is stale (it is no longer shown).
    const stale = (await (await post(b, "press", { messageId: first.platformMessageId, callback: action.callback })).json()) as Answer;
    expect(stale.callbackText).toContain("bản kiểm tra cũ");
  });

  it("signs out: the cookie is cleared and the session no longer works", async () => {
    const b = await signIn("vanthu");
    const res = await post(b, "sign-out", {});
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await fetch(`${base}/chat/api/tasks`, { headers: { cookie: b.cookie } })).status).toBe(401);
  });

  // Race test: it means something on PostgreSQL (the requests really run at once on the pool's
  // connections; the db project runs on PostgreSQL in `npm test`). On PGlite they interleave between statements.
  it("sign-in lock-out over HTTP: 49 wrong codes at once from one browser → at most 5 evaluated, the rest 429; a colleague behind the same address signs in", async () => {
    const signInWith = (code: string, cookie?: string) =>
      fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ code }) });
    // The first wrong try gives the browser its id cookie (HttpOnly, kept on a refusal).
    const first = await signInWith("WRNG-CODE");
    expect(first.status).toBe(400);
    const browserCookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(browserCookie).toMatch(/^edoc_browser=[A-Za-z0-9_-]{22}$/);
    expect(first.headers.get("set-cookie")).toContain("HttpOnly");

    const answers = await Promise.all(Array.from({ length: 49 }, () => signInWith("WRNG-CODE", browserCookie)));
    const statuses = answers.map((r) => r.status);
    const evaluated = statuses.filter((st) => st === 400).length;
    expect(evaluated).toBeLessThanOrEqual(4); // the first try above was the 1st of 5
    expect(statuses.filter((st) => st === 429)).toHaveLength(49 - evaluated);
    const locked = (await answers.find((r) => r.status === 429)!.json()) as { error: { code: string; message: string } };
    expect(locked.error.code).toBe("LINK_LOCKED");
    expect(locked.error.message).toMatch(/khóa|thử lại sau/i);
    expect(await db.prisma.auditEvent.count({ where: { type: "link.failed" } })).toBe(1 + evaluated);

    // Even the right code is refused to this browser meanwhile…
    const mine = await issueLinkCode(deps(), { userCode: "vanthu" });
    expect((await signInWith(mine.code, browserCookie)).status).toBe(429);
    // …but the colleague at the next desk (same address 127.0.0.1, another browser) is not locked out.
    const theirs = await issueLinkCode(deps(), { userCode: "cvp" });
    const colleague = await signInWith(theirs.code);
    expect(colleague.status).toBe(200);
    expect(colleague.headers.get("set-cookie")).toMatch(/^edoc_chat=/);
  });

  it("tells the operator to build the page when web/dist is missing", async () => {
    const res = await fetch(`${base}/chat`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("Đề nghị quản trị viên dựng giao diện web");
    expect(text).not.toMatch(/npm|npx|edoc /); // no command in a text a person reads: the log has it
    expect(warnings.some((w) => w.includes("npm run build:web"))).toBe(true);
  });
});
