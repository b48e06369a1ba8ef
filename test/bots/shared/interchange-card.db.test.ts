// The register clerks' card for a package from the interchange, through the channel-neutral dispatcher on
// every channel: Telegram buttons (`a1:axok:<id>`, `a1:axret:<id>`), the typed commands Zalo shows
// (`/ok LT1`, `/tralai LT1 lý do`, also without the slash), the web chat's buttons; only a register clerk
// may act. Real use cases, real database, the fake axis on 127.0.0.1 for the packages and the statuses.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "../../../bots/shared/types.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { buildEdxmlPackage, parseEdxmlStatus } from "../../../core/interchange/edxml.ts";
import { pollInterchange } from "../../../core/interchange/receive-package.ts";
import { sendDueInterchangeStatuses } from "../../../core/interchange/status-messages.ts";
import { t } from "../../../core/messages/index.ts";
import { createTestDeps } from "../../support/core.ts";
import { samplePackage } from "../../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const SENDER = "000.00.31.H10";
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let db: TestDatabase;
let org: OrgFixture;
let fake: FakeAxisServer;
let tmp: string;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;
let seq = 0;

/** The clerk on Telegram, a second clerk on Zalo, an officer in the web chat. */
const CHATS = { vanthu: { channel: "TELEGRAM", id: "tg-vanthu" }, vanthu2: { channel: "ZALO", id: "z-vanthu2" }, "cv.tckh": { channel: "WEB", id: "w-cvtckh" } } as const;
const env = (): BotEnv => ({ deps, logger });
const turn = (who: keyof typeof CHATS, over: Partial<IncomingTurn>): Promise<TurnResult> =>
  handleIncoming(env(), { channel: CHATS[who].channel, externalUserId: CHATS[who].id, chatId: CHATS[who].id, updateKey: `ax:${++seq}`, ...over });
const press = (who: keyof typeof CHATS, callback: string) => turn(who, { callback });
const say = (who: keyof typeof CHATS, text: string) => turn(who, { text });
const textOf = (r: TurnResult) => [...(r.callbackText ? [r.callbackText] : []), ...r.replies.map((m) => m.text)].join("\n");
const stateOf = async (packageId: string) => (await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } })).state;
const statusCodes = async () => {
  await sendDueInterchangeStatuses(deps, { transport: createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS }), agencyOrganId: "000.00.32.H10", workerId: "test" });
  return Promise.all(fake.statuses.map(async (s) => parseEdxmlStatus(s.bytes))).then((all) => all.map((s) => ({ code: s.statusCode, description: s.description ?? "" })));
};

/** A package arrives and waits on the card. */
const arrive = async (): Promise<{ packageId: string; ref: string }> => {
  const input = samplePackage();
  input.attachments = [{ contentType: "application/pdf", name: "45-STC-NS.pdf", bytes: pdf }];
  fake.deliver(buildEdxmlPackage(input), { from: SENDER });
  const [outcome] = await pollInterchange(deps, { transport: createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS }), tmpDir: tmp });
  if (outcome?.outcome !== "pending") throw new Error(`expected a pending package, got ${JSON.stringify(outcome)}`);
  return { packageId: outcome.packageId, ref: `LT${outcome.number}` };
};

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  deps = createTestDeps(db.prisma, { files: createMemoryFileStore() });
  org = await setupExampleOrg(deps);
  await db.prisma.user.create({ data: { orgId: org.orgId, unitId: org.units.VP!, code: "vanthu2", name: "Phan Thị Hoa", roles: ["CLERK"] } });
  for (const [code, chat] of Object.entries(CHATS)) await linkChat(deps, chat.channel, chat.id, code);
  fake = await startFakeAxisServer(CREDENTIALS);
  tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-chat-"));
});
afterEach(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("the interchange card in chat", () => {
  it("Telegram: Vào sổ registers it (số đến, 03 to the sender) and spends the buttons; a second press says it is done", async () => {
    const { packageId, ref } = await arrive();
    const first = await press("vanthu", `a1:axok:${packageId}`);
    expect(textOf(first)).toContain(`Đã vào sổ ${ref}: số đến D1`);
    expect(first.card).toEqual({ actions: [] });
    expect(await stateOf(packageId)).toBe("REGISTERED");
    const second = await press("vanthu", `a1:axok:${packageId}`);
    expect(textOf(second)).toContain(`${ref} đã được văn thư Trần Thị Bình vào sổ`);
    expect(second.card).toEqual({ actions: [] });
    expect(await db.prisma.document.count()).toBe(1);
    expect((await statusCodes()).map((s) => s.code)).toEqual(["01", "03"]);
  });

  it("Zalo, typed: /tralai without a reason asks for it; with one, 02 with the reason, nothing registered", async () => {
    const { packageId, ref } = await arrive();
    expect(textOf(await say("vanthu2", `/tralai ${ref}`))).toBe(t("vi", "interchange.card.reasonRequired", { ref }));
    expect(await stateOf(packageId)).toBe("PENDING");
    const done = await say("vanthu2", `tralai ${ref.toLowerCase()} Gửi nhầm <i>cơ quan</i>`);
    expect(textOf(done)).toContain(`Đã trả lại ${ref} cho cơ quan gửi (trạng thái 02) với lý do: «Gửi nhầm <i>cơ quan</i>»`);
    expect(await stateOf(packageId)).toBe("RETURNED");
    expect(await db.prisma.document.count()).toBe(0);
    expect(await statusCodes()).toEqual([expect.objectContaining({ code: "01" }), { code: "02", description: "Gửi nhầm <i>cơ quan</i>" }]);
  });

  it("the Trả lại button asks for the reason and changes nothing", async () => {
    const { packageId, ref } = await arrive();
    const r = await press("vanthu", `a1:axret:${packageId}`);
    expect(r.callbackText).toBe(t("vi", "interchange.card.reasonRequired", { ref }));
    expect(r.card).toBeUndefined();
    expect(await stateOf(packageId)).toBe("PENDING");
  });

  it("a press after another clerk acted: says who returned it, changes nothing, spends the buttons", async () => {
    const { packageId, ref } = await arrive();
    await say("vanthu2", `/tralai ${ref} Không thuộc thẩm quyền`);
    const late = await press("vanthu", `a1:axok:${packageId}`);
    expect(textOf(late)).toContain(`${ref} đã được văn thư Phan Thị Hoa trả lại`);
    expect(late.card).toEqual({ actions: [] });
    expect(await stateOf(packageId)).toBe("RETURNED");
    expect(await db.prisma.document.count()).toBe(0);
    // Typed too: "ok LT1" without the slash reaches the card, and is told the same.
    expect(textOf(await say("vanthu", `ok ${ref}`))).toContain(`${ref} đã được văn thư Phan Thị Hoa trả lại`);
  });

  it("an officer (web chat) is refused with the forbidden message; a stranger only learns how to link; nothing changes", async () => {
    const { packageId, ref } = await arrive();
    const forbidden = t("vi", "error.forbidden");
    expect((await press("cv.tckh", `a1:axok:${packageId}`)).callbackText).toBe(forbidden);
    expect(textOf(await say("cv.tckh", `/tralai ${ref} không nhận`))).toContain(forbidden);
    const stranger = await handleIncoming(env(), {
      channel: "TELEGRAM",
      externalUserId: "tg-stranger",
      chatId: "tg-stranger",
      updateKey: `ax:${++seq}`,
      callback: `a1:axok:${packageId}`,
    });
    expect(stranger.callbackText).toBe(t("vi", "bot.link.howTo"));
    expect(await stateOf(packageId)).toBe("PENDING");
    expect(await db.prisma.document.count()).toBe(0);
  });

  it("a bare /ok still confirms an open echo (nothing to confirm here), not the card", async () => {
    const { packageId } = await arrive();
    expect(textOf(await say("vanthu", "/ok"))).toBe(t("vi", "bot.confirm.nothing"));
    expect(await stateOf(packageId)).toBe("PENDING");
  });
});
