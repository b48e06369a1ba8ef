// Shared pieces of the read side: the organisation's zone, calendar and current year, and the
// orderings every list uses.
import type { Actor } from "../actors/actor.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import type { Urgency } from "../store/generated/enums.ts";
import { localDateOf } from "../time.ts";

/** What a query needs to present deadlines: now, the office zone and calendar, the current year. */
export type QueryContext = {
  now: Date;
  zone: string;
  calendar: Calendar;
  /** The year in the office zone: refs of this year are shown (and typed) without it. */
  currentYear: number;
};

export const loadQueryContext = async (deps: CoreDeps, actor: Pick<Actor, "orgId">): Promise<QueryContext> => {
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
  const zone = org.timeZone || deps.settings.officeTimeZone;
  const now = deps.clock.now();
  const calendar = await loadOrgCalendar(deps, { zone });
  return { now, zone, calendar, currentYear: Number(localDateOf(now, zone).slice(0, 4)) };
};

/** A canonical ref as people read it in the context's year. */
export const shownRef = (ctx: QueryContext, canonical: string): string => displayRef(canonical, ctx.currentYear);

/** Deadline facts every list shows. */
export type DeadlineInfo = {
  dueAt: Date | null;
  /** Working days left (0 = due today; negative = working days overdue, at least -1 once overdue). */
  workingDaysLeft: number | null;
  isOverdue: boolean;
};

export const deadlineInfo = (ctx: QueryContext, dueAt: Date | null): DeadlineInfo => ({
  dueAt,
  workingDaysLeft: dueAt ? ctx.calendar.workingDaysLeft(ctx.now, dueAt) : null,
  isOverdue: dueAt !== null && dueAt.getTime() < ctx.now.getTime(),
});

/** Higher = more urgent (hỏa tốc first). */
export const URGENCY_RANK: Record<Urgency, number> = { NORMAL: 0, URGENT: 1, VERY_URGENT: 2, FLASH: 3 };

/** Earliest deadline first, no deadline last; then the more urgent first. */
export const byDueThenUrgency = (a: { dueAt: Date | null; urgency: Urgency }, b: { dueAt: Date | null; urgency: Urgency }): number => {
  if (a.dueAt && b.dueAt && a.dueAt.getTime() !== b.dueAt.getTime()) return a.dueAt.getTime() - b.dueAt.getTime();
  if (a.dueAt && !b.dueAt) return -1;
  if (!a.dueAt && b.dueAt) return 1;
  return URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency];
};

/** "45/STC-NS" as officials write a số, ký hiệu; null when the document has none. */
export const codeOf = (d: { codeNumber: string | null; codeNotation: string | null }): string | null =>
  d.codeNumber && d.codeNotation ? `${d.codeNumber}/${d.codeNotation}` : (d.codeNumber ?? d.codeNotation ?? null);

/** User names by id (ids of people who may since have left: missing ones are simply absent). */
export const namesOf = async (deps: CoreDeps, ids: readonly (string | null)[]): Promise<Map<string, string>> => {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return new Map();
  const users = await deps.prisma.user.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u.name]));
};
