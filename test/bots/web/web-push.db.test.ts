// Web Push of the web chat against a fake push service on 127.0.0.1 (https, a throwaway self-signed
// certificate): the subscribe endpoint (CSRF, allowed push services, key shapes), one push per
// subscription for a delivered web message (VAPID Authorization verified, aes128gcm body decrypted
// with the browser's private key: title and first line only), 404/410 delete the subscription, a
// failing or unreachable push service never fails the delivery, sign-out drops the session's
// subscription, and the VAPID keys are generated once in DATA_DIR/secrets.
import { execFileSync } from "node:child_process";
import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { readFile as readFileAsync, mkdtemp, rm, stat } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import webpush from "web-push";
import { createWebChat, loadWebPushOptions, type WebChat } from "../../../bots/web/index.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { revokeWebSessions } from "../../../core/sessions/sign-out.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const VAPID = { ...webpush.generateVAPIDKeys(), subject: "mailto:vanthu@quynhon.gov.vn" };
let db: TestDatabase;
let push: FakePushService;
let chat: WebChat;
let server: http.Server;
let base: string;
let warnings: string[];
const deps = () => createTestDeps(db.prisma);

beforeAll(async () => {
  db = await createTestDatabase();
  push = await startFakePushService();
});
afterAll(async () => {
  await push?.close();
  await db?.close();
});
beforeEach(async () => {
  await db.truncate();
  push.received.length = 0;
  warnings = [];
  await importOrganization(deps(), { text: await readFileAsync("examples/quy-nhon.yaml", "utf8") });
  const logger = { ...silent, warn: (_: object, msg?: string) => void warnings.push(msg ?? "") };
  chat = createWebChat({
    deps: deps(),
    logger,
    secret: "test-secret-0123456789abcdef",
    distDir: "/nonexistent",
    pollMs: 200,
    heartbeatMs: 200,
    push: { vapid: VAPID, allowedHosts: [new URL(push.origin).host], agent: push.agent, timeoutMs: 5_000 },
  });
  server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  await chat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

type Browser = { cookie: string; csrf: string; userId: string; pushPublicKey?: string };
const signIn = async (userCode: string): Promise<Browser> => {
  const { code, userId } = await issueLinkCode(deps(), { userCode });
  const res = await fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string; pushPublicKey?: string };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, csrf: body.csrfToken, userId, ...(body.pushPublicKey ? { pushPublicKey: body.pushPublicKey } : {}) };
};
const post = (b: Browser, route: string, body: unknown, headers: Record<string, string> = { "x-csrf-token": b.csrf }) =>
  fetch(`${base}/chat/api/${route}`, { method: "POST", headers: { cookie: b.cookie, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
let n = 0;
const subscribe = async (b: Browser): Promise<FakeBrowserSubscription> => {
  const sub = fakeBrowserSubscription(`${push.origin}/push/${b.userId}/${++n}`);
  const res = await post(b, "push/subscribe", { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys });
  expect(res.status).toBe(200);
  return sub;
};
const targetOf = (b: Browser) => ({ identityId: "x", channel: "WEB" as const, chatId: b.userId, userId: b.userId, locale: "vi" as const });
const pathOf = (sub: FakeBrowserSubscription) => new URL(sub.endpoint).pathname;
const ASSIGNMENT = {
  title: "[HỎA TỐC] Giao việc D1-TCKH",
  text: "V/v hướng dẫn lập dự toán ngân sách năm 2027\nChủ trì: Sở Tài chính\nNội dung chỉ đạo: bí mật nội bộ",
};

describe("Web Push subscriptions over HTTP", () => {
  it("the session tells the page the VAPID public key; subscribe needs the session's CSRF token and a known push service", async () => {
    const b = await signIn("tp.tckh");
    expect(b.pushPublicKey).toBe(VAPID.publicKey);
    const sub = fakeBrowserSubscription(`${push.origin}/push/x`);
    const body = { endpoint: sub.endpoint, keys: sub.keys };
    expect((await post(b, "push/subscribe", body, {})).status).toBe(403);
    expect((await post(b, "push/subscribe", body, { "x-csrf-token": "forged" })).status).toBe(403);
    expect((await post(b, "push/subscribe", body, { "x-csrf-token": b.csrf, origin: "http://evil.example" })).status).toBe(403);
    expect((await post({ ...b, cookie: "edoc_chat=forged" }, "push/subscribe", body)).status).toBe(401);
    // Anything but a known push service over https is refused: the server never POSTs there.
    for (const endpoint of ["https://evil.example/push", "http://127.0.0.1:1/push", "https://169.254.169.254/latest", "not a url"]) {
      const res = await post(b, "push/subscribe", { ...body, endpoint });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PUSH_SERVICE_REFUSED");
    }
    // Keys that are not a P-256 point and a 16-byte secret are refused.
    expect((await post(b, "push/subscribe", { ...body, keys: { p256dh: "AAAA", auth: sub.keys.auth } })).status).toBe(400);
    expect((await post(b, "push/subscribe", { ...body, keys: { p256dh: sub.keys.p256dh, auth: "" } })).status).toBe(400);
    expect(await db.prisma.webPushSubscription.count()).toBe(0);

    expect((await post(b, "push/subscribe", body)).status).toBe(200);
    expect((await post(b, "push/subscribe", body)).status).toBe(200); // the same browser again: still one row
    const rows = await db.prisma.webPushSubscription.findMany({ select: { userId: true, endpoint: true, p256dh: true, auth: true, failures: true, lastSuccessAt: true } });
    expect(rows).toEqual([{ userId: b.userId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, failures: 0, lastSuccessAt: null }]);

    expect((await post(b, "push/unsubscribe", { endpoint: sub.endpoint }, {})).status).toBe(403);
    expect((await post(b, "push/unsubscribe", { endpoint: sub.endpoint })).status).toBe(200);
    expect(await db.prisma.webPushSubscription.count()).toBe(0);
  });

  it("a browser that subscribed for someone else before now notifies only the person signed in", async () => {
    const a = await signIn("tp.tckh");
    const b = await signIn("tp.nv");
    const sub = await subscribe(a);
    expect((await post(b, "push/subscribe", { endpoint: sub.endpoint, keys: sub.keys })).status).toBe(200);
    expect(await db.prisma.webPushSubscription.findMany({ select: { userId: true } })).toEqual([{ userId: b.userId }]);
  });
});

describe("the web sender's pushes", () => {
  it("a delivered web message makes one push per subscription: VAPID-signed, aes128gcm, title and first line only", async () => {
    const b = await signIn("tp.tckh");
    const phone = await subscribe(b);
    const laptop = await subscribe(b);
    const other = await signIn("tp.nv");
    const otherSub = await subscribe(other);

    const sendingFrom = Date.now();
    const result = await chat.sender.send(targetOf(b), ASSIGNMENT);
    await chat.push!.idle();
    const sendingUntil = Date.now();
    expect(result.platformMessageId).not.toBe("");
    expect(push.received.map((r) => r.path).sort()).toEqual([pathOf(phone), pathOf(laptop)].sort());
    expect(push.received.some((r) => r.path === pathOf(otherSub))).toBe(false);

    for (const sub of [phone, laptop]) {
      const r = push.received.find((x) => x.path === pathOf(sub))!;
      expect(r.headers["content-encoding"]).toBe("aes128gcm");
      expect(r.headers["content-type"]).toBe("application/octet-stream");
      expect(Number(r.headers.ttl)).toBe(86_400);
      expect(r.headers.urgency).toBe("high"); // hỏa tốc
      const claims = verifyVapid(r.headers.authorization!, VAPID.publicKey);
      expect(claims.aud).toBe(push.origin);
      expect(claims.sub).toBe(VAPID.subject);
      // The token expires after it was signed (during the send) and at most 24 h after (RFC 8292).
      expect(claims.exp * 1000).toBeGreaterThan(sendingFrom);
      expect(claims.exp * 1000).toBeLessThanOrEqual(sendingUntil + 24 * 3_600_000);
      const payload = JSON.parse(decryptPush(r.body, sub)) as Record<string, string>;
      expect(payload).toEqual({ title: ASSIGNMENT.title, body: "V/v hướng dẫn lập dự toán ngân sách năm 2027", tag: result.platformMessageId, url: "/chat" });
      // A subscription's keys decrypt only its own push.
      expect(() => decryptPush(r.body, sub === phone ? laptop : phone)).toThrow();
    }
    const rows = await db.prisma.webPushSubscription.findMany({ where: { userId: b.userId }, select: { failures: true, lastSuccessAt: true } });
    expect(rows.every((r) => r.failures === 0 && r.lastSuccessAt !== null)).toBe(true);

    // An ordinary message goes with normal urgency.
    push.received.length = 0;
    await chat.sender.send(targetOf(b), { title: "Nhắc việc D1-TCKH", text: "Còn 2 ngày" });
    await chat.push!.idle();
    expect(push.received.map((r) => r.headers.urgency)).toEqual(["normal", "normal"]);
  });

  it("404/410 from the push service delete the subscription; other failures are counted and logged; the delivery succeeds anyway", async () => {
    const b = await signIn("tp.tckh");
    const gone = await subscribe(b);
    const expired = await subscribe(b);
    const flaky = await subscribe(b);
    const fine = await subscribe(b);
    push.respond(pathOf(gone), 410);
    push.respond(pathOf(expired), 404);
    push.respond(pathOf(flaky), 500);

    const result = await chat.sender.send(targetOf(b), { title: "Giao việc D1-TCKH", text: "V/v hướng dẫn lập dự toán" });
    await chat.push!.idle();
    expect(push.received).toHaveLength(4);
    const rows = await db.prisma.webPushSubscription.findMany({ select: { endpoint: true, failures: true, lastSuccessAt: true } });
    expect(rows.map((r) => r.endpoint).sort()).toEqual([flaky.endpoint, fine.endpoint].sort());
    expect(rows.find((r) => r.endpoint === flaky.endpoint)).toMatchObject({ failures: 1, lastSuccessAt: null });
    expect(rows.find((r) => r.endpoint === fine.endpoint)!.lastSuccessAt).not.toBeNull();
    expect(warnings.filter((w) => w.startsWith("web push failed"))).toHaveLength(1);
    // The message is in the person's history.
    const history = (await (await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } })).json()) as { messages: { id: string }[] };
    expect(history.messages.map((m) => m.id)).toEqual([result.platformMessageId]);

    // A success resets the count.
    push.respond(pathOf(flaky), 201);
    await chat.sender.send(targetOf(b), { text: "Tin thứ hai" });
    await chat.push!.idle();
    expect((await db.prisma.webPushSubscription.findUniqueOrThrow({ where: { endpoint: flaky.endpoint } })).failures).toBe(0);
  });

  it("a push service that cannot be reached does not fail or hold up the delivery", async () => {
    const b = await signIn("tp.tckh");
    const sub = await subscribe(b);
    // The same allowed host, but a port where nothing listens (connection refused).
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    await chat.stop();
    chat = createWebChat({
      deps: deps(),
      logger: { ...silent, warn: (_: object, msg?: string) => void warnings.push(msg ?? "") },
      secret: "test-secret-0123456789abcdef",
      distDir: "/nonexistent",
      push: { vapid: VAPID, allowedHosts: [`127.0.0.1:${deadPort}`], agent: push.agent, timeoutMs: 2_000 },
    });
    await db.prisma.webPushSubscription.update({ where: { endpoint: sub.endpoint }, data: { endpoint: `https://127.0.0.1:${deadPort}/push/dead` } });

    const result = await chat.sender.send(targetOf(b), { title: "Giao việc D1-TCKH", text: "V/v hướng dẫn lập dự toán" });
    expect(result.platformMessageId).not.toBe("");
    await chat.push!.idle();
    expect((await db.prisma.webPushSubscription.findFirstOrThrow({ select: { failures: true } })).failures).toBe(1);
    expect(warnings.some((w) => w.startsWith("web push failed"))).toBe(true);
    expect(await db.prisma.webMessage.count({ where: { userId: b.userId, direction: "OUT" } })).toBe(1);
  });

  it("signing out drops this browser's subscription; edoc user logout drops all of the person's", async () => {
    const b1 = await signIn("tp.tckh");
    const b2 = await signIn("tp.tckh");
    await subscribe(b1);
    const kept = await subscribe(b2);
    expect((await post(b1, "sign-out", {})).status).toBe(200);
    expect(await db.prisma.webPushSubscription.findMany({ select: { endpoint: true } })).toEqual([{ endpoint: kept.endpoint }]);
    await revokeWebSessions(deps(), { userCode: "tp.tckh" });
    expect(await db.prisma.webPushSubscription.count()).toBe(0);
  });
});

describe("VAPID keys", () => {
  it("are generated once and kept in DATA_DIR/secrets (mode 0600), unless the environment gives them", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-vapid-"));
    try {
      const first = await loadWebPushOptions({ dataDir, env: {}, publicBaseUrl: "https://vp.quynhon.gov.vn" });
      expect(first.keySource).toBe("generated");
      expect(first.vapid.subject).toBe("https://vp.quynhon.gov.vn");
      expect(Buffer.from(first.vapid.publicKey, "base64url")).toHaveLength(65);
      const file = path.join(dataDir, "secrets", "vapid.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const again = await loadWebPushOptions({ dataDir, env: { VAPID_SUBJECT: "mailto:it@quynhon.gov.vn" } });
      expect(again).toMatchObject({ keySource: "file", vapid: { publicKey: first.vapid.publicKey, privateKey: first.vapid.privateKey, subject: "mailto:it@quynhon.gov.vn" } });
      // Two processes starting together on one DATA_DIR end up with one key pair.
      const other = await mkdtemp(path.join(os.tmpdir(), "edoc-vapid-"));
      const both = await Promise.all([loadWebPushOptions({ dataDir: other, env: {} }), loadWebPushOptions({ dataDir: other, env: {} })]);
      expect(both[0].vapid.publicKey).toBe(both[1].vapid.publicKey);
      await rm(other, { recursive: true, force: true });

      const fromEnv = await loadWebPushOptions({ dataDir, env: { VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey, WEB_PUSH_HOSTS: "push.example.vn" } });
      expect(fromEnv).toMatchObject({ keySource: "env", vapid: { publicKey: VAPID.publicKey, subject: "mailto:webpush@edoc.invalid" } });
      expect(fromEnv.allowedHosts).toContain("push.example.vn");
      await expect(loadWebPushOptions({ dataDir, env: { VAPID_PUBLIC_KEY: VAPID.publicKey } })).rejects.toThrow(/VAPID_PRIVATE_KEY/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

// === The fake push service and the browser's side of the protocol

type RecordedPush = { path: string; headers: Record<string, string>; body: Buffer };

type FakePushService = {
  origin: string;
  /** Trusts the fake service's certificate (pass as WebPushOptions.agent). */
  agent: https.Agent;
  /** Every POST received, in order. */
  received: RecordedPush[];
  /** The status answered for an endpoint path. @defaultValue 201 */
  respond(path: string, status: number): void;
  close(): Promise<void>;
};

const startFakePushService = async (): Promise<FakePushService> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edoc-push-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { cwd: dir, stdio: "pipe" },
    );
    const key = readFileSync(path.join(dir, "key.pem"));
    const cert = readFileSync(path.join(dir, "cert.pem"));
    const received: RecordedPush[] = [];
    const statuses = new Map<string, number>();
    const server = https.createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const p = req.url ?? "/";
        if (req.method === "POST")
          received.push({ path: p, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks) });
        const status = statuses.get(p) ?? 201;
        res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "" : `fake push service says ${status}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new https.Agent({ ca: cert, keepAlive: false });
    return {
      origin,
      agent,
      received,
      respond: (p, status) => void statuses.set(p, status),
      close: async () => {
        agent.destroy();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A browser's push subscription: its keys as PushManager makes them. */
type FakeBrowserSubscription = { endpoint: string; keys: { p256dh: string; auth: string }; ecdh: ECDH; authSecret: Buffer };

const fakeBrowserSubscription = (endpoint: string): FakeBrowserSubscription => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: authSecret.toString("base64url") }, ecdh, authSecret };
};

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac("sha256", key).update(data).digest();

/** Decrypts an aes128gcm Web Push body (RFC 8291 §3.4, RFC 8188) with the browser's private key. */
const decryptPush = (body: Buffer, sub: FakeBrowserSubscription): string => {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (ciphertext.length > recordSize) throw new Error("more than one record: not expected for a short push");
  const ecdhSecret = sub.ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), sub.ecdh.getPublicKey(), serverPublicKey]);
  const ikm = hmac(hmac(sub.authSecret, ecdhSecret), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01", "binary")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01", "binary")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 and zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
};

/**
 * Checks a VAPID Authorization header (`vapid t=JWT, k=KEY`): the key is the server's, the ES256
 * signature verifies with it, and the claims name the push service's origin. Returns the claims.
 */
const verifyVapid = (authorization: string, serverPublicKey: string): { aud: string; sub: string; exp: number } => {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) throw new Error(`not a VAPID header: ${authorization}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== serverPublicKey) throw new Error("k is not the server's VAPID public key");
  const [header, claims, signature] = jwt.split(".") as [string, string, string];
  if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "ES256") throw new Error("not ES256");
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") }, format: "jwk" });
  if (!verify("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))) throw new Error("bad VAPID signature");
  return JSON.parse(Buffer.from(claims, "base64url").toString()) as { aud: string; sub: string; exp: number };
};
