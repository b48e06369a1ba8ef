// The web chat is every person's inbox (issue 16): what is addressed to a person who has not signed
// in yet is kept in their web conversation and shown on their first sign-in, live cards included,
// with buttons that work. Nothing is delivered twice: the person's linked Telegram chat comes first,
// the web inbox last. The production delivery path throughout: the outbox sweep and delivery jobs
// on the in-process runner, the paced web sender, the real Telegram sender against the fake Bot API
// server; the person signs in through the web chat's HTTP API.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import { createWebChat, type WebChat } from "../../../bots/web/index.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import type { Sender } from "../../../core/ports/sender.ts";
import { createOutboxDeliverJob, createOutboxDispatchJob } from "../../../jobs/definitions/index.ts";
import { pacedSenders } from "../../../jobs/pacing.ts";
import { createJobRunner, type JobRunner } from "../../../jobs/runner.ts";
import { createTestDeps, type TestClock } from "../../support/core.ts";
import { shown, startFakeTelegramServer, type FakeTelegramServer } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";
import { waitUntil } from "../../reliability/harness.ts";

const TG_TOKEN = "7016:inbox-test-token";
type Logged = { level: string; obj: Record<string, unknown>; msg?: string | undefined };
const logged: Logged[] = [];
const log = (level: string) => (obj: object, msg?: string) => void logged.push({ level, obj: obj as Record<string, unknown>, msg });
const logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };

let db: TestDatabase;
let deps: ReturnType<typeof createTestDeps> & { clock: TestClock };
let chat: WebChat;
let server: http.Server;
let base: string;
let runner: JobRunner | undefined;
let tg: FakeTelegramServer | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  logged.length = 0;
  deps = createTestDeps(db.prisma);
  chat = createWebChat({ deps, logger, secret: "test-secret-0123456789abcdef", distDir: "/nonexistent", pollMs: 200, heartbeatMs: 200 });
  server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await tg?.close();
  tg = undefined;
  await chat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** The service's delivery: the outbox sweep and delivery jobs with these senders (paced, as `serve` wires them). */
const startDelivery = async (senders: Partial<Record<Sender["channel"], Sender>>) => {
  runner = await createJobRunner({
    definitions: [createOutboxDispatchJob({ everyMs: 100 }), createOutboxDeliverJob()],
    deps,
    senders: pacedSenders(senders),
    logger,
    workerId: "inbox-test",
  });
  await runner.start();
};

/** Waits until every outbox row is settled (the sweep runs every 100 ms). */
const settled = () =>
  waitUntil(async () => (await db.prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } })) === 0, {
    timeoutMs: 60_000,
    what: "every outbox row settled",
    explain: async () => JSON.stringify(await db.prisma.outboxMessage.findMany({ select: { kind: true, status: true, lastError: true } })),
  });

/** Each step a minute after the last, each delivered before the next (as the service does every few seconds). */
const step = async <T>(work: () => Promise<T>): Promise<T> => {
  deps.clock.advance(60_000);
  const result = await work();
  await settled();
  return result;
};

/** Three documents registered, then directed to TCKH as the main unit: three cards for its head. */
const addressThree = async (org: OrgFixture) => {
  const pdf = await samplePdf();
  const docs = [];
  for (const n of [1, 2, 3])
    docs.push(await step(() => registerSample(deps, org, { codeNumber: String(44 + n), subject: `V/v việc số ${n}`, files: [{ bytes: pdf, fileName: `cv${n}.pdf` }] })));
  for (const [i, d] of docs.entries())
    await step(() =>
      issueDirective(deps, {
        actorUserId: org.users.chutich!,
        documentId: d.documentId,
        text: `Giao Sở Tài chính chủ trì việc số ${i + 1}.`,
        main: "TCKH",
        due: { workingDays: 5 },
      }),
    );
};

type View = {
  id: string;
  seq: number;
  direction: "in" | "out";
  title?: string;
  text: string;
  actions: { label: string; callback: string; command: string }[];
  attachments: { name: string }[];
};
type Browser = { cookie: string; csrf: string };

/** Signs in through the web chat's HTTP API with a fresh link code, as the person does. */
const signIn = async (userCode: string): Promise<Browser> => {
  const { code } = await issueLinkCode(deps, { userCode });
  const res = await fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, csrf: body.csrfToken };
};
const history = async (b: Browser): Promise<View[]> => {
  const res = await fetch(`${base}/chat/api/messages`, { headers: { cookie: b.cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: View[] }).messages;
};
let n = 0;
const press = async (b: Browser, messageId: string, callback: string) => {
  const res = await fetch(`${base}/chat/api/press`, {
    method: "POST",
    headers: { cookie: b.cookie, "content-type": "application/json", "x-csrf-token": b.csrf },
    body: JSON.stringify({ messageId, callback, updateKey: `press-${++n}-abcdefgh` }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: View[]; updates: View[]; callbackText?: string };
};

const errorsAbout = (userId: string, outboxIds: string[]) =>
  logged.filter((l) => l.level === "error" && (l.obj.userId === userId || outboxIds.includes(String(l.obj.outboxId)) || JSON.stringify(l.obj).includes(userId)));
const rowsOf = (userId: string) =>
  db.prisma.outboxMessage.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { id: true, kind: true, status: true, channel: true, identityId: true } });

describe("the web chat is every person's inbox", () => {
  it("embedded mode: a unit head signs in after three cards were addressed to them and finds all three, in order, with working buttons", { timeout: 120_000 }, async () => {
    const org = await setupExampleOrg(deps);
    await startDelivery({ WEB: chat.sender });
    await addressThree(org);

    const head = org.users["tp.tckh"]!;
    const rows = await rowsOf(head);
    expect(rows.map((r) => [r.kind, r.status, r.channel])).toEqual([
      ["assignment.new", "SENT", "WEB"],
      ["assignment.new", "SENT", "WEB"],
      ["assignment.new", "SENT", "WEB"],
    ]);
    expect(await db.prisma.outboxMessage.count({ where: { status: "FAILED" } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable" } })).toBe(0);
    expect(
      errorsAbout(
        head,
        rows.map((r) => r.id),
      ),
    ).toEqual([]);
    expect(logged.filter((l) => l.level === "error")).toEqual([]);

    // === First sign-in: the three cards, in the order they were addressed, each with its directive, PDF and buttons.
    const b = await signIn("tp.tckh");
    const shownToHead = (await history(b)).filter((m) => m.direction === "out");
    expect(shownToHead.map((m) => m.title)).toEqual(["Giao việc D1-TCKH", "Giao việc D2-TCKH", "Giao việc D3-TCKH"]);
    for (const [i, m] of shownToHead.entries()) {
      expect(m.text).toContain(`Giao Sở Tài chính chủ trì việc số ${i + 1}.`);
      expect(m.attachments.map((a) => a.name)).toEqual([`D${i + 1}-2026.pdf`]);
      expect(m.actions.map((a) => a.command)).toContain(`/nhan D${i + 1}-TCKH`);
    }

    // === The button acts: D2's card acknowledges D2 for this person, and the card loses its "Nhận".
    const card = shownToHead[1]!;
    const ack = card.actions.find((a) => a.command === "/nhan D2-TCKH")!;
    const answer = await press(b, card.id, ack.callback);
    expect(answer.callbackText ?? "").not.toContain("bản kiểm tra cũ");
    const d2 = await db.prisma.assignment.findFirstOrThrow({ where: { ref: { startsWith: "D2/" }, unit: { code: "TCKH" }, parentId: null } });
    expect(d2).toMatchObject({ status: "ACKNOWLEDGED", acknowledgedById: head });
    const after = (await history(b)).find((m) => m.id === card.id)!;
    expect(after.actions.map((a) => a.command)).not.toContain("/nhan D2-TCKH");
    expect(logged.filter((l) => l.level === "error")).toEqual([]);
  });

  it("embedded mode: a leader who signs in late finds every document to direct, in order, also when all three were due at once", { timeout: 120_000 }, async () => {
    const org = await setupExampleOrg(deps);
    // Registered while nothing delivered (the service was stopped): one sweep hands all of them to
    // parallel deliveries, and the inbox still shows them in the order they were addressed.
    for (const n of [1, 2, 3]) {
      deps.clock.advance(60_000);
      await registerSample(deps, org, { codeNumber: String(44 + n), subject: `V/v việc số ${n}` });
    }
    await startDelivery({ WEB: chat.sender });
    await settled();
    const b = await signIn("pct");
    expect((await history(b)).map((m) => m.title)).toEqual(["Văn bản mới cần chỉ đạo: D1", "Văn bản mới cần chỉ đạo: D2", "Văn bản mới cần chỉ đạo: D3"]);
    expect(logged.filter((l) => l.level === "error")).toEqual([]);
  });

  it(
    "with Telegram on: a linked person gets it on Telegram only; the others in their web inbox; a blocked chat's person too, and the office is told",
    { timeout: 120_000 },
    async () => {
      const org = await setupExampleOrg(deps);
      tg = await startFakeTelegramServer({ token: TG_TOKEN });
      const TCKH = 716_001;
      const NV = 716_002;
      await linkChat(deps, "TELEGRAM", String(TCKH), "tp.tckh");
      await linkChat(deps, "TELEGRAM", String(NV), "tp.nv");
      tg.block(NV);
      await startDelivery({ TELEGRAM: createTelegramSender({ token: TG_TOKEN, apiRoot: tg.apiRoot, files: deps.files }), WEB: chat.sender });

      const d1 = await step(() => registerSample(deps, org));
      await step(() =>
        issueDirective(deps, {
          actorUserId: org.users.chutich!,
          documentId: d1.documentId,
          text: "Giao các phòng thực hiện.",
          main: "TCKH",
          coordinate: ["TP", "NV"],
          due: { workingDays: 5 },
        }),
      );

      // Linked on Telegram: the card there, once; nothing kept for the web.
      const tckhRows = await rowsOf(org.users["tp.tckh"]!);
      expect(tckhRows.map((r) => [r.kind, r.status, r.channel])).toEqual([["assignment.new", "SENT", "TELEGRAM"]]);
      expect(tg.messages(TCKH).filter((m) => shown(m).startsWith("Giao việc D1-TCKH"))).toHaveLength(1);
      expect(await db.prisma.webMessage.count({ where: { userId: org.users["tp.tckh"]! } })).toBe(0);

      // Never linked anything: the web inbox.
      expect((await rowsOf(org.users["tp.tp"]!)).map((r) => [r.kind, r.status, r.channel, r.identityId])).toEqual([["assignment.new", "SENT", "WEB", null]]);
      const tp = await signIn("tp.tp");
      expect((await history(tp)).map((m) => m.title)).toEqual(["Giao việc D1-TP"]);

      // Telegram blocked: kept in the web inbox, and the office is told that their chat refused it.
      const nvRows = await rowsOf(org.users["tp.nv"]!);
      expect(nvRows.map((r) => [r.kind, r.status, r.channel])).toEqual([["assignment.new", "SENT", "WEB"]]);
      expect(tg.messages(NV)).toEqual([]);
      const office = await db.prisma.outboxMessage.findMany({ where: { kind: "office.unreachable" }, select: { userId: true, status: true } });
      expect(office.map((o) => o.userId).sort()).toEqual([org.users.cvp!, org.users["cv.vp"]!].sort());
      expect(office.every((o) => o.status === "SENT")).toBe(true);
      const cvp = await signIn("cvp");
      const notice = (await history(cvp)).find((m) => m.title === "Không gửi được tin nhắn tới Đỗ Minh Nhật");
      expect(notice?.text).toContain("chặn bot");
      expect(notice?.text).toContain("Thông báo vẫn được giữ trong hộp thư web của người này");
      const nv = await signIn("tp.nv");
      expect((await history(nv)).map((m) => m.title)).toEqual(["Giao việc D1-NV"]);

      // The log says what happened: no error (nothing failed), and "the office was told" only where it was.
      expect(logged.filter((l) => l.level === "error")).toEqual([]);
      const told = logged.filter((l) => String(l.msg).includes("the office was told"));
      expect(told.map((l) => l.obj.outboxId)).toEqual([nvRows[0]!.id]);
      expect(told[0]!.obj.officeNotified).toBe(2);
    },
  );
});
