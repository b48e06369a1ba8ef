// The office's morning digest (DESIGN.md "Reminder policy": 07:30 every working day, MONITOR users,
// overdue and due-today by unit, one message): the data, and the use case that queues it.
//
// Besides overdue and due today (issue 21), what a Chánh Văn phòng checks first thing:
// - incoming documents waiting for a directive (registered, no directive yet; secret ones are
//   directed on paper and are not listed);
// - assignments sent before today that the unit has not acknowledged (xác nhận đã nhận việc);
// - the documents that came in since the previous working day began (Monday's digest covers
//   Friday and the weekend), secret ones included but without their trích yếu: the digest goes
//   through Telegram and Zalo, and a secret document's trích yếu never does.
// The digest is for MONITOR users, who see every document (queries/visibility.ts).
import { readAuditHead } from "../audit/audit-checkpoint.ts";
import { linkAuditChain } from "../audit/link-audit-chain.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import { workingDaysLate } from "../calendar/lateness.ts";
import { DEFAULT_SETTINGS, type CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import type { Secrecy, Urgency } from "../store/generated/enums.ts";
import { addDays, endOfLocalDay, localDateOf, startOfLocalDay, type LocalDate } from "../time.ts";
import { OPEN_STATUSES, isSecret } from "../workflow/state-machine.ts";

// === Data

/** One open assignment in the digest. */
export type DigestItem = {
  assignmentId: string;
  /** The assignment's REF, e.g. "D7-TCKH". */
  ref: string;
  /** The document's REF, e.g. "D7". */
  documentRef: string;
  /** Trích yếu; null for a secret document (its metadata stays off chat messages). */
  subject: string | null;
  role: "MAIN" | "COORDINATE";
  status: "ASSIGNED" | "ACKNOWLEDGED" | "IN_PROGRESS";
  dueAt: Date;
  /** Working days past the deadline day, at least 1 for an overdue item; 0 for due today. */
  workingDaysOverdue: number;
  /** Served on paper (the unit has no account). */
  isPaper: boolean;
};

/** One unit's lines. */
export type DigestUnit = { unitId: string; unitCode: string; unitName: string; overdue: DigestItem[]; dueToday: DigestItem[] };

/** An incoming document in the digest. */
export type DigestDocument = {
  documentId: string;
  /** "D12" as stored ("D12/2026"). */
  ref: string;
  /** "45/STC-NS", or null. */
  code: string | null;
  issuer: string | null;
  /** Trích yếu; null for a secret document (never in a chat message). */
  subject: string | null;
  secrecy: Secrecy;
  urgency: Urgency;
  arrivalAt: Date;
};

/** An assignment not yet acknowledged. */
export type DigestUnacknowledged = { assignmentId: string; ref: string; unitName: string; sentAt: Date; isPaper: boolean };

export type OfficeDigest = {
  orgId: string;
  /** The office day the digest is for, "YYYY-MM-DD". */
  date: LocalDate;
  totals: { overdue: number; dueToday: number };
  /** Units with at least one line: most overdue first, then by name. Items by deadline. */
  units: DigestUnit[];
  /** Incoming documents registered and not yet directed (non-secret), oldest first. */
  awaitingDirective: DigestDocument[];
  /** Unit-level MAIN and COORDINATE assignments sent before `date` and not acknowledged, oldest first. */
  unacknowledged: DigestUnacknowledged[];
  /** The first day of `receivedSince`: the previous working day. */
  receivedSince: LocalDate;
  /** Incoming documents that arrived from the previous working day's start to `date`'s start, in order. */
  received: DigestDocument[];
};

/** Whether the digest has anything for the office. */
export const isDigestEmpty = (d: OfficeDigest): boolean => d.totals.overdue + d.totals.dueToday + d.awaitingDirective.length + d.unacknowledged.length + d.received.length === 0;

const DOCUMENT_SELECT = {
  id: true,
  ref: true,
  codeNumber: true,
  codeNotation: true,
  issuer: true,
  subject: true,
  secrecy: true,
  urgency: true,
  arrivalAt: true,
  createdAt: true,
} as const;

const digestDocument = (d: {
  id: string;
  ref: string;
  codeNumber: string | null;
  codeNotation: string | null;
  issuer: string | null;
  subject: string;
  secrecy: Secrecy;
  urgency: Urgency;
  arrivalAt: Date | null;
  createdAt: Date;
}): DigestDocument => ({
  documentId: d.id,
  ref: d.ref,
  code: d.codeNumber ? (d.codeNotation ? `${d.codeNumber}/${d.codeNotation}` : d.codeNumber) : (d.codeNotation ?? null),
  issuer: d.issuer,
  subject: isSecret(d.secrecy) ? null : d.subject,
  secrecy: d.secrecy,
  urgency: d.urgency,
  arrivalAt: d.arrivalAt ?? d.createdAt,
});

/**
 * The open assignments of an organisation that are overdue or due on `date` (an office day), by
 * unit. Counts the unit-level assignments (not the officers' delegated copies) with role MAIN or
 * COORDINATE (INFO is for information, never late). Overdue = the deadline was before `date`'s
 * first instant; due today = the deadline falls on `date`.
 *
 * @example const digest = await buildOfficeDigest(deps, { orgId, date: "2026-02-23" });
 */
export const buildOfficeDigest = async (
  deps: Pick<CoreDeps, "prisma"> & Partial<Pick<CoreDeps, "settings">>,
  input: { orgId: string; date: LocalDate; calendar?: Calendar },
): Promise<OfficeDigest> => {
  const org = await deps.prisma.organization.findUnique({ where: { id: input.orgId }, select: { id: true, timeZone: true } });
  if (org === null) throw new DomainError("NOT_FOUND", "error.notFound", { what: `organization ${input.orgId}` });
  const calendar = input.calendar ?? (await loadOrgCalendar({ prisma: deps.prisma, settings: deps.settings ?? DEFAULT_SETTINGS }, { zone: org.timeZone }));
  const dayStart = startOfLocalDay(input.date, org.timeZone);
  const rows = await deps.prisma.assignment.findMany({
    where: {
      unit: { orgId: org.id },
      status: { in: [...OPEN_STATUSES] },
      role: { in: ["MAIN", "COORDINATE"] },
      parentId: null,
      dueAt: { lte: endOfLocalDay(input.date, org.timeZone) },
    },
    orderBy: [{ dueAt: "asc" }, { ref: "asc" }],
    select: {
      id: true,
      ref: true,
      role: true,
      status: true,
      dueAt: true,
      isPaper: true,
      unit: { select: { id: true, code: true, name: true } },
      document: { select: { ref: true, subject: true, secrecy: true } },
    },
  });

  const units = new Map<string, DigestUnit>();
  for (const row of rows) {
    const dueAt = row.dueAt!;
    const isOverdue = dueAt.getTime() < dayStart.getTime();
    const item: DigestItem = {
      assignmentId: row.id,
      ref: row.ref,
      documentRef: row.document.ref,
      subject: isSecret(row.document.secrecy) ? null : row.document.subject,
      role: row.role as DigestItem["role"],
      status: row.status as DigestItem["status"],
      dueAt,
      workingDaysOverdue: workingDaysLate(calendar, dueAt, dayStart),
      isPaper: row.isPaper,
    };
    let unit = units.get(row.unit.id);
    if (unit === undefined) {
      unit = { unitId: row.unit.id, unitCode: row.unit.code, unitName: row.unit.name, overdue: [], dueToday: [] };
      units.set(row.unit.id, unit);
    }
    (isOverdue ? unit.overdue : unit.dueToday).push(item);
  }
  const sorted = [...units.values()].sort((a, b) => b.overdue.length - a.overdue.length || a.unitName.localeCompare(b.unitName, "vi"));

  const receivedSince = calendar.workingDayOnOrBefore(addDays(input.date, -1));
  const [waiting, unacknowledged, received] = await Promise.all([
    deps.prisma.document.findMany({
      where: { orgId: org.id, direction: "IN", status: "REGISTERED", secrecy: "NONE", directives: { none: {} } },
      orderBy: [{ createdAt: "asc" }, { ref: "asc" }],
      select: DOCUMENT_SELECT,
    }),
    deps.prisma.assignment.findMany({
      where: { unit: { orgId: org.id }, status: "ASSIGNED", role: { in: ["MAIN", "COORDINATE"] }, parentId: null, sentAt: { lt: dayStart } },
      orderBy: [{ sentAt: "asc" }, { ref: "asc" }],
      select: { id: true, ref: true, sentAt: true, isPaper: true, unit: { select: { name: true } } },
    }),
    deps.prisma.document.findMany({
      where: { orgId: org.id, direction: "IN", arrivalAt: { gte: startOfLocalDay(receivedSince, org.timeZone), lt: dayStart } },
      orderBy: [{ arrivalAt: "asc" }, { ref: "asc" }],
      select: DOCUMENT_SELECT,
    }),
  ]);
  return {
    orgId: org.id,
    date: input.date,
    totals: { overdue: sorted.reduce((n, u) => n + u.overdue.length, 0), dueToday: sorted.reduce((n, u) => n + u.dueToday.length, 0) },
    units: sorted,
    awaitingDirective: waiting.map(digestDocument),
    unacknowledged: unacknowledged.map((a) => ({ assignmentId: a.id, ref: a.ref, unitName: a.unit.name, sentAt: a.sentAt, isPaper: a.isPaper })),
    receivedSince,
    received: received.map(digestDocument),
  };
};

// === Queueing the digest

export type SendOfficeDigestResult =
  | { status: "queued"; orgId: string; date: LocalDate; recipients: string[]; digest: OfficeDigest }
  | { status: "skipped"; orgId: string; date: LocalDate; reason: "nonWorkingDay" | "empty" | "noMonitor" };

/**
 * The morning digest of one organisation: on a working day of its calendar (a Tết day sends
 * nothing; a make-up working Saturday sends), when there is anything to report (see the top), one
 * `office.digest` outbox row (payload `{ date, orgId, auditHead }`) per active MONITOR user, dedupe
 * key `digest:<date>:<userId>`, so a rerun of the job the same day queues nothing more. `auditHead`
 * is the audit chain's head at that moment (seq and hash; absent while the log is empty): the
 * message prints it, so a copy exists outside the database.
 *
 * An empty digest is not sent: the office hears from the system only when there is something to
 * chase.
 *
 * @example await sendOfficeDigest(deps, { orgId }); // at 07:30 office time
 */
export const sendOfficeDigest = async (deps: CoreDeps, input: { orgId: string }): Promise<SendOfficeDigestResult> => {
  const now = deps.clock.now();
  const org = await deps.prisma.organization.findUnique({ where: { id: input.orgId }, select: { id: true, timeZone: true } });
  if (org === null) throw new DomainError("NOT_FOUND", "error.notFound", { what: `organization ${input.orgId}` });
  const date = localDateOf(now, org.timeZone);
  const calendar = await loadOrgCalendar(deps, { zone: org.timeZone });
  if (!calendar.isWorkingDay(date)) return { status: "skipped", orgId: org.id, date, reason: "nonWorkingDay" };

  const digest = await buildOfficeDigest(deps, { orgId: org.id, date });
  if (isDigestEmpty(digest)) return { status: "skipped", orgId: org.id, date, reason: "empty" };

  const monitors = await deps.prisma.user.findMany({ where: { orgId: org.id, active: true, roles: { has: "MONITOR" } }, select: { id: true }, orderBy: { code: "asc" } });
  if (monitors.length === 0) return { status: "skipped", orgId: org.id, date, reason: "noMonitor" };
  // The audit chain's head goes with the digest: a copy in people's chats that a cut-off log cannot take along.
  await linkAuditChain(deps.prisma);
  const head = await readAuditHead(deps.prisma);
  const auditHead = head ? { auditHead: { seq: head.seq.toString(), hash: head.hash } } : {};
  await deps.prisma.$transaction((tx) =>
    enqueueOutbox(
      tx,
      now,
      monitors.map((m) => ({ userId: m.id, kind: "office.digest", payload: { date, orgId: org.id, ...auditHead }, dedupeKey: `digest:${date}:${m.id}` })),
    ),
  );
  return { status: "queued", orgId: org.id, date, recipients: monitors.map((m) => m.id), digest };
};
