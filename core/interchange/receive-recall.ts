// A sender recalls a document it sent us through the interchange (thu hồi: a status message with
// StatusCode 13 whose ResponseFor names the document; docs/EDXML.md, "Status messages"). It reaches
// us on the status list (or listed with the packages) and is routed here by ./send-statuses.ts.
//
// Decisions (issue 19):
// - Matching: the package we received from the recall's sender (From/OrganId), by the DocumentId the
//   sender gave it when the recall names one, else by số/ký hiệu + promulgation date.
// - Our answer: 15 (recall accepted), except when the work on the document is finished — the document is
//   DONE or FILED (its main assignment completed; the sender has had our 06) — then 16 (recall refused),
//   with the reason, and nothing changes here: the result exists, the sender must settle it with us
//   (replace or revoke by a new document). A package we had returned (02) is answered 15: we hold nothing.
// - Accepted: the package is RECALLED; a registered document becomes RECALLED, its open assignments are
//   CANCELLED (waiting extension requests closed) and their holders told; a package still on the register
//   clerks' card is withdrawn (the card is replaced by the notice; a press after says it was recalled).
//   Either way the register clerks and the office are told, with our answer.
// - A recall of a document we never received: the axis hears `done`, nothing is stored and nothing is
//   answered (there is no package for a 15/16 to answer). A second recall (the same message listed
//   again, or a new 13 about the same document): `done` again, no second answer.
// Idempotent: the package's recall is written once (compare-and-set on `recallAnswer`), in the same
// transaction as its effects and its answer's status row; only then the axis hears `done`.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { closePendingExtensions } from "../assignments/close-extensions.ts";
import type { CoreDeps } from "../deps.ts";
import { t } from "../messages/index.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { InterchangeTransport, ReceivedPackage } from "../ports/interchange-transport.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import { localDateToUtcMidnight } from "../time.ts";
import { OPEN_STATUSES } from "../workflow/state-machine.ts";
import type { EdxmlStatus } from "./edxml-types.ts";
import { enqueueInterchangeStatus } from "./enqueue-status.ts";

/** What became of one recall. */
export type RecallOutcome =
  /** Recorded: `answer` 15 (accepted) or 16 (refused, the work is finished). */
  | { docId: string; outcome: "recalled"; packageId: string; answer: "15" | "16" }
  /** This document's recall was recorded before: only `done` was repeated. */
  | { docId: string; outcome: "already"; packageId: string }
  /** About no document we received from that sender: `done`, nothing stored. */
  | { docId: string; outcome: "unknown"; reason: string };

/** The most of a recall's reason we keep and show. */
const RECALL_REASON_MAX = 2000;

/** Documents whose work is finished: a recall of them is refused (16). */
const FINISHED = new Set(["DONE", "FILED"]);

const answerAxis = async (transport: InterchangeTransport, docId: string): Promise<void> => {
  try {
    await transport.updateStatus(docId, "done");
  } catch (err) {
    // Not heard: the message stays listed and the next poll finds the recall recorded ("already").
    if (!(err instanceof InterchangeError)) throw err;
  }
};

/** Splits `45/STC-NS` at its first slash; null when there is none. */
const splitCode = (code: string): { codeNumber: string; codeNotation: string } | null => {
  const slash = code.indexOf("/");
  return slash > 0 ? { codeNumber: code.slice(0, slash).trim(), codeNotation: code.slice(slash + 1).trim() } : null;
};

/** The package the recall is about: from its sender, by the DocumentId it gave, else by số/ký hiệu + date. */
const findRecalledPackage = async (deps: CoreDeps, status: EdxmlStatus) => {
  const from = { equals: status.from.organId.trim(), mode: "insensitive" as const };
  const select = { id: true, orgId: true, state: true, documentId: true, recallAnswer: true, number: true } as const;
  const states = { in: ["REGISTERED", "PENDING", "RETURNED", "RECALLED"] as ("REGISTERED" | "PENDING" | "RETURNED" | "RECALLED")[] };
  const documentId = status.responseFor.documentId?.trim();
  if (documentId) {
    const byId = await deps.prisma.interchangePackage.findFirst({
      where: { fromOrganId: from, edxmlDocumentId: documentId, state: states },
      orderBy: { receivedAt: "desc" },
      select,
    });
    if (byId) return byId;
  }
  const code = splitCode(status.responseFor.code);
  if (!code) return null;
  return deps.prisma.interchangePackage.findFirst({
    where: { fromOrganId: from, ...code, promulgationDate: localDateToUtcMidnight(status.responseFor.promulgationDate), state: states },
    orderBy: { receivedAt: "desc" },
    select,
  });
};

/**
 * Receives one recall (status 13) about a document a sender sent us; `status` is the parsed message.
 *
 * @example await receiveRecall(deps, { transport }, item, status) // { outcome: "recalled", answer: "15", … }
 */
export const receiveRecall = async (deps: CoreDeps, { transport }: { transport: InterchangeTransport }, item: ReceivedPackage, status: EdxmlStatus): Promise<RecallOutcome> => {
  const { docId } = item;
  const seen = await deps.prisma.interchangePackage.findUnique({ where: { recallAxisDocId: docId }, select: { id: true } });
  if (seen) {
    await answerAxis(transport, docId);
    return { docId, outcome: "already", packageId: seen.id };
  }
  const pkg = await findRecalledPackage(deps, status);
  if (!pkg) {
    await answerAxis(transport, docId);
    return { docId, outcome: "unknown", reason: `no document ${status.responseFor.code} of ${status.responseFor.promulgationDate} received from ${status.from.organId}` };
  }
  if (pkg.recallAnswer !== null) {
    await answerAxis(transport, docId);
    return { docId, outcome: "already", packageId: pkg.id };
  }

  const now = deps.clock.now();
  const reason = status.description?.trim().slice(0, RECALL_REASON_MAX) || null;
  const code = splitCode(status.responseFor.code) ?? { codeNumber: status.responseFor.code, codeNotation: "" };
  // The answer names the document as the recall named it.
  const header = {
    from: { organId: status.from.organId.trim() },
    code,
    promulgationInfo: { promulgationDate: status.responseFor.promulgationDate },
    ...(status.responseFor.documentId ? { documentId: status.responseFor.documentId } : {}),
  };
  // Who is told: the register clerks (the office's văn thư) and the office (MONITOR users).
  const told = await deps.prisma.user.findMany({
    where: { orgId: pkg.orgId, active: true, OR: [{ roles: { has: "MONITOR" } }, { roles: { has: "CLERK" }, unit: { kind: { in: ["OFFICE", "LEADERSHIP"] } } }] },
    orderBy: { code: "asc" },
    select: { id: true, roles: true },
  });
  // The recall is recorded in the name of the agency's clerk, as a package is registered (./receive-package.ts).
  const recorder = told.find((u) => u.roles.includes("CLERK"))?.id ?? null;

  const result = await deps.prisma.$transaction(async (tx) => {
    const doc = pkg.documentId ? await tx.document.findUnique({ where: { id: pkg.documentId }, select: { id: true, ref: true, status: true } }) : null;
    const answer: "15" | "16" = doc && FINISHED.has(doc.status) ? "16" : "15";
    const withdraws = answer === "15" && pkg.state !== "RETURNED";
    const moved = await tx.interchangePackage.updateMany({
      where: { id: pkg.id, recallAnswer: null },
      data: { recallAt: now, recallReason: reason, recallAxisDocId: docId, recallAnswer: answer, ...(withdraws ? { state: "RECALLED" as const } : {}) },
    });
    if (moved.count === 0) return null;
    const outbox: OutboxIntent[] = [];
    let cancelled = 0;
    if (withdraws && doc) {
      await tx.document.update({ where: { id: doc.id }, data: { status: "RECALLED" } });
      const open = await tx.assignment.findMany({
        where: { documentId: doc.id, status: { in: [...OPEN_STATUSES] } },
        select: { id: true, unitId: true, isPaper: true, assigneeUserId: true },
      });
      await tx.assignment.updateMany({ where: { id: { in: open.map((a) => a.id) } }, data: { status: "CANCELLED", nextReminderAt: null, reminderStep: null } });
      cancelled = open.length;
      if (recorder) await closePendingExtensions(tx, now, { assignmentIds: open.map((a) => a.id), orgId: pkg.orgId, actorUserId: recorder, because: "CANCELLED" });
      for (const a of open.filter((a) => !a.isPaper)) {
        const people = a.assigneeUserId
          ? [{ id: a.assigneeUserId }]
          : await tx.user.findMany({ where: { unitId: a.unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true } });
        for (const p of people) outbox.push({ userId: p.id, kind: "assignment.cancelled", payload: { assignmentId: a.id }, dedupeKey: `asg:${a.id}:recalled:${p.id}` });
      }
    }
    const description = answer === "15" ? t("vi", "interchange.status.15") : t("vi", "interchange.status.16", { ref: doc?.ref ?? "" });
    await enqueueInterchangeStatus(tx, now, { packageId: pkg.id, header, statusCode: answer, description });
    await appendAuditEvent(tx, {
      type: answer === "15" ? "interchange.packageRecalled" : "interchange.recallRefused",
      at: now,
      orgId: pkg.orgId,
      actorUserId: recorder,
      entityType: "InterchangePackage",
      entityId: pkg.id,
      data: { axisDocId: docId, from: status.from.organId, code: status.responseFor.code, reason, answer, ...(doc ? { ref: doc.ref } : {}), cancelledAssignments: cancelled },
    });
    for (const u of told)
      outbox.push({ userId: u.id, kind: "interchange.recalled", payload: { packageId: pkg.id }, dedupeKey: `interchange.recalled:${pkg.id}:${u.id}`, urgency: "URGENT" });
    await enqueueOutbox(tx, now, outbox);
    return answer;
  });
  await answerAxis(transport, docId);
  return result === null ? { docId, outcome: "already", packageId: pkg.id } : { docId, outcome: "recalled", packageId: pkg.id, answer: result };
};
