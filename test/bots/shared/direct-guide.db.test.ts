// The leader's guided directive through handleIncoming: unit picker → coordinators → deadline →
// text → echo → /ok, on Zalo (numbered answers) and on Telegram (button presses), plus stale
// presses, /huy, typed answers, "Sửa" and refusals. The clock stands on Tuesday 01/12/2026 09:00.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { listUnits } from "../../../core/org/list-units.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { decodeCallback, encodeCallback } from "../../../core/workflow/actions.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "../../../bots/shared/types.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let files: ReturnType<typeof createMemoryFileStore>;
let documentId: string;
let seq = 0;

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const env = (over: Partial<BotEnv> = {}): BotEnv => ({ deps: createTestDeps(db.prisma, { files }), logger, ...over });
const zaloEnv = () => env({ numberedChoices: true });

/** The leader on both channels, the clerk and a unit head. */
const PEOPLE = {
  zaloLeader: { channel: "ZALO", id: "z-1", user: "chutich" },
  tgLeader: { channel: "TELEGRAM", id: "501", user: "pct" },
  clerk: { channel: "TELEGRAM", id: "502", user: "vanthu" },
  head: { channel: "ZALO", id: "z-3", user: "tp.tckh" },
} as const;
type Person = keyof typeof PEOPLE;

const send = (who: Person, turn: Omit<IncomingTurn, "channel" | "externalUserId" | "chatId" | "updateKey">, e: BotEnv = PEOPLE[who].channel === "ZALO" ? zaloEnv() : env()) =>
  handleIncoming(e, { channel: PEOPLE[who].channel, externalUserId: PEOPLE[who].id, chatId: PEOPLE[who].id, updateKey: `u:${++seq}`, ...turn });
const say = (who: Person, text: string) => send(who, { text });
const press = (who: Person, callback: string) => send(who, { callback });
const only = (r: TurnResult): OutboundMessage => {
  expect(r.replies).toHaveLength(1);
  return r.replies[0]!;
};
const shown = (m: OutboundMessage) => `${m.title ?? ""}\n${m.text}`;
/** On Zalo: the number of the menu line with this label ("3. Sở Tài chính (TCKH)"). */
const numberOf = (m: OutboundMessage, label: string): string => {
  const line = m.text.split("\n").find((l) => new RegExp(`^\\d+\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\(|$)`).test(l));
  expect(line, `no menu line "${label}" in:\n${m.text}`).toBeDefined();
  return line!.split(".")[0]!;
};
/** On Telegram: the callback of the button with this label. */
const button = (m: OutboundMessage, label: string): string => {
  const a = (m.actions ?? []).find((x) => x.label === label);
  expect(a, `no button "${label}" in ${JSON.stringify(m.actions?.map((x) => x.label))}`).toBeDefined();
  return a!.callback;
};
const TEXT = "Giao Sở Tài chính chủ trì, phối hợp Sở Tư pháp tham mưu UBND tỉnh\n  trả lời trước ngày 20/12 <b>&</b> báo cáo.";

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  files = createMemoryFileStore();
  org = await setupExampleOrg(env().deps);
  for (const p of Object.values(PEOPLE)) await db.prisma.chatIdentity.create({ data: { userId: org.users[p.user]!, channel: p.channel, externalUserId: p.id, chatId: p.id } });
  documentId = (await registerSample(env().deps, org, { files: [{ bytes: await samplePdf() }] })).documentId;
});

const recorded = async () =>
  db.prisma.directive.findMany({
    select: { text: true, authorId: true, assignments: { select: { role: true, dueAt: true, unit: { select: { code: true } } }, orderBy: { ref: "asc" } } },
  });

describe("listUnits", () => {
  it("lists the organisation's active units by kind, then name, with hasAccount", async () => {
    await db.prisma.unit.update({ where: { id: org.units.NV! }, data: { active: false } });
    const { units } = await listUnits(env().deps, { actorUserId: org.users.chutich! });
    expect(units.map((u) => u.code)).toEqual(["LD", "VP", "TNMT", "TCKH", "TP", "VHTT", "QLDT", "GV", "NB", "NP", "NC", "NL"]);
    expect(units.find((u) => u.code === "NC")).toEqual({ code: "NC", name: "UBND xã Nhơn Châu", kind: "COMMUNE", hasAccount: false });
  });
});

describe("the guide's callback data", () => {
  it("round-trips every step under 64 bytes and refuses forged shapes", () => {
    for (const op of ["main", "coordinate", "page", "done", "skip", "due", "edit"] as const) {
      const a = { kind: "guide" as const, op, nonce: "Ab_-12xY", n: 1234 };
      const data = encodeCallback(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeCallback(data)).toEqual(a);
    }
    expect(encodeCallback({ kind: "guide", op: "main", nonce: "Ab_-12xY", n: 3 })).toBe("a1:gm:Ab_-12xY3");
    for (const bad of ["a1:gm:Ab_-12xY", "a1:gm:short3", "a1:gm:Ab_-12xY12345", "a1:gq:Ab_-12xY3", "a1:gm:Ab_-12xYx"]) expect(decodeCallback(bad)).toBeNull();
    expect(() => encodeCallback({ kind: "guide", op: "due", nonce: "short", n: 5 })).toThrow();
  });
});

describe("the guided directive on Zalo (numbered answers)", () => {
  it("/chidao D1 → main by number, coordinators by number and code, Xong, 5 ngày, the text, 1 = Xác nhận", async () => {
    const units = only(await say("zaloLeader", "/chidao D1"));
    expect(shown(units)).toContain("Chỉ đạo D1: đơn vị chủ trì");
    expect(units.text).toContain("1. Lãnh đạo UBND tỉnh (LD)");
    expect(units.text).toContain("Thêm…");
    expect(units.actions).toBeUndefined();

    const coordinators = only(await say("zaloLeader", numberOf(units, "Sở Tài chính")));
    expect(shown(coordinators)).toContain("Chỉ đạo D1: đơn vị phối hợp");
    expect(coordinators.text).toContain("Chủ trì: Sở Tài chính");
    expect(coordinators.text).toContain("Phối hợp: chưa chọn đơn vị nào");
    expect(coordinators.text).not.toContain("(TCKH)");

    const one = only(await say("zaloLeader", numberOf(coordinators, "Sở Tư pháp")));
    expect(one.text).toContain("Phối hợp: Sở Tư pháp");
    expect(one.text).toContain("✓ Sở Tư pháp (TP)");
    const two = only(await say("zaloLeader", "vp"));
    expect(two.text).toContain("Phối hợp: Sở Tư pháp, Văn phòng UBND tỉnh");
    expect(only(await say("zaloLeader", "TCKH")).text).toContain("Sở Tài chính là đơn vị chủ trì");
    const wrong = only(await say("zaloLeader", "XYZ"));
    expect(wrong.text).toContain("Không có đơn vị mã XYZ");
    expect(only(await say("zaloLeader", "99")).text).toContain('Không có lựa chọn "99"');

    const due = only(await say("zaloLeader", numberOf(two, "Xong")));
    expect(shown(due)).toContain("Chỉ đạo D1: hạn xử lý");
    expect(due.text).toContain("Phối hợp: Sở Tư pháp, Văn phòng UBND tỉnh");
    const ask = only(await say("zaloLeader", numberOf(due, "5 ngày")));
    expect(shown(ask)).toContain("Chỉ đạo D1: nội dung");
    expect(ask.text).toContain("Hạn xử lý: 5 ngày làm việc");

    const echo = only(await say("zaloLeader", TEXT));
    expect(shown(echo)).toContain("Kiểm tra ý kiến chỉ đạo trên D1");
    expect(echo.text).toContain(TEXT);
    expect(echo.text).toContain("Chủ trì: Sở Tài chính");
    expect(echo.text).toContain("Phối hợp: Sở Tư pháp, Văn phòng UBND tỉnh");
    expect(echo.text).toMatch(/Hạn xử lý: 5 ngày làm việc → Thứ Ba, 08\/12\/2026/);
    expect(echo.actions?.map((a) => a.command)).toEqual(["/ok", "/sua", "/huy"]);
    expect(await db.prisma.directive.count()).toBe(0);

    expect(only(await say("zaloLeader", "1")).text).toContain("Đã ghi ý kiến chỉ đạo trên D1");
    const [directive, ...more] = await recorded();
    expect(more).toEqual([]);
    expect(directive!.text).toBe(TEXT);
    expect(directive!.authorId).toBe(org.users.chutich);
    expect(directive!.assignments.map((a) => [a.unit.code, a.role])).toEqual([
      ["TCKH", "MAIN"],
      ["TP", "COORDINATE"],
      ["VP", "COORDINATE"],
    ]);
    const main = directive!.assignments[0]!.dueAt!;
    for (const a of directive!.assignments) expect(a.dueAt).toEqual(main);
    // 5 working days from Tuesday 01/12: Tuesday 08/12 (end of the day in Vietnam).
    expect(main.toISOString().slice(0, 10)).toBe("2026-12-08");
    const told = await db.prisma.outboxMessage.findMany({ where: { kind: "assignment.new" }, select: { userId: true } });
    expect(told.map((o) => o.userId).sort()).toEqual([org.users["tp.tckh"]!, org.users["tp.tp"]!, org.users.cvp!].sort());
    expect(await db.prisma.conversationState.count({ where: { key: "conv:ZALO:z-1" } })).toBe(0);
  });

  it("/huy at any step forgets the guide; a typed date in the past is refused and asked again", async () => {
    const units = only(await say("zaloLeader", "/chidao D1"));
    await say("zaloLeader", numberOf(units, "Sở Tư pháp"));
    const due = only(await say("zaloLeader", "bỏ qua"));
    expect(due.text).toContain("Phối hợp: không");
    expect(only(await say("zaloLeader", "30/11/2026")).text).toContain("Hạn xử lý phải sau thời điểm hiện tại");
    const ask = only(await say("zaloLeader", "15/12/2026"));
    expect(ask.text).toContain("Hạn xử lý: 15/12/2026");
    expect(only(await say("zaloLeader", "/huy")).text).toBe("Đã hủy.");
    expect(await db.prisma.conversationState.count({ where: { key: "conv:ZALO:z-1" } })).toBe(0);
    // The text after /huy is no directive any more.
    expect(only(await say("zaloLeader", TEXT)).text).not.toContain("Kiểm tra ý kiến chỉ đạo");
    expect(await db.prisma.directive.count()).toBe(0);
  });
});

describe("the guided directive on Telegram (buttons)", () => {
  it("Chỉ đạo → TCKH → toggles → Xong → 7 ngày → text → Sửa hạn → 10 ngày → Xác nhận; old buttons are stale", async () => {
    const units = only(await press("tgLeader", `a1:dir:${documentId}`));
    expect(shown(units)).toContain("Chỉ đạo D1: đơn vị chủ trì");
    const labels = units.actions!.map((a) => a.label);
    expect(labels.slice(0, 3)).toEqual(["Lãnh đạo UBND tỉnh", "Văn phòng UBND tỉnh", "Sở Nội vụ"]);
    expect(labels).toHaveLength(9);
    expect(labels.at(-1)).toBe("Thêm…");
    expect(units.actions!.find((a) => a.label === "Sở Tư pháp")!.command).toBe("TP");
    for (const a of units.actions!) {
      expect(Buffer.byteLength(a.callback)).toBeLessThanOrEqual(64);
      expect(decodeCallback(a.callback)?.kind).toBe("guide");
    }

    // "Thêm…" changes the pressed message's buttons in place; a pick on the new page works.
    const more = await press("tgLeader", button(units, "Thêm…"));
    expect(more.replies).toEqual([]);
    expect(more.card!.actions.map((a) => a.label)).toEqual([
      "UBND phường Quy Nhơn",
      "UBND phường Quy Nhơn Bắc",
      "UBND phường Quy Nhơn Nam",
      "UBND xã Nhơn Châu",
      "UBND xã Tuy Phước",
      "« Đầu danh sách",
    ]);
    const first = await press("tgLeader", more.card!.actions.find((a) => a.label === "« Đầu danh sách")!.callback);
    const page1 = first.card!.actions;
    expect(page1.map((a) => a.label)).toEqual(labels);
    // The first page's old buttons are spent (the page press renewed the menu).
    expect((await press("tgLeader", button(units, "Sở Tài chính"))).callbackText).toContain("bản kiểm tra cũ");

    const picked = await press("tgLeader", page1.find((a) => a.label === "Sở Tài chính")!.callback);
    expect(picked.card).toEqual({ actions: [] });
    const coordinators = only(picked);
    expect(coordinators.actions!.map((a) => a.label)).not.toContain("Sở Tài chính");
    expect(coordinators.actions!.slice(-3).map((a) => a.label)).toEqual(["Thêm…", "Xong", "Bỏ qua"]);
    const withTp = only(await press("tgLeader", button(coordinators, "Sở Tư pháp")));
    expect(withTp.text).toContain("Phối hợp: Sở Tư pháp");
    const withNv = only(await press("tgLeader", button(withTp, "Sở Nội vụ")));
    expect(withNv.text).toContain("Phối hợp: Sở Tư pháp, Sở Nội vụ");
    const withoutNv = only(await press("tgLeader", button(withNv, "✓ Sở Nội vụ")));
    expect(withoutNv.text).toContain("Phối hợp: Sở Tư pháp");
    expect(withoutNv.text).not.toContain("Sở Nội vụ");
    // A press on an earlier menu of this step is stale too.
    const old = await press("tgLeader", button(withTp, "Xong"));
    expect(old.callbackText).toContain("bản kiểm tra cũ");
    expect(old.card).toEqual({ actions: [] });

    const due = only(await press("tgLeader", button(withoutNv, "Xong")));
    expect(due.actions!.map((a) => a.label)).toEqual(["3 ngày", "5 ngày", "7 ngày", "10 ngày"]);
    // A coordinator button after Xong does not belong to this step.
    expect((await press("tgLeader", button(withoutNv, "Sở Nội vụ"))).callbackText).toContain("bản kiểm tra cũ");
    const ask = only(await press("tgLeader", button(due, "7 ngày")));
    expect(ask.actions).toBeUndefined();
    const echo = only(await say("tgLeader", TEXT));
    expect(echo.text).toMatch(/Hạn xử lý: 7 ngày làm việc → Thứ Năm, 10\/12\/2026/);
    expect(echo.actions!.map((a) => a.label)).toEqual(["Xác nhận", "Sửa", "Hủy"]);

    // Sửa → the deadline only; the text typed before is kept.
    const edit = await press("tgLeader", button(echo, "Sửa"));
    expect(edit.card).toEqual({ actions: [] });
    const parts = only(edit);
    expect(parts.actions!.map((a) => a.label)).toEqual(["Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn xử lý", "Nội dung"]);
    const due2 = only(await press("tgLeader", button(parts, "Hạn xử lý")));
    const echo2 = only(await press("tgLeader", button(due2, "10 ngày")));
    expect(echo2.text).toContain(TEXT);
    expect(echo2.text).toMatch(/Hạn xử lý: 10 ngày làm việc → Thứ Ba, 15\/12\/2026/);
    // The first echo's Xác nhận is stale now.
    expect((await press("tgLeader", button(echo, "Xác nhận"))).callbackText).toContain("bản kiểm tra cũ");
    expect(await db.prisma.directive.count()).toBe(0);

    const done = await press("tgLeader", button(echo2, "Xác nhận"));
    expect(only(done).text).toContain("Đã ghi ý kiến chỉ đạo trên D1");
    const [directive] = await recorded();
    expect(directive!.text).toBe(TEXT);
    expect(directive!.authorId).toBe(org.users.pct);
    expect(directive!.assignments.map((a) => [a.unit.code, a.role, a.dueAt!.toISOString().slice(0, 10)])).toEqual([
      ["TCKH", "MAIN", "2026-12-15"],
      ["TP", "COORDINATE", "2026-12-15"],
    ]);
  });

  it("a typed answer works at every step; the grammar typed after Chỉ đạo still works", async () => {
    only(await press("tgLeader", `a1:dir:${documentId}`));
    only(await say("tgLeader", "tckh"));
    only(await say("tgLeader", "TP, NV"));
    only(await say("tgLeader", "xong"));
    only(await say("tgLeader", "3"));
    const echo = only(await say("tgLeader", "Giao TCKH."));
    expect(echo.text).toContain("Phối hợp: Sở Tư pháp, Sở Nội vụ");
    expect(echo.text).toMatch(/Hạn xử lý: 3 ngày làm việc → Thứ Sáu, 04\/12\/2026/);
    expect(only(await say("tgLeader", "/huy")).text).toBe("Đã hủy.");

    only(await press("tgLeader", `a1:dir:${documentId}`));
    const grammar = only(await say("tgLeader", "Giao Sở Tư pháp chủ trì.\nchủ trì: TP\nhạn: 5 ngày"));
    expect(grammar.text).toContain("Chủ trì: Sở Tư pháp");
    expect(grammar.actions!.map((a) => a.label)).toEqual(["Xác nhận", "Hủy"]);
  });

  it("refuses a non-leader's press and a clerk without 'thay'; a clerk with 'thay: chutich' is guided", async () => {
    const head = await send("head", { callback: `a1:dir:${documentId}` }, zaloEnv());
    expect(head.callbackText).toContain("không có quyền");
    expect(head.replies).toEqual([]);
    expect(await db.prisma.conversationState.count({ where: { key: { startsWith: "conv:" } } })).toBe(0);
    expect(only(await say("clerk", "/chidao D1")).text).toContain("thay: <mã lãnh đạo>");
    // A guide button pressed where no guide is open is stale.
    expect((await press("clerk", "a1:gm:AAAAAAAA3")).callbackText).toContain("bản kiểm tra cũ");

    const units = only(await say("clerk", "/chidao D1 thay: chutich"));
    only(await press("clerk", button(units, "Sở Tư pháp")));
    const due = only(await say("clerk", "bo qua"));
    only(await press("clerk", button(due, "5 ngày")));
    const echo = only(await say("clerk", "Giao Sở Tư pháp."));
    expect(echo.text).toContain("Lãnh đạo: Nguyễn Văn An (văn thư nhập thay)");
    only(await say("clerk", "/ok"));
    const [directive] = await recorded();
    expect(directive!.authorId).toBe(org.users.chutich);
    expect(directive!.assignments.map((a) => a.unit.code)).toEqual(["TP"]);
  });
});

describe("the deadline the sender asked for (an interchange package's DueDate)", () => {
  /** The document asks for Sunday 20/12/2026: the last working day not after it is Friday 18/12. */
  const ask = () => db.prisma.document.update({ where: { id: documentId }, data: { requestedDueDate: new Date("2026-12-20T00:00:00Z") } });

  it("is offered first at the guide's deadline step, and pressing it records that deadline", async () => {
    await ask();
    const units = only(await press("tgLeader", `a1:dir:${documentId}`));
    const coordinators = only(await press("tgLeader", button(units, "Sở Tài chính")));
    const due = only(await press("tgLeader", button(coordinators, "Bỏ qua")));
    expect(due.actions!.map((a) => a.label)).toEqual(["Theo đề nghị: 18/12/2026", "3 ngày", "5 ngày", "7 ngày", "10 ngày"]);
    const ask2 = only(await press("tgLeader", button(due, "Theo đề nghị: 18/12/2026")));
    expect(ask2.text).toContain("Hạn xử lý: 18/12/2026");
    const echo = only(await say("tgLeader", "Giao Sở Tài chính trả lời."));
    expect(echo.text).toContain("18/12/2026");
    expect(echo.text).toContain("Hạn nơi gửi đề nghị: 20/12/2026");
    only(await press("tgLeader", button(echo, "Xác nhận")));
    const [directive] = await recorded();
    expect(directive!.assignments[0]!.dueAt!.toISOString()).toBe("2026-12-18T16:59:59.999Z");
  });

  it("on Zalo the offer is a numbered line whose number picks it", async () => {
    await ask();
    const units = only(await say("zaloLeader", "/chidao D1"));
    const coordinators = only(await say("zaloLeader", numberOf(units, "Sở Tài chính")));
    const due = only(await say("zaloLeader", numberOf(coordinators, "Bỏ qua")));
    expect(numberOf(due, "Theo đề nghị: 18/12/2026")).toBe("1");
    expect(only(await say("zaloLeader", "1")).text).toContain("Hạn xử lý: 18/12/2026");
  });

  it("is the deadline of a typed directive without a 'hạn' line, and the echo says where it comes from", async () => {
    expect(only(await say("tgLeader", "/chidao D1\nGiao Sở Tài chính chủ trì.\nchủ trì: TCKH")).text).toContain("Chưa có hạn xử lý");
    await ask();
    const echo = only(await say("tgLeader", "/chidao D1\nGiao Sở Tài chính chủ trì.\nchủ trì: TCKH"));
    expect(echo.text).toMatch(/Hạn xử lý: .*18\/12\/2026/);
    expect(echo.text).toContain('(theo hạn nơi gửi đề nghị: 20/12/2026; ghi dòng "hạn: …" để đổi)');
    only(await say("tgLeader", "/ok"));
    const [directive] = await recorded();
    expect(directive!.assignments[0]!.dueAt!.toISOString()).toBe("2026-12-18T16:59:59.999Z");
  });

  it("is not offered once it has passed; a typed directive without 'hạn' then says so", async () => {
    await db.prisma.document.update({ where: { id: documentId }, data: { requestedDueDate: new Date("2026-11-30T00:00:00Z") } });
    const units = only(await press("tgLeader", `a1:dir:${documentId}`));
    const coordinators = only(await press("tgLeader", button(units, "Sở Tài chính")));
    const due = only(await press("tgLeader", button(coordinators, "Bỏ qua")));
    expect(due.actions!.map((a) => a.label)).toEqual(["3 ngày", "5 ngày", "7 ngày", "10 ngày"]);
    only(await say("tgLeader", "/huy"));
    expect(only(await say("tgLeader", "/chidao D1\nGiao Sở Tài chính chủ trì.\nchủ trì: TCKH")).text).toContain("Hạn nơi gửi đề nghị (30/11/2026) đã qua");
  });
});
