// Rows for the chase and report tests, inserted directly with Prisma (the workflow use cases that
// create them for real are written elsewhere). One organisation: an office (VP) whose head is also
// in the office (MONITOR), an office officer (MONITOR), and two departments with a head and an officer.
import type { Db } from "../../core/store/client.ts";
import { computeReminderState } from "../../core/reminders/schedule-reminder.ts";
import type { Calendar } from "../../core/calendar/calendar.ts";
import type { ReminderPolicy } from "../../core/domain/reminder-policy.ts";

export type TestOrg = {
  orgId: string;
  units: Record<"VP" | "TCKH" | "TP", string>;
  /** User ids by code. */
  users: Record<"chutich" | "cvp" | "cv.vp" | "tp.tckh" | "pp.tckh" | "cv.tckh" | "tp.tp", string>;
};

/** Creates the test organisation (policy overrides optional). */
export const buildOrg = async (prisma: Db, opts: { policy?: object; timeZone?: string; code?: string } = {}): Promise<TestOrg> => {
  const code = opts.code ?? "UBND";
  const org = await prisma.organization.create({
    data: { code, name: "UBND thành phố Quy Nhơn", timeZone: opts.timeZone ?? "Asia/Ho_Chi_Minh", policy: opts.policy ?? {} },
  });
  const unit = async (c: string, name: string, kind: "LEADERSHIP" | "OFFICE" | "DEPARTMENT") => (await prisma.unit.create({ data: { orgId: org.id, code: c, name, kind } })).id;
  const LD = await unit("LD", "Lãnh đạo UBND thành phố", "LEADERSHIP");
  const units = {
    VP: await unit("VP", "Văn phòng HĐND và UBND thành phố", "OFFICE"),
    TCKH: await unit("TCKH", "Phòng Tài chính - Kế hoạch", "DEPARTMENT"),
    TP: await unit("TP", "Phòng Tư pháp", "DEPARTMENT"),
  };
  const user = async (c: string, name: string, unitId: string, roles: ("LEADER" | "UNIT_HEAD" | "OFFICER" | "MONITOR")[]) =>
    (await prisma.user.create({ data: { orgId: org.id, code: c, name, unitId, roles } })).id;
  const users = {
    chutich: await user("chutich", "Nguyễn Văn An", LD, ["LEADER"]),
    cvp: await user("cvp", "Lê Văn Cường", units.VP, ["UNIT_HEAD", "MONITOR"]),
    "cv.vp": await user("cv.vp", "Võ Thị Giang", units.VP, ["OFFICER", "MONITOR"]),
    "tp.tckh": await user("tp.tckh", "Phạm Thị Dung", units.TCKH, ["UNIT_HEAD"]),
    "pp.tckh": await user("pp.tckh", "Trần Văn Hải", units.TCKH, ["UNIT_HEAD"]),
    "cv.tckh": await user("cv.tckh", "Hoàng Văn Em", units.TCKH, ["OFFICER"]),
    "tp.tp": await user("tp.tp", "Bùi Quang Khải", units.TP, ["UNIT_HEAD"]),
  };
  return { orgId: org.id, units, users };
};

let registerNumber = 0;

export type BuildAssignmentOptions = {
  unit?: keyof TestOrg["units"];
  urgency?: "NORMAL" | "URGENT" | "VERY_URGENT" | "FLASH";
  secrecy?: "NONE" | "CONFIDENTIAL";
  subject?: string;
  role?: "MAIN" | "COORDINATE" | "INFO";
  status?: "ASSIGNED" | "ACKNOWLEDGED" | "IN_PROGRESS" | "COMPLETED" | "RETURNED" | "CANCELLED";
  sentAt: Date | string;
  dueAt?: Date | string | null;
  acknowledgedAt?: Date | string | null;
  completedAt?: Date | string | null;
  assigneeUserId?: string | null;
  parentId?: string | null;
  isPaper?: boolean;
  /** Store the reminder schedule as a use case would (needs calendar). */
  schedule?: { calendar: Calendar; policy?: ReminderPolicy; now: Date };
  /** Set the reminder columns directly instead. */
  nextReminderAt?: Date | string | null;
  reminderCount?: number;
};

const toDate = (v: Date | string | null | undefined): Date | null => (v === null || v === undefined ? null : new Date(v));

/** A registered document, a directive and one assignment on it. Returns the assignment's id and refs. */
export const buildAssignment = async (prisma: Db, org: TestOrg, opts: BuildAssignmentOptions): Promise<{ id: string; ref: string; documentId: string; documentRef: string }> => {
  const n = ++registerNumber;
  const unitCode = opts.unit ?? "TCKH";
  const documentRef = `D${n}`;
  const doc = await prisma.document.create({
    data: {
      orgId: org.orgId,
      direction: "IN",
      registerBook: "IN",
      registerYear: 2026,
      registerNumber: n,
      ref: documentRef,
      docType: "Công văn",
      subject: opts.subject ?? `V/v báo cáo số ${n}`,
      urgency: opts.urgency ?? "NORMAL",
      secrecy: opts.secrecy ?? "NONE",
      isPaperOnly: (opts.secrecy ?? "NONE") !== "NONE",
      createdById: org.users["cv.vp"],
    },
  });
  const directive = await prisma.directive.create({
    data: { documentId: doc.id, authorId: org.users.chutich, enteredById: org.users.chutich, text: "Giao phòng chủ trì tham mưu." },
  });
  const ref = `${documentRef}-${unitCode}`;
  const a = await prisma.assignment.create({
    data: {
      directiveId: directive.id,
      documentId: doc.id,
      unitId: org.units[unitCode],
      role: opts.role ?? "MAIN",
      status: opts.status ?? "ASSIGNED",
      ref,
      sentAt: new Date(opts.sentAt),
      dueAt: toDate(opts.dueAt),
      originalDueAt: toDate(opts.dueAt),
      acknowledgedAt: toDate(opts.acknowledgedAt),
      completedAt: toDate(opts.completedAt),
      assigneeUserId: opts.assigneeUserId ?? null,
      parentId: opts.parentId ?? null,
      isPaper: opts.isPaper ?? false,
      nextReminderAt: toDate(opts.nextReminderAt),
      reminderCount: opts.reminderCount ?? 0,
    },
  });
  if (opts.schedule) {
    const row = await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } });
    const state = computeReminderState({
      assignment: { ...row, urgency: opts.urgency ?? "NORMAL" },
      calendar: opts.schedule.calendar,
      now: opts.schedule.now,
      ...(opts.schedule.policy ? { policy: opts.schedule.policy } : {}),
    });
    await prisma.assignment.update({ where: { id: a.id }, data: state });
  }
  return { id: a.id, ref, documentId: doc.id, documentRef };
};
