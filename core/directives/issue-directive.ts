import type { z } from "zod";
import { hasRole, loadActor, type Actor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { stampOrLog } from "../documents/ensure-stamped-copy.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { DomainError } from "../errors.ts";
import { enqueueInterchangeProgress } from "../interchange/enqueue-status.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import { runUseCase } from "../use-case.ts";
import { closePendingExtensions } from "../assignments/close-extensions.ts";
import { DOCUMENT_TRANSITIONS, SUPERSEDE_TRANSITION } from "../workflow/state-machine.ts";
import { issueDirect } from "./issue-direct.ts";
import {
  actorAsAuthor,
  assignmentCreatedEvent,
  directiveEvent,
  newAssignmentOf,
  newAssignmentOutbox,
  planFromFacts,
  wantedUnits,
  ZIssueDirectiveInput,
  type DirectivePlan,
  type IssueDirectiveInput,
  type IssueDirectiveResult,
} from "./plan-directive.ts";

/** The leader the directive is from: the actor, or the leader a clerk names (only LEADERs direct). */
const authorOf = async (deps: CoreDeps, actor: Actor, input: z.output<typeof ZIssueDirectiveInput>): Promise<{ id: string; name: string }> => {
  if (input.onBehalfOfUserCode) {
    if (!hasRole(actor, "CLERK", "LEADER")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const leader = await deps.prisma.user.findFirst({
      where: { orgId: actor.orgId, code: { equals: input.onBehalfOfUserCode, mode: "insensitive" }, active: true },
      select: { id: true, name: true, roles: true },
    });
    if (!leader || !leader.roles.includes("LEADER")) throw new DomainError("DIRECTIVE_LEADER_UNKNOWN", "directive.leaderUnknown", { user: input.onBehalfOfUserCode });
    return { id: leader.id, name: leader.name };
  }
  return actorAsAuthor(actor);
};

/** Validates a directive and works out exactly what would be recorded (the echo before /ok). */
const planDirective = async (deps: CoreDeps, actor: Actor, input: z.output<typeof ZIssueDirectiveInput>): Promise<DirectivePlan> => {
  const author = await authorOf(deps, actor, input);
  if (input.text.trim() === "") throw new DomainError("DIRECTIVE_TEXT_EMPTY", "directive.textEmpty");
  const doc = await deps.prisma.document.findFirst({
    where: { id: input.documentId, orgId: actor.orgId },
    select: { id: true, ref: true, direction: true, secrecy: true, status: true, requestedDueDate: true },
  });
  const units = await deps.prisma.unit.findMany({
    where: { orgId: actor.orgId, code: { in: wantedUnits(input).map((w) => w.code), mode: "insensitive" } },
    select: { id: true, code: true, name: true, active: true, hasAccount: true },
  });
  const { calendar, zone } = await loadReminderContext(deps, { orgId: actor.orgId });
  const now = deps.clock.now();
  const current = doc ? await deps.prisma.directive.findFirst({ where: { documentId: doc.id, supersededBy: null }, orderBy: { createdAt: "desc" }, select: { id: true } }) : null;
  return planFromFacts(actor, input, { author, doc, units, calendar, zone, now, currentDirectiveId: current?.id ?? null });
};

/**
 * Checks a directive and returns exactly what `issueDirective` would record, without writing
 * anything: the units by full name, the deadlines and working days left. For the echo before /ok.
 */
export const previewDirective = (deps: CoreDeps, raw: IssueDirectiveInput): Promise<DirectivePlan> =>
  runUseCase(deps, { action: "directive.preview", actorUserId: raw.actorUserId, entityType: "Document", entityId: raw.documentId }, async () => {
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    return planDirective(deps, actor, ZIssueDirectiveInput.parse(raw));
  });

/**
 * Records a leader's directive on an incoming document (a clerk may enter it on a leader's behalf:
 * both are recorded) and creates one assignment per unit: exactly one main unit, any coordinating
 * and for-information units. Units without an account are served on paper (listed for the office).
 * A document that already has a directive gets a new one that supersedes it: the old one is kept,
 * its open assignments are cancelled. Each unit's heads are told through the outbox.
 *
 * @example await issueDirective(deps, { actorUserId, documentId, text: "Giao Phòng TCKH chủ trì…", main: "TCKH", coordinate: ["TP"], due: { workingDays: 5 } })
 */
export const issueDirective = (deps: CoreDeps, raw: IssueDirectiveInput): Promise<IssueDirectiveResult> =>
  runUseCase(deps, { action: "directive.issue", actorUserId: raw.actorUserId, entityType: "Document", entityId: raw.documentId }, async () => {
    // The common case (a leader's first directive on the document) in one read and one statement; the rest here.
    const parsed = ZIssueDirectiveInput.safeParse(raw);
    const direct = parsed.success ? await issueDirect(deps, parsed.data) : null;
    if (direct !== null) {
      if (direct.hasScan) await stampOrLog(deps, direct.result.documentId, { restamp: true });
      return direct.result;
    }
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    const input = ZIssueDirectiveInput.parse(raw);
    // The plan is made outside the transaction: a directive recorded meanwhile (another leader, a clerk)
    // is found under the document's lock and the directive planned again, now superseding it.
    for (let attempt = 1; ; attempt++) {
      const plan = await planDirective(deps, actor, input);
      try {
        return await recordDirective(deps, actor, plan);
      } catch (err) {
        if (!(err instanceof DirectiveInForceChanged) || attempt >= 3)
          throw err instanceof DirectiveInForceChanged ? new DomainError("DIRECTIVE_CHANGED", "directive.changedMeanwhile") : err;
      }
    }
  });

/** The directive in force on the document is no longer the one the plan supersedes (or a first one appeared). */
class DirectiveInForceChanged extends Error {}

const recordDirective = async (deps: CoreDeps, actor: Actor, plan: DirectivePlan): Promise<IssueDirectiveResult> => {
  const now = deps.clock.now();
  const { calendar, policy } = await loadReminderContext(deps, { orgId: actor.orgId });

  const result = await deps.prisma.$transaction(
    async (tx) => {
      // The document's row lock orders directives on one document; under it, the directive in force
      // must still be the one the plan was made against.
      await tx.$queryRaw`SELECT 1 FROM "Document" WHERE "id" = ${plan.documentId} FOR UPDATE`;
      const inForce = await tx.directive.findFirst({ where: { documentId: plan.documentId, supersededBy: null }, orderBy: { createdAt: "desc" }, select: { id: true } });
      if ((inForce?.id ?? null) !== plan.supersedesId) throw new DirectiveInForceChanged();
      const doc = await tx.document.findUniqueOrThrow({ where: { id: plan.documentId }, select: { orgId: true, urgency: true, ref: true } });
      const outbox: OutboxIntent[] = [];

      if (plan.supersedesId) {
        const cancelled = await tx.assignment.findMany({
          where: { directiveId: plan.supersedesId, status: { in: [...SUPERSEDE_TRANSITION.from] } },
          select: { id: true, unitId: true, isPaper: true, parentId: true, assigneeUserId: true },
        });
        await tx.assignment.updateMany({
          where: { id: { in: cancelled.map((c) => c.id) } },
          data: { status: SUPERSEDE_TRANSITION.to, nextReminderAt: null, reminderStep: null },
        });
        await closePendingExtensions(tx, now, { assignmentIds: cancelled.map((c) => c.id), orgId: doc.orgId, actorUserId: actor.id, because: "CANCELLED" });
        for (const c of cancelled.filter((c) => !c.isPaper)) {
          const people = c.assigneeUserId ? [{ id: c.assigneeUserId }] : await unitHeads(tx, c.unitId);
          for (const p of people.filter((p) => p.id !== actor.id))
            outbox.push({ userId: p.id, kind: "assignment.cancelled", payload: { assignmentId: c.id }, dedupeKey: `asg:${c.id}:cancelled:${p.id}` });
        }
      }

      const directive = await tx.directive.create({
        data: { documentId: plan.documentId, authorId: plan.authorId, enteredById: plan.enteredById, text: plan.text, supersedesId: plan.supersedesId, createdAt: now },
        select: { id: true },
      });
      const created: IssueDirectiveResult["assignments"] = [];
      for (const a of plan.assignments) {
        const { ref, reminder } = newAssignmentOf(a, { documentRef: doc.ref, urgency: doc.urgency, now, calendar, policy });
        const row = await tx.assignment.create({
          data: {
            directiveId: directive.id,
            documentId: plan.documentId,
            unitId: a.unitId,
            role: a.role,
            ref,
            dueAt: a.dueAt,
            originalDueAt: a.dueAt,
            isPaper: a.isPaper,
            sentAt: now,
            createdAt: now,
            nextReminderAt: reminder?.at ?? null,
            reminderStep: reminder?.step ?? null,
          },
          select: { id: true },
        });
        created.push({ ...a, assignmentId: row.id, ref });
        await appendAuditEvent(tx, assignmentCreatedEvent({ ...a, assignmentId: row.id, ref }, { now, orgId: doc.orgId, actorUserId: actor.id }));
        const recipients = a.isPaper
          ? (await tx.user.findMany({ where: { orgId: doc.orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true } })).map((u) => u.id)
          : (await unitHeads(tx, a.unitId)).map((u) => u.id);
        outbox.push(...newAssignmentOutbox({ assignmentId: row.id, isPaper: a.isPaper }, recipients, { actorUserId: actor.id, urgency: doc.urgency }));
      }
      const main = plan.assignments.find((a) => a.role === "MAIN")!;
      await tx.document.update({ where: { id: plan.documentId }, data: { status: DOCUMENT_TRANSITIONS.direct.to, dueAt: main.dueAt } });
      await appendAuditEvent(tx, directiveEvent(plan, directive.id, { now, orgId: doc.orgId, actorUserId: actor.id }));
      await enqueueOutbox(tx, now, outbox);
      // A document from the interchange: its sender hears it was assigned (status 04).
      await enqueueInterchangeProgress(tx, now, { documentId: plan.documentId, statusCode: "04", unit: main.unitName });
      return { ...plan, directiveId: directive.id, assignments: created };
    },
    { timeout: 30_000 },
  );
  await stampOrLog(deps, plan.documentId, { restamp: true });
  return result;
};

const unitHeads = (tx: Pick<CoreDeps["prisma"], "user">, unitId: string) =>
  tx.user.findMany({ where: { unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true } });
