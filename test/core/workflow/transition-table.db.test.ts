// The transition table (core/workflow/state-machine.ts) walked cell by cell: for every assignment
// state, every kind of assignment (a unit's lead task, one for information, an officer's delegated
// one, one with an extension request waiting), every person (the unit head, the officer, another
// unit's head, the leader) and every action:
// - the use case succeeds exactly when the table lists the action for that person, and a refusal
//   changes nothing;
// - the cards offer exactly the listed actions, on all three channels: the outbox card and the
//   living card (/xem, a pressed button) rendered as Telegram buttons, web-chat buttons and Zalo
//   reply lines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { requestExtension } from "../../../core/assignments/request-extension.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { loadActor } from "../../../core/actors/actor.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { isDomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { MessageAction } from "../../../core/ports/sender.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { getAssignmentById } from "../../../core/queries/get-assignment.ts";
import type { AssignmentStatus } from "../../../core/store/generated/enums.ts";
import { ASSIGNMENT_ACTIONS, assignmentActionsFor, type AssignmentAction } from "../../../core/workflow/state-machine.ts";
import { decodeCallback } from "../../../core/workflow/actions.ts";
import { cardActions } from "../../../bots/shared/features/assignments.ts";
import { inlineKeyboard } from "../../../bots/telegram/send-message.ts";
import { toWebMessageView } from "../../../bots/web/render-web.ts";
import { renderZaloText } from "../../../bots/zalo/render-zalo.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { markDelegated } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const STATUSES: AssignmentStatus[] = ["ASSIGNED", "ACKNOWLEDGED", "IN_PROGRESS", "COMPLETED", "RETURNED", "CANCELLED"];
const PEOPLE = ["tp.tckh", "cv.tckh", "tp.tp", "chutich"] as const;
type Variant = "main" | "info" | "delegated" | "pendingExtension";
const VARIANTS: Variant[] = ["main", "info", "delegated", "pendingExtension"];

/** Button kinds (bots/shared/callback-data.ts) and Zalo commands back to the table's actions. */
const BY_KIND: Record<string, AssignmentAction> = { ack: "ack", delegate: "delegate", progress: "progress", done: "complete", return: "return", extend: "extend" };
const BY_COMMAND: Record<string, AssignmentAction> = { nhan: "ack", giao: "delegate", tiendo: "progress", xong: "complete", tralai: "return", giahan: "extend" };

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const files = createMemoryFileStore();
const deps = () => createTestDeps(db.prisma, { clock, files });
let ids: { main: string; info: string; child: string };

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  const u = (code: string) => org.users[code]!;
  const d1 = (await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] })).documentId;
  const d2 = (await registerSample(deps(), org, { codeNumber: "46", files: [{ bytes: await samplePdf() }] })).documentId;
  const r1 = await issueDirective(deps(), { actorUserId: u("chutich"), documentId: d1, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });
  const r2 = await issueDirective(deps(), {
    actorUserId: u("chutich"),
    documentId: d2,
    text: "Giao TP chủ trì, TCKH để biết.",
    main: "TP",
    info: ["TCKH"],
    due: { date: "2026-12-18" },
  });
  const main = r1.assignments[0]!.assignmentId;
  ids = { main, info: r2.assignments.find((a) => a.role === "INFO")!.assignmentId, child: await markDelegated(db.prisma, main, u("cv.tckh"), clock.now()) };
}, 120_000);
afterAll(async () => db?.close());

/** Puts the variant's assignment in `status` and removes whatever an earlier successful action added. */
const reset = async (variant: Variant, status: AssignmentStatus): Promise<string> => {
  const p = db.prisma;
  await p.extensionRequest.deleteMany();
  await p.storedFile.deleteMany({ where: { reportId: { not: null } } });
  await p.report.deleteMany();
  await p.assignment.deleteMany({ where: { parentId: ids.main, id: { not: ids.child } } });
  const set = (id: string, s: AssignmentStatus) =>
    p.assignment.update({ where: { id }, data: { status: s, acknowledgedAt: s === "ASSIGNED" ? null : clock.now(), completedAt: null, returnedAt: null, returnReason: null } });
  // Only the officer's delegation keeps its own (open) copy; elsewhere it is out of the way.
  await set(ids.child, variant === "delegated" ? status : "CANCELLED");
  await set(ids.main, variant === "delegated" ? "IN_PROGRESS" : variant === "info" ? "ACKNOWLEDGED" : status);
  await set(ids.info, variant === "info" ? status : "ACKNOWLEDGED");
  const target = variant === "delegated" ? ids.child : variant === "info" ? ids.info : ids.main;
  if (variant === "pendingExtension")
    await p.extensionRequest.create({
      data: { assignmentId: ids.main, requestedById: org.users["tp.tckh"]!, reason: "Chờ số liệu.", requestedDueAt: new Date("2026-12-23T16:59:59.999Z") },
    });
  return target;
};

const runAction = (action: AssignmentAction, actorUserId: string, assignmentId: string): Promise<unknown> => {
  switch (action) {
    case "ack":
      return acknowledgeAssignment(deps(), { actorUserId, assignmentId });
    case "delegate":
      return delegateAssignment(deps(), { actorUserId, assignmentId, officerUserCode: "cv.tckh" });
    case "progress":
      return reportProgress(deps(), { actorUserId, assignmentId, text: "Đang tổng hợp số liệu." });
    case "complete":
      return completeAssignment(deps(), { actorUserId, assignmentId, text: "Đã tham mưu văn bản trả lời." });
    case "return":
      return returnAssignment(deps(), { actorUserId, assignmentId, reason: "Không thuộc lĩnh vực của phòng." });
    case "extend":
      return requestExtension(deps(), { actorUserId, assignmentId, reason: "Chờ số liệu của phường.", newDue: { date: "2026-12-24" } });
  }
};

/** What each channel offers for these actions, read back as the table's actions. */
const offeredOnChannels = (actions: MessageAction[]) => {
  const telegram = inlineKeyboard(actions)
    .inline_keyboard.flat()
    .map((b) => ("callback_data" in b ? BY_KIND[decodeCallback(b.callback_data)?.kind ?? ""] : undefined));
  const web = toWebMessageView(
    { id: "m", seq: 1, userId: "u", direction: "OUT", payload: { text: "x", actions }, createdAt: clock.now() } as Parameters<typeof toWebMessageView>[0],
    { secret: "s".repeat(32), baseUrl: "", ttlSeconds: 60 },
    clock.now(),
  ).actions.map((a) => BY_KIND[decodeCallback(a.callback)?.kind ?? ""]);
  const zaloText = renderZaloText({ text: "x", actions }, { locale: "vi" });
  const zalo = [...zaloText.matchAll(/\/(nhan|giao|tiendo|xong|tralai|giahan) D\d+-TCKH(?:-cv\.tckh)?$/gm)].map((m) => BY_COMMAND[m[1]!]);
  // Zalo puts the first action last ("Trả lời: …"); compare as sets there.
  return { telegram, web, zalo: [...zalo].sort() };
};

describe("the transition table, cell by cell", () => {
  for (const variant of VARIANTS) {
    it(`${variant}: use cases and the cards of all three channels agree with the table`, async () => {
      let checked = 0;
      for (const status of STATUSES) {
        for (const person of PEOPLE) {
          const userId = org.users[person]!;
          const actor = await loadActor(db.prisma, userId);
          let target = await reset(variant, status);
          const row = await db.prisma.assignment.findUniqueOrThrow({ where: { id: target }, include: { extensions: { where: { status: "PENDING" } } } });
          const allowed = assignmentActionsFor(actor, { ...row, hasPendingExtension: row.extensions.length > 0 });
          const cell = `${variant} ${status} ${person}`;

          // The cards: the outbox's, and the living card (/xem, a pressed button).
          const outbox = await renderOutboxMessage(deps(), {
            kind: "reminder.step",
            payload: { assignmentId: target, step: "DUE_SOON", at: clock.now().toISOString() },
            userId,
            locale: "vi",
          });
          const outboxActions = outbox.ok ? (outbox.message.actions ?? []) : [];
          const detail = await getAssignmentById(deps(), { actorUserId: userId, assignmentId: target }).catch(() => null);
          const living = detail ? cardActions("vi", detail.assignmentId, detail.displayRef, detail.actions) : [];
          if (status !== "COMPLETED" && status !== "CANCELLED") expect(outbox.ok, cell).toBe(true);
          for (const [where, actions] of [
            ["outbox", outboxActions],
            ["living", living],
          ] as const) {
            const got = offeredOnChannels(actions);
            expect(got.telegram, `${cell} ${where} telegram`).toEqual(allowed);
            expect(got.web, `${cell} ${where} web`).toEqual(allowed);
            expect(got.zalo, `${cell} ${where} zalo`).toEqual([...allowed].sort());
          }

          // The use cases: each succeeds exactly when the table allows it; a refusal changes nothing.
          for (const action of ASSIGNMENT_ACTIONS) {
            const before = await db.prisma.assignment.findUniqueOrThrow({ where: { id: target }, select: { status: true, dueAt: true } });
            const outcome = await runAction(action, userId, target).then(
              () => "ok",
              (e: unknown) => (isDomainError(e) ? e.code : Promise.reject(e)),
            );
            expect(outcome === "ok", `${cell} ${action}: ${outcome}`).toBe(allowed.includes(action));
            if (outcome === "ok") target = await reset(variant, status);
            else expect(await db.prisma.assignment.findUniqueOrThrow({ where: { id: target }, select: { status: true, dueAt: true } }), `${cell} ${action}`).toEqual(before);
            checked += 1;
          }
        }
      }
      expect(checked).toBe(STATUSES.length * PEOPLE.length * ASSIGNMENT_ACTIONS.length);
    }, 600_000);
  }
});
