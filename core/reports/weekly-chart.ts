// The weekly chart for the office (DESIGN.md "Reminder policy": on-time vs late completions by unit,
// as an image). Sent on the FIRST WORKING DAY of each week (Monday 07:30 in a normal week; after a
// Monday holiday, the Tuesday; never on a day off), about the previous ISO week (Monday–Sunday).
// The job may run every morning: only the first working day of the week sends, and the dedupe keys
// make a rerun harmless.
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { renderStackedBarChart, type RenderedChart } from "../charts/render-bar-chart.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { FileStore } from "../files/file-store.ts";
import { t, type Locale } from "../messages/index.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { addDays, compareLocalDates, formatLocalDate, isoWeekday, localDateOf, startOfLocalDay, type LocalDate } from "../time.ts";

// === Data

/** One unit's completions in the week. */
export type WeeklyUnitCompletions = { unitId: string; unitCode: string; unitName: string; onTime: number; late: number };

export type WeeklyCompletions = {
  orgId: string;
  orgName: string;
  /** Monday of the week, "YYYY-MM-DD". */
  weekStart: LocalDate;
  /** Sunday of the week (inclusive). */
  weekEnd: LocalDate;
  totals: { onTime: number; late: number };
  /** Units with at least one completion, most completions first, then by name. */
  units: WeeklyUnitCompletions[];
};

/**
 * Unit-level assignments (MAIN or COORDINATE, not the officers' delegated copies) completed in
 * the week starting `weekStart` (office time), by unit: on time when completed at or before the
 * deadline in force (`dueAt`, i.e. after any granted extension), or when there was no deadline.
 */
export const buildWeeklyCompletions = async (deps: Pick<CoreDeps, "prisma">, input: { orgId: string; weekStart: LocalDate }): Promise<WeeklyCompletions> => {
  const org = await deps.prisma.organization.findUnique({ where: { id: input.orgId }, select: { id: true, name: true, timeZone: true } });
  if (org === null) throw new DomainError("NOT_FOUND", "error.notFound", { what: `organization ${input.orgId}` });
  const weekEnd = addDays(input.weekStart, 6);
  const rows = await deps.prisma.assignment.findMany({
    where: {
      unit: { orgId: org.id },
      status: "COMPLETED",
      role: { in: ["MAIN", "COORDINATE"] },
      parentId: null,
      completedAt: { gte: startOfLocalDay(input.weekStart, org.timeZone), lt: startOfLocalDay(addDays(input.weekStart, 7), org.timeZone) },
    },
    select: { completedAt: true, dueAt: true, unit: { select: { id: true, code: true, name: true } } },
  });
  const units = new Map<string, WeeklyUnitCompletions>();
  for (const row of rows) {
    let unit = units.get(row.unit.id);
    if (unit === undefined) {
      unit = { unitId: row.unit.id, unitCode: row.unit.code, unitName: row.unit.name, onTime: 0, late: 0 };
      units.set(row.unit.id, unit);
    }
    const late = row.dueAt !== null && row.completedAt !== null && row.completedAt.getTime() > row.dueAt.getTime();
    if (late) unit.late++;
    else unit.onTime++;
  }
  const sorted = [...units.values()].sort((a, b) => b.onTime + b.late - (a.onTime + a.late) || a.unitName.localeCompare(b.unitName, "vi"));
  return {
    orgId: org.id,
    orgName: org.name,
    weekStart: input.weekStart,
    weekEnd,
    totals: { onTime: sorted.reduce((n, u) => n + u.onTime, 0), late: sorted.reduce((n, u) => n + u.late, 0) },
    units: sorted,
  };
};

// === The chart

/** Colours: green for on time, red for late (readable in grey print too: different lightness). */
const ON_TIME_COLOR = "#2e7d32";
const LATE_COLOR = "#c62828";

/**
 * The PNG of a week's completions: one stacked bar per unit (on time, late), Vietnamese labels
 * (or English with `locale: "en"`). 800 px wide at scale 1 (the PNG is `scale` times that).
 */
export const renderWeeklyChart = (data: WeeklyCompletions, options: { locale?: Locale; scale?: number } = {}): Promise<RenderedChart> => {
  const locale = options.locale ?? "vi";
  const from = formatLocalDate(data.weekStart);
  const to = formatLocalDate(data.weekEnd);
  return renderStackedBarChart({
    title: t(locale, "reports.weeklyChart.title", { from, to }),
    subtitle: t(locale, "reports.weeklyChart.subtitle", { org: data.orgName }),
    rows: data.units.map((u) => ({ label: u.unitName, values: { onTime: u.onTime, late: u.late } })),
    series: [
      { key: "onTime", label: t(locale, "reports.weeklyChart.onTime"), color: ON_TIME_COLOR },
      { key: "late", label: t(locale, "reports.weeklyChart.late"), color: LATE_COLOR },
    ],
    valueTitle: t(locale, "reports.weeklyChart.valueAxis"),
    legendTitle: t(locale, "reports.weeklyChart.legend"),
    ...(options.scale !== undefined ? { scale: options.scale } : {}),
  });
};

// === When

/** Monday of the ISO week of `date`. */
export const mondayOf = (date: LocalDate): LocalDate => addDays(date, 1 - isoWeekday(date));

/** The first working day of `date`'s ISO week, or null when the whole week is off. */
export const firstWorkingDayOfWeek = (calendar: Calendar, date: LocalDate): LocalDate | null => {
  const monday = mondayOf(date);
  for (let i = 0; i < 7; i++) {
    const day = addDays(monday, i);
    if (calendar.isWorkingDay(day)) return day;
  }
  return null;
};

// === Queueing the chart

export type SendWeeklyChartResult =
  | { status: "queued"; orgId: string; weekStart: LocalDate; weekEnd: LocalDate; pngSha256: string; recipients: string[]; data: WeeklyCompletions }
  | { status: "skipped"; orgId: string; date: LocalDate; reason: "notFirstWorkingDayOfWeek" | "empty" | "noMonitor" };

/**
 * On the first working day of a week (office time, org calendar), renders the previous week's
 * chart, stores the PNG in `files`, and queues one `office.weeklyChart` row per active MONITOR user
 * (payload `{ weekStart, weekEnd, orgId, pngSha256 }`, dedupe key `chart:<weekStart>:<userId>`).
 * Any other day, or a week without completions, does nothing.
 *
 * @param input.files - the file store (CoreDeps has none yet: the composition root passes it).
 * @example await sendWeeklyChart(deps, { orgId, files });
 */
export const sendWeeklyChart = async (deps: CoreDeps, input: { orgId: string; files: FileStore; locale?: Locale }): Promise<SendWeeklyChartResult> => {
  const now = deps.clock.now();
  const org = await deps.prisma.organization.findUnique({ where: { id: input.orgId }, select: { id: true, timeZone: true } });
  if (org === null) throw new DomainError("NOT_FOUND", "error.notFound", { what: `organization ${input.orgId}` });
  const date = localDateOf(now, org.timeZone);
  const calendar = await loadOrgCalendar(deps, { zone: org.timeZone });
  const first = firstWorkingDayOfWeek(calendar, date);
  if (first === null || compareLocalDates(first, date) !== 0) return { status: "skipped", orgId: org.id, date, reason: "notFirstWorkingDayOfWeek" };

  const weekStart = addDays(mondayOf(date), -7);
  const data = await buildWeeklyCompletions(deps, { orgId: org.id, weekStart });
  if (data.units.length === 0) return { status: "skipped", orgId: org.id, date, reason: "empty" };
  const monitors = await deps.prisma.user.findMany({ where: { orgId: org.id, active: true, roles: { has: "MONITOR" } }, select: { id: true }, orderBy: { code: "asc" } });
  if (monitors.length === 0) return { status: "skipped", orgId: org.id, date, reason: "noMonitor" };

  const chart = await renderWeeklyChart(data, input.locale === undefined ? {} : { locale: input.locale });
  const stored = await input.files.put(chart.png);
  await deps.prisma.$transaction((tx) =>
    enqueueOutbox(
      tx,
      now,
      monitors.map((m) => ({
        userId: m.id,
        kind: "office.weeklyChart",
        payload: { weekStart, weekEnd: data.weekEnd, orgId: org.id, pngSha256: stored.sha256 },
        dedupeKey: `chart:${weekStart}:${m.id}`,
      })),
    ),
  );
  return { status: "queued", orgId: org.id, weekStart, weekEnd: data.weekEnd, pngSha256: stored.sha256, recipients: monitors.map((m) => m.id), data };
};
