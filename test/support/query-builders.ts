// Builders for the read-side tests (test/core/queries). Documents and directives are made by the
// real use cases (registerSample + issueDirective); states whose use cases are written elsewhere
// (acknowledged, delegated, completed, extension requested) are set directly with Prisma, the way
// those use cases leave the rows.
import type { CoreDeps } from "../../core/deps.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import type { IssueDirectiveInput } from "../../core/directives/plan-directive.ts";
import { assignmentRef } from "../../core/documents/refs.ts";
import type { Db } from "../../core/store/client.ts";
import type { TestClock } from "./core.ts";
import { registerSample, type OrgFixture } from "./workflow.ts";

export const DIRECTIVE_TEXT = "Giao Phòng Tài chính - Kế hoạch chủ trì tham mưu UBND thành phố trả lời.";

/** A directive by the chairman (chutich) on a document, with sensible defaults. */
export const directSample = (deps: CoreDeps, org: OrgFixture, documentId: string, over: Partial<IssueDirectiveInput> = {}) =>
  issueDirective(deps, { actorUserId: org.users.chutich!, documentId, text: DIRECTIVE_TEXT, main: "TCKH", due: { date: "2026-12-10" }, ...over });

/** The id of the assignment with this canonical ref (`D1/2026-TCKH`), the newest when several. */
export const assignmentIdOf = async (db: Db, ref: string): Promise<string> =>
  (await db.assignment.findFirstOrThrow({ where: { ref }, orderBy: { createdAt: "desc" }, select: { id: true } })).id;

/** As acknowledgeAssignment leaves it. */
export const markAcknowledged = (db: Db, assignmentId: string, byUserId: string, at: Date) =>
  db.assignment.update({ where: { id: assignmentId }, data: { status: "ACKNOWLEDGED", acknowledgedAt: at, acknowledgedById: byUserId, ackChannel: "TELEGRAM" } });

/** As a completion report leaves it. */
export const markCompleted = (db: Db, assignmentId: string, byUserId: string, at: Date) =>
  db.assignment.update({ where: { id: assignmentId }, data: { status: "COMPLETED", completedAt: at, completedById: byUserId, nextReminderAt: null } });

/** As delegateAssignment leaves it: a child held by the officer, the parent in progress. Returns the child's id. */
export const markDelegated = async (db: Db, parentId: string, officerUserId: string, at: Date, dueAt?: Date): Promise<string> => {
  const parent = await db.assignment.findUniqueOrThrow({
    where: { id: parentId },
    select: {
      directiveId: true,
      documentId: true,
      unitId: true,
      role: true,
      dueAt: true,
      acknowledgedAt: true,
      unit: { select: { code: true } },
      document: { select: { ref: true } },
    },
  });
  const officer = await db.user.findUniqueOrThrow({ where: { id: officerUserId }, select: { code: true } });
  const child = await db.assignment.create({
    data: {
      directiveId: parent.directiveId,
      documentId: parent.documentId,
      unitId: parent.unitId,
      role: parent.role,
      ref: assignmentRef(parent.document.ref, parent.unit.code, officer.code),
      dueAt: dueAt ?? parent.dueAt,
      originalDueAt: dueAt ?? parent.dueAt,
      parentId,
      assigneeUserId: officerUserId,
      sentAt: at,
      createdAt: at,
    },
    select: { id: true },
  });
  await db.assignment.update({ where: { id: parentId }, data: { status: "IN_PROGRESS", acknowledgedAt: parent.acknowledgedAt ?? at } });
  return child.id;
};

/** A pending extension request, as a unit head's request leaves it. */
export const requestExtension = (db: Db, assignmentId: string, byUserId: string, requestedDueAt: Date, at: Date) =>
  db.extensionRequest.create({
    data: { assignmentId, requestedById: byUserId, reason: "Cần thêm thời gian lấy ý kiến các phường.", requestedDueAt, createdAt: at },
    select: { id: true },
  });

/** The four documents of the visibility matrix. */
export type VisibilityScene = {
  /** D1/2026: directed, main TCKH, for information NV; about the budget ("ngân sách"). */
  tckh: { documentId: string; ref: string };
  /** D2/2026: directed, main TP, for information NC (served on paper); urgent. */
  tp: { documentId: string; ref: string };
  /** M1/2026: tối mật, metadata only; its subject also mentions the budget. */
  secret: { documentId: string; ref: string };
  /** D3/2026: registered, not yet directed. */
  undirected: { documentId: string; ref: string };
};

/**
 * Registers and directs the visibility matrix's documents, one minute apart (so "newest first" is
 * well defined), starting at the clock's time: D1 due 04/12/2026, D2 due 08/12/2026.
 */
export const buildVisibilityScene = async (deps: CoreDeps & { clock: TestClock }, org: OrgFixture): Promise<VisibilityScene> => {
  const minute = () => deps.clock.advance(60_000);
  const d1 = await registerSample(deps, org, { subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027" });
  minute();
  const d2 = await registerSample(deps, org, {
    codeNumber: "12",
    codeNotation: "STP-XDKTVB",
    issuer: "Sở Tư pháp tỉnh Bình Định",
    subject: "V/v rà soát văn bản quy phạm pháp luật",
    urgency: "URGENT",
  });
  minute();
  const m1 = await registerSample(deps, org, {
    codeNumber: "3",
    codeNotation: "BCHQS-TM",
    issuer: "Bộ Chỉ huy quân sự tỉnh",
    subject: "V/v kế hoạch ngân sách quốc phòng",
    secrecy: "TOP_SECRET",
  });
  minute();
  const d3 = await registerSample(deps, org, {
    codeNumber: "88",
    codeNotation: "STNMT-QLĐĐ",
    issuer: "Sở Tài nguyên và Môi trường",
    subject: "V/v báo cáo tình hình quản lý đất đai",
  });
  minute();
  await directSample(deps, org, d1.documentId, { main: "TCKH", info: ["NV"], due: { date: "2026-12-04" } });
  await directSample(deps, org, d2.documentId, { text: "Giao Phòng Tư pháp rà soát, báo cáo.", main: "TP", info: ["NC"], due: { date: "2026-12-08" } });
  const pick = (r: { documentId: string; ref: string }) => ({ documentId: r.documentId, ref: r.ref });
  return { tckh: pick(d1), tp: pick(d2), secret: pick(m1), undirected: pick(d3) };
};
