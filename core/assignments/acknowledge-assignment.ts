import { ACTOR_COLUMNS, actorOfRow, ORG_COLUMNS, type ActorColumns } from "../actors/actor-columns.ts";
import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent, auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import { ZChannel } from "../channels.ts";
import { DomainError } from "../errors.ts";
import { dateOfMs, epochMs, hotRead, isoOrNull, runSql, type HotStatement } from "../store/direct-sql.ts";
import type { AssignmentRole, AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction, AssignmentFacts } from "../workflow/state-machine.ts";
import type { CoreDeps } from "../deps.ts";
import { enqueueInterchangeProgress, interchangeProgressSql } from "../interchange/enqueue-status.ts";
import { t } from "../messages/index.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext, reminderPolicyOfText } from "../reminders/reminder-context.ts";
import { computeReminderState, refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";
import { assignmentActionsFor, conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, unitHeadIds, shownRef } from "./assignment-access.ts";
import { factsOfRow, ASSIGNMENT_RULE_COLUMNS, REMINDER_COLUMNS, PENDING_EXTENSION_COLUMN } from "./assignment-row.ts";

export const ZAcknowledgeAssignmentInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  /** Evidence: where the acknowledgement came from. */
  channel: ZChannel.optional(),
  messageId: z.string().max(128).optional(),
});
export type AcknowledgeAssignmentInput = z.input<typeof ZAcknowledgeAssignmentInput>;
/** The acknowledged assignment (`id`, `ref`) and what its acknowledger may do with it now (`actions`). */
export type AcknowledgeAssignmentResult = ActionOutcome<AssignmentAction> & { assignmentId: string; acknowledgedAt: Date };

/**
 * Marks an assignment as received by its holder (đã nhận). Compare-and-set: of two taps, one wins;
 * the other gets ASSIGNMENT_ALREADY_ACKNOWLEDGED and changes nothing. The channel and message id
 * are kept as evidence. When an officer acknowledges delegated work, the unit's heads are told.
 *
 * @example await acknowledgeAssignment(deps, { actorUserId, assignmentId, channel: "TELEGRAM", messageId: "42" })
 */
export const acknowledgeAssignment = (deps: CoreDeps, raw: AcknowledgeAssignmentInput): Promise<AcknowledgeAssignmentResult> =>
  runUseCase(deps, { action: "assignment.acknowledge", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZAcknowledgeAssignmentInput.parse(raw);
    return (await acknowledgeDirect(deps, input)) ?? acknowledgeInTransaction(deps, input);
  });

type AckInput = z.output<typeof ZAcknowledgeAssignmentInput>;

/** One row: the actor, their unit and organisation, and the assignment as the rules and the reminder need it. */
type AckRow = ActorColumns & {
  orgTimeZone: string;
  orgPolicy: string;
  id: string | null;
  ref: string;
  status: string;
  role: string;
  unitId: string;
  unitOrgId: string;
  parentId: string | null;
  assigneeUserId: string | null;
  dueAt: number | null;
  sentAt: number;
  isPaper: boolean;
  lastReminderAt: number | null;
  escalationLevel: number;
  urgency: string;
  parentStatus: string | null;
  hasPendingExtension: boolean;
};

const ACK_READ = hotRead(
  "edoc_ack_read",
  {
    ...ACTOR_COLUMNS,
    ...ORG_COLUMNS,
    ...ASSIGNMENT_RULE_COLUMNS,
    ...REMINDER_COLUMNS,
    hasPendingExtension: PENDING_EXTENSION_COLUMN,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
JOIN "Organization" o ON o."id" = u."orgId"
LEFT JOIN ("Assignment" a JOIN "Unit" un ON un."id" = a."unitId" JOIN "Document" d ON d."id" = a."documentId" LEFT JOIN "Assignment" pa ON pa."id" = a."parentId") ON a."id" = $2
WHERE u."id" = $1`,
);

// $1–$7 are the audit event's (auditInsertParams: at, orgId, actor, type, entityType, entityId, data).
// The compare-and-set, guarded by every value the rules and the reminder were computed from (a row
// changed since the read matches nothing and the transactional path decides), and the audit event
// in the same statement (one implicit transaction; see append-audit-event.ts for the chain).
const ACK_WRITE: HotStatement = {
  name: "edoc_ack_write",
  kind: "execute",
  text: `
WITH upd AS (
  UPDATE "Assignment" AS a
  SET "status" = 'ACKNOWLEDGED', "acknowledgedAt" = $1::timestamp(3), "acknowledgedById" = $3, "ackChannel" = $8::"Channel",
      "ackMessageId" = $9, "nextReminderAt" = $10::timestamp(3), "reminderStep" = $11, "escalationLevel" = $12::int, "updatedAt" = $1::timestamp(3)
  WHERE a."id" = $6 AND a."status" = 'ASSIGNED' AND a."parentId" IS NULL AND a."unitId" = $13
    AND a."assigneeUserId" IS NOT DISTINCT FROM $14 AND a."role"::text = $15 AND a."dueAt" IS NOT DISTINCT FROM $16::timestamp(3)
    AND a."sentAt" = $17::timestamp(3) AND a."isPaper" = $18::boolean AND a."lastReminderAt" IS NOT DISTINCT FROM $19::timestamp(3)
    AND a."escalationLevel" = $20::int
    AND EXISTS (SELECT 1 FROM "Document" d WHERE d."id" = a."documentId" AND d."urgency"::text = $21)
  RETURNING a."id", a."role", a."documentId"
),
-- A document from the interchange: its sender hears the main unit is at work (status 05; ../interchange/enqueue-status.ts).
ix AS (
  ${interchangeProgressSql("05", { source: "upd", documentId: 'upd."documentId"', description: "$22", at: "$1::timestamp(3)", where: `upd."role" = 'MAIN'` })}
)
${auditInsertSql((n) => `$${n}`, "upd")}`,
};

/**
 * The acknowledgement in two statements: one joined read, then one statement that does the
 * compare-and-set, the reminder columns and the audit event. Returns null (nothing written) when the
 * transactional path must decide: delegated work (the heads are told through the outbox), or a row
 * that changed between the read and the write (that path then re-reads it and names the conflict).
 */
const acknowledgeDirect = async (deps: CoreDeps, input: AckInput): Promise<AcknowledgeAssignmentResult | null> => {
  const { rows } = await runSql<AckRow>(deps.prisma, ACK_READ, [input.actorUserId, input.assignmentId]);
  const { row: r, actor } = actorOfRow(rows[0]);
  if (r.id === null || r.unitOrgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  const dueAt = dateOfMs(r.dueAt);
  const sentAt = new Date(r.sentAt);
  const lastReminderAt = dateOfMs(r.lastReminderAt);
  const facts = factsOfRow(r, { dueAt: dueAt, hasPendingExtension: r.hasPendingExtension === true });
  const now = deps.clock.now();
  requireAssignmentAction(actor, facts, "ack", shownRef(deps, r.ref));
  if (r.parentId !== null) return null;
  const calendar = await loadOrgCalendar(deps, { zone: r.orgTimeZone });
  const state = computeReminderState({
    assignment: {
      status: "ACKNOWLEDGED",
      role: facts.role,
      urgency: r.urgency as Urgency,
      sentAt,
      acknowledgedAt: now,
      dueAt,
      isPaper: r.isPaper,
      lastReminderAt,
      escalationLevel: r.escalationLevel,
    },
    calendar,
    policy: reminderPolicyOfText(r.orgPolicy),
    now,
  });
  const audit = auditInsertParams(
    auditContentOf({
      type: "assignment.acknowledged",
      at: now,
      orgId: actor.orgId,
      actorUserId: actor.id,
      entityType: "Assignment",
      entityId: r.id,
      data: { ref: r.ref, channel: input.channel ?? null, messageId: input.messageId ?? null },
    }),
  );
  const { count: written } = await runSql(deps.prisma, ACK_WRITE, [
    ...audit,
    input.channel ?? null,
    input.messageId ?? null,
    isoOrNull(state.nextReminderAt),
    state.reminderStep,
    state.escalationLevel,
    r.unitId,
    r.assigneeUserId,
    r.role,
    isoOrNull(dueAt),
    sentAt.toISOString(),
    r.isPaper,
    isoOrNull(lastReminderAt),
    r.escalationLevel,
    r.urgency,
    t("vi", "interchange.status.05"),
  ]);
  if (written !== 1) return null;
  deps.auditCheckpoint?.afterCommit();
  return { id: r.id, assignmentId: r.id, ref: r.ref, actions: assignmentActionsFor(actor, { ...facts, status: "ACKNOWLEDGED" }), acknowledgedAt: now };
};

/** The acknowledgement in one interactive transaction (delegated work, or a row changed meanwhile). */
const acknowledgeInTransaction = async (deps: CoreDeps, input: AckInput): Promise<AcknowledgeAssignmentResult> => {
  {
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "ack", shownRef(deps, a.ref));
      const claimed = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("ack") } },
        data: { status: "ACKNOWLEDGED", acknowledgedAt: now, acknowledgedById: actor.id, ackChannel: input.channel ?? null, ackMessageId: input.messageId ?? null },
      });
      if (claimed.count === 0) {
        const current = await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } });
        throw conflictFor(current.status, shownRef(deps, a.ref));
      }
      await refreshAssignmentReminder(tx, { assignmentId: a.id, calendar: ctx.calendar, policy: ctx.policy, now });
      await appendAuditEvent(tx, {
        type: "assignment.acknowledged",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: a.id,
        data: { ref: a.ref, channel: input.channel ?? null, messageId: input.messageId ?? null },
      });
      // A document from the interchange: its sender hears the main unit is at work (status 05).
      if (!a.parentId && a.role === "MAIN") await enqueueInterchangeProgress(tx, now, { documentId: a.documentId, statusCode: "05" });
      if (a.parentId) {
        const heads = (await unitHeadIds(tx, a.unitId)).filter((id) => id !== actor.id);
        await enqueueOutbox(
          tx,
          now,
          heads.map((userId) => ({ userId, kind: "assignment.acknowledged" as const, payload: { assignmentId: a.id }, dedupeKey: `asg:${a.id}:ack:${userId}` })),
        );
      }
      return { id: a.id, assignmentId: a.id, ref: a.ref, actions: assignmentActionsFor(actor, { ...factsOf(a), status: "ACKNOWLEDGED" }), acknowledgedAt: now };
    });
  }
};
