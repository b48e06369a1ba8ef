// Test data for the outbox and job tests, inserted directly with Prisma (the workflow use cases are
// built elsewhere). Each builder takes overrides and returns the row it wrote.
import { randomUUID } from "node:crypto";
import type { Db } from "../../core/store/client.ts";
import type { AssignmentRole, Channel, IdentityStatus, Role, Secrecy, Urgency } from "../../core/store/generated/enums.ts";

const uniq = () => randomUUID().slice(0, 8);

export const buildOrg = (prisma: Db, o: { code?: string; name?: string } = {}) =>
  prisma.organization.create({ data: { code: o.code ?? `UBND${uniq()}`, name: o.name ?? "UBND thành phố Quy Nhơn" } });

export const buildUnit = (prisma: Db, orgId: string, o: { code: string; name: string; hasAccount?: boolean }) =>
  prisma.unit.create({ data: { orgId, code: o.code, name: o.name, kind: "DEPARTMENT", hasAccount: o.hasAccount ?? true } });

export const buildUser = (prisma: Db, o: { orgId: string; unitId: string; code: string; name: string; roles: Role[]; title?: string; locale?: "vi" | "en"; active?: boolean }) =>
  prisma.user.create({
    data: { orgId: o.orgId, unitId: o.unitId, code: o.code, name: o.name, roles: o.roles, title: o.title ?? null, locale: o.locale ?? "vi", active: o.active ?? true },
  });

export const buildIdentity = (prisma: Db, userId: string, o: { channel: Channel; chatId?: string; lastSeenAt?: Date | null; status?: IdentityStatus }) => {
  const chatId = o.chatId ?? `${o.channel.toLowerCase()}-${uniq()}`;
  return prisma.chatIdentity.create({
    data: { userId, channel: o.channel, externalUserId: chatId, chatId, status: o.status ?? "ACTIVE", lastSeenAt: o.lastSeenAt ?? null },
  });
};

export const buildDocument = (
  prisma: Db,
  o: { orgId: string; createdById: string; number?: number; year?: number; urgency?: Urgency; secrecy?: Secrecy; subject?: string; stamped?: boolean },
) => {
  const number = o.number ?? 7;
  const year = o.year ?? 2026;
  const secrecy = o.secrecy ?? "NONE";
  return prisma.document.create({
    data: {
      orgId: o.orgId,
      direction: "IN",
      registerBook: secrecy === "NONE" ? "IN" : "IN_SECRET",
      registerYear: year,
      registerNumber: number,
      ref: `D${number}/${year}`,
      docType: "Công văn",
      codeNumber: "45",
      codeNotation: "STC-NS",
      issuer: "Sở Tài chính tỉnh Bình Định",
      issuedDate: new Date(`${year}-11-25T00:00:00Z`),
      subject: o.subject ?? "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      arrivalAt: new Date(`${year}-11-27T02:00:00Z`),
      urgency: o.urgency ?? "NORMAL",
      secrecy,
      isPaperOnly: secrecy !== "NONE",
      createdById: o.createdById,
      ...(o.stamped !== false && secrecy === "NONE"
        ? { files: { create: [{ sha256: "a".repeat(64), size: 1234, mime: "application/pdf", kind: "STAMPED", fileName: `D${number}-den.pdf` }] } }
        : {}),
    },
  });
};

export type AssignmentSpec = { unitId: string; unitCode: string; role: AssignmentRole; dueAt?: Date | null; assigneeUserId?: string };

export const buildDirective = async (prisma: Db, o: { documentId: string; docRef: string; authorId: string; text?: string; assignments: AssignmentSpec[] }) => {
  const directive = await prisma.directive.create({
    data: {
      documentId: o.documentId,
      authorId: o.authorId,
      enteredById: o.authorId,
      text: o.text ?? "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Phòng Tư pháp tham mưu UBND thành phố trả lời trước ngày 20/12.",
    },
  });
  const assignments = [];
  for (const a of o.assignments) {
    assignments.push(
      await prisma.assignment.create({
        data: {
          directiveId: directive.id,
          documentId: o.documentId,
          unitId: a.unitId,
          role: a.role,
          ref: `${o.docRef}-${a.unitCode}`,
          dueAt: a.dueAt ?? null,
          originalDueAt: a.dueAt ?? null,
          assigneeUserId: a.assigneeUserId ?? null,
        },
      }),
    );
  }
  return { directive, assignments };
};

export const buildOutboxRow = (
  prisma: Db,
  o: {
    userId: string;
    kind: string;
    payload: object;
    dedupeKey?: string;
    nextAttemptAt?: Date;
    status?: "PENDING" | "SENDING";
    attempts?: number;
    lockedUntil?: Date;
    createdAt?: Date;
  },
) =>
  prisma.outboxMessage.create({
    data: {
      userId: o.userId,
      kind: o.kind,
      payload: o.payload,
      dedupeKey: o.dedupeKey ?? `test:${uniq()}`,
      nextAttemptAt: o.nextAttemptAt ?? new Date("2026-01-01T00:00:00Z"),
      status: o.status ?? "PENDING",
      attempts: o.attempts ?? 0,
      lockedUntil: o.lockedUntil ?? null,
      lockedBy: o.status === "SENDING" ? "dead-worker#0" : null,
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    },
  });

/**
 * A small organisation as DESIGN.md describes it: a leader, the office (a MONITOR), the finance
 * department's head and officer, the justice department's head; document D7/2026 (stamped) with a
 * directive: TCKH leads, TP coordinates, VP for information; due Friday 18/12/2026 (a date-only
 * deadline: 23:59:59.999 +07:00).
 */
export const buildScenario = async (prisma: Db, o: { urgency?: Urgency; secrecy?: Secrecy; year?: number } = {}) => {
  const org = await buildOrg(prisma);
  const ld = await buildUnit(prisma, org.id, { code: "LD", name: "Lãnh đạo UBND thành phố" });
  const vp = await buildUnit(prisma, org.id, { code: "VP", name: "Văn phòng HĐND và UBND thành phố" });
  const tckh = await buildUnit(prisma, org.id, { code: "TCKH", name: "Phòng Tài chính - Kế hoạch" });
  const tp = await buildUnit(prisma, org.id, { code: "TP", name: "Phòng Tư pháp" });
  const leader = await buildUser(prisma, { orgId: org.id, unitId: ld.id, code: "chutich", name: "Nguyễn Văn An", title: "Chủ tịch", roles: ["LEADER"] });
  const clerk = await buildUser(prisma, { orgId: org.id, unitId: vp.id, code: "vanthu", name: "Trần Thị Bình", roles: ["CLERK"] });
  const office = await buildUser(prisma, { orgId: org.id, unitId: vp.id, code: "cvp", name: "Lê Văn Cường", roles: ["UNIT_HEAD", "MONITOR"] });
  const office2 = await buildUser(prisma, { orgId: org.id, unitId: vp.id, code: "pcvp", name: "Đỗ Thị Hoa", roles: ["MONITOR"] });
  const head = await buildUser(prisma, { orgId: org.id, unitId: tckh.id, code: "tp.tckh", name: "Phạm Thị Dung", roles: ["UNIT_HEAD"] });
  const officer = await buildUser(prisma, { orgId: org.id, unitId: tckh.id, code: "cv.tckh", name: "Hoàng Văn Em", roles: ["OFFICER"] });
  const tpHead = await buildUser(prisma, { orgId: org.id, unitId: tp.id, code: "tp.tp", name: "Vũ Văn Giang", roles: ["UNIT_HEAD"] });
  const year = o.year ?? 2026;
  const doc = await buildDocument(prisma, { orgId: org.id, createdById: clerk.id, year, urgency: o.urgency ?? "URGENT", secrecy: o.secrecy ?? "NONE" });
  const dueAt = new Date(`${year}-12-18T16:59:59.999Z`);
  const { directive, assignments } = await buildDirective(prisma, {
    documentId: doc.id,
    docRef: doc.ref,
    authorId: leader.id,
    assignments: [
      { unitId: tckh.id, unitCode: "TCKH", role: "MAIN", dueAt },
      { unitId: tp.id, unitCode: "TP", role: "COORDINATE", dueAt },
      { unitId: vp.id, unitCode: "VP", role: "INFO" },
    ],
  });
  const [main, coord, info] = assignments as [(typeof assignments)[0], (typeof assignments)[0], (typeof assignments)[0]];
  return { org, units: { ld, vp, tckh, tp }, users: { leader, clerk, office, office2, head, officer, tpHead }, doc, directive, main, coord, info, dueAt };
};
