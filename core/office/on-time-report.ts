// The on-time report by unit for a period (issue 9): how many assignments each unit got, and how
// many it acknowledged in time, completed in time or late, still has open, and has overdue now.
//
// The rules (decided and documented here; the tests check every figure):
// - Counted: unit-level assignments (not the officers' delegated copies, `parentId` null) with
//   role MAIN or COORDINATE (INFO is for information and has no deadline), whose directive reached
//   the unit (`sentAt`) within the period (office days, inclusive). CANCELLED ones (their directive
//   was superseded) are not counted at all; RETURNED ones count as assigned and as "returned".
// - Figures are as of the moment the report is made (`deps.clock.now()`): "open" and "overdue now"
//   describe today, not the end of the period.
// - Acknowledged in time: acknowledged (đã nhận) no later than the reminder policy's acknowledge
//   delay after it was sent: `policy.ackDelayMinutes[urgency]` working minutes (4 working hours for
//   a normal document, 2 h khẩn, 1 h thượng khẩn, 30 min hỏa tốc, elapsed time for hỏa tốc when
//   `flashCountsElapsedTime`), i.e. before the first ACK_REMINDER would go out. The same policy
//   values as the chase, so "late" in the report means "was reminded". Completing without an
//   explicit acknowledgement records the acknowledgement at completion (completeAssignment).
// - Deadlines: `originalDueAt` is the deadline the directive set; `dueAt` the one in force after
//   any granted extension. Each completion is judged against both: "on time (original)" = completed
//   at or before originalDueAt, "on time (extended)" = at or before dueAt. Late = after; an
//   assignment without a deadline is on time. "Overdue now" likewise has both counts.
// - The layout a Chánh Văn phòng reads (issue 21), `summaryOf`: Tổng số giao | Đã hoàn thành: đúng
//   hạn / quá hạn | Đang thực hiện: trong hạn / quá hạn | Tỷ lệ đúng hạn (%). A completion within an
//   approved extension is on time (judged against the deadline in force); "quá hạn" likewise.
//   Returned assignments (trả lại: not the unit's work) are left out of Tổng số giao and shown in a
//   column of their own, so the four counts add up to the total. Tỷ lệ đúng hạn = completed on
//   time ÷ (completed + in progress past the deadline): work still within its deadline is not
//   judged yet; with nothing judged there is no rate ("—").
import type { Calendar } from "../calendar/calendar.ts";
import { renderStackedBarChart, type RenderedChart } from "../charts/render-bar-chart.ts";
import type { CoreDeps } from "../deps.ts";
import type { ReminderPolicy } from "../domain/reminder-policy.ts";
import { t, type Locale } from "../messages/index.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import type { AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import { formatDateTime, formatLocalDate, startOfLocalDay, endOfLocalDay, type LocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { resolveOfficeScope, viewerActorId, type OfficeViewer } from "./office-scope.ts";
import { ZRegisterPeriod } from "./registers.ts";
import { tablesToXlsx, type TitledTable } from "./table-file.ts";

// === Figures

/** One unit's figures (see the rules above). */
export type OnTimeFigures = {
  /** MAIN and COORDINATE unit-level assignments sent in the period (CANCELLED excluded). */
  assigned: number;
  /** Acknowledged within the policy's acknowledge delay. */
  acknowledgedInTime: number;
  completed: number;
  /** Completed at or before the original deadline (or no deadline). */
  completedOnTimeOriginal: number;
  /** Completed at or before the deadline in force (after extensions; or no deadline). */
  completedOnTimeExtended: number;
  /** Completed after the original deadline. */
  completedLateOriginal: number;
  /** Completed after the deadline in force. */
  completedLateExtended: number;
  /** Assignments whose deadline was extended (dueAt ≠ originalDueAt). */
  extended: number;
  /** Returned by the unit (trả lại). */
  returned: number;
  /** Still open now (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS). */
  open: number;
  /** Open and past the deadline in force now. */
  overdueNow: number;
  /** Open and past the original deadline now. */
  overdueNowOriginal: number;
};

export const FIGURE_KEYS = [
  "assigned",
  "acknowledgedInTime",
  "completed",
  "completedOnTimeOriginal",
  "completedOnTimeExtended",
  "completedLateOriginal",
  "completedLateExtended",
  "extended",
  "returned",
  "open",
  "overdueNow",
  "overdueNowOriginal",
] as const satisfies readonly (keyof OnTimeFigures)[];

export type OnTimeUnit = OnTimeFigures & { unitId: string; unitCode: string; unitName: string };

export type OnTimeReport = {
  orgId: string;
  orgName: string;
  period: { from: LocalDate; to: LocalDate };
  /** When the figures were taken. */
  asOf: Date;
  zone: string;
  /** Units with at least one counted assignment, by name. */
  units: OnTimeUnit[];
  totals: OnTimeFigures;
};

const emptyFigures = (): OnTimeFigures => ({
  assigned: 0,
  acknowledgedInTime: 0,
  completed: 0,
  completedOnTimeOriginal: 0,
  completedOnTimeExtended: 0,
  completedLateOriginal: 0,
  completedLateExtended: 0,
  extended: 0,
  returned: 0,
  open: 0,
  overdueNow: 0,
  overdueNowOriginal: 0,
});

/** What the figures need to know about one assignment. */
export type OnTimeAssignment = {
  status: AssignmentStatus;
  urgency: Urgency;
  sentAt: Date;
  acknowledgedAt: Date | null;
  completedAt: Date | null;
  dueAt: Date | null;
  originalDueAt: Date | null;
};

/** The instant by which an assignment counts as acknowledged in time (the policy's ack delay). */
export const ackDeadline = (a: Pick<OnTimeAssignment, "sentAt" | "urgency">, calendar: Calendar, policy: ReminderPolicy): Date => {
  const delay = policy.ackDelayMinutes[a.urgency];
  return a.urgency === "FLASH" && policy.flashCountsElapsedTime ? new Date(a.sentAt.getTime() + delay * 60_000) : calendar.addWorkingMinutes(a.sentAt, delay);
};

const notAfter = (at: Date, deadline: Date | null): boolean => deadline === null || at.getTime() <= deadline.getTime();

/** Adds one assignment to a unit's figures. Pure. */
export const countAssignment = (f: OnTimeFigures, a: OnTimeAssignment, ctx: { now: Date; calendar: Calendar; policy: ReminderPolicy }): void => {
  f.assigned++;
  if (a.acknowledgedAt && a.acknowledgedAt.getTime() <= ackDeadline(a, ctx.calendar, ctx.policy).getTime()) f.acknowledgedInTime++;
  const original = a.originalDueAt ?? a.dueAt;
  if (a.dueAt && original && a.dueAt.getTime() !== original.getTime()) f.extended++;
  if (a.status === "COMPLETED" && a.completedAt) {
    f.completed++;
    if (notAfter(a.completedAt, original)) f.completedOnTimeOriginal++;
    else f.completedLateOriginal++;
    if (notAfter(a.completedAt, a.dueAt)) f.completedOnTimeExtended++;
    else f.completedLateExtended++;
  } else if (a.status === "RETURNED") {
    f.returned++;
  } else if (a.status === "ASSIGNED" || a.status === "ACKNOWLEDGED" || a.status === "IN_PROGRESS") {
    f.open++;
    if (!notAfter(ctx.now, a.dueAt)) f.overdueNow++;
    if (!notAfter(ctx.now, original)) f.overdueNowOriginal++;
  }
};

export type BuildOnTimeReportInput = { viewer: OfficeViewer; period: { from: string; to: string } };

/**
 * The on-time report of an organisation for a period (office users or the CLI).
 *
 * @example const report = await buildOnTimeReport(deps, { viewer: { actorUserId }, period: { from: "2026-11-01", to: "2026-11-30" } });
 */
export const buildOnTimeReport = (deps: CoreDeps, raw: BuildOnTimeReportInput): Promise<OnTimeReport> =>
  runUseCase(deps, { action: "office.onTimeReport", actorUserId: viewerActorId(raw.viewer), entityType: "Report" }, async () => {
    const scope = await resolveOfficeScope(deps, raw.viewer);
    const period = ZRegisterPeriod.parse(raw.period);
    const { calendar, policy } = await loadReminderContext(deps, { orgId: scope.orgId });
    const now = deps.clock.now();
    const rows = await deps.prisma.assignment.findMany({
      where: {
        unit: { orgId: scope.orgId },
        parentId: null,
        role: { in: ["MAIN", "COORDINATE"] },
        status: { not: "CANCELLED" },
        sentAt: { gte: startOfLocalDay(period.from, scope.zone), lte: endOfLocalDay(period.to, scope.zone) },
      },
      select: {
        status: true,
        sentAt: true,
        acknowledgedAt: true,
        completedAt: true,
        dueAt: true,
        originalDueAt: true,
        document: { select: { urgency: true } },
        unit: { select: { id: true, code: true, name: true } },
      },
    });
    const units = new Map<string, OnTimeUnit>();
    const totals = emptyFigures();
    for (const row of rows) {
      let unit = units.get(row.unit.id);
      if (!unit) {
        unit = { unitId: row.unit.id, unitCode: row.unit.code, unitName: row.unit.name, ...emptyFigures() };
        units.set(row.unit.id, unit);
      }
      const a: OnTimeAssignment = { ...row, urgency: row.document.urgency };
      countAssignment(unit, a, { now, calendar, policy });
      countAssignment(totals, a, { now, calendar, policy });
    }
    return {
      orgId: scope.orgId,
      orgName: scope.orgName,
      period,
      asOf: now,
      zone: scope.zone,
      units: [...units.values()].sort((a, b) => a.unitName.localeCompare(b.unitName, "vi")),
      totals,
    };
  });

// === The office's layout

/** The figures as the office reads them (see the rules at the top). */
export type OnTimeSummary = {
  /** Tổng số giao: assigned, returned ones left out. */
  total: number;
  /** Đã hoàn thành đúng hạn (an approved extension counts). */
  doneOnTime: number;
  /** Đã hoàn thành quá hạn. */
  doneLate: number;
  /** Đang thực hiện, trong hạn. */
  inProgressInTime: number;
  /** Đang thực hiện, quá hạn. */
  inProgressOverdue: number;
  /** Tỷ lệ đúng hạn in percent, one decimal; null when nothing is judged yet. */
  onTimeRate: number | null;
};

/** The office's layout of a unit's figures. Pure. */
export const summaryOf = (f: OnTimeFigures): OnTimeSummary => {
  const judged = f.completed + f.overdueNow;
  return {
    total: f.assigned - f.returned,
    doneOnTime: f.completedOnTimeExtended,
    doneLate: f.completedLateExtended,
    inProgressInTime: f.open - f.overdueNow,
    inProgressOverdue: f.overdueNow,
    onTimeRate: judged === 0 ? null : Math.round((1000 * f.completedOnTimeExtended) / judged) / 10,
  };
};

/** "66,7%" (Vietnamese decimal comma), "100%", "—" without a rate. */
export const formatRate = (rate: number | null, locale: Locale = "vi"): string =>
  rate === null ? "—" : `${new Intl.NumberFormat(locale === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 }).format(rate)}%`;

// === Outputs

/** Telegram's limit on one message; Zalo's is lower per bubble but the bots split long text. */
export const CHAT_TEXT_LIMIT = 4096;

const unitLine = (locale: Locale, name: string, f: OnTimeFigures): string => {
  const s = summaryOf(f);
  return t(locale, "office.onTime.line", {
    unit: name,
    total: s.total,
    doneOnTime: s.doneOnTime,
    doneLate: s.doneLate,
    inTime: s.inProgressInTime,
    overdue: s.inProgressOverdue,
    rate: formatRate(s.onTimeRate, locale),
  });
};

/**
 * The report as plain text for a chat message: a heading, one line per unit (by name), the totals,
 * and a legend; never longer than `limit` characters (units that do not fit are summarised in a
 * last line that points to the XLSX file).
 */
export const formatOnTimeText = (report: OnTimeReport, options: { locale?: Locale; limit?: number } = {}): string => {
  const locale = options.locale ?? "vi";
  const limit = options.limit ?? CHAT_TEXT_LIMIT;
  const head = [
    t(locale, "office.onTime.title", { from: formatLocalDate(report.period.from), to: formatLocalDate(report.period.to) }),
    t(locale, "office.onTime.asOf", { org: report.orgName, at: formatDateTime(report.asOf, report.zone) }),
    "",
  ];
  if (report.units.length === 0) return [...head, t(locale, "office.onTime.empty")].join("\n");
  const tail = ["", unitLine(locale, t(locale, "office.onTime.total"), report.totals), "", t(locale, "office.onTime.legend")];
  const lines = report.units.map((u) => unitLine(locale, u.unitName, u));
  const size = (parts: string[]) => parts.join("\n").length;
  let shown = lines.length;
  while (shown > 0) {
    const more = shown < lines.length ? [t(locale, "office.onTime.more", { count: lines.length - shown })] : [];
    if (size([...head, ...lines.slice(0, shown), ...more, ...tail]) <= limit) return [...head, ...lines.slice(0, shown), ...more, ...tail].join("\n");
    shown--;
  }
  return [...head, t(locale, "office.onTime.more", { count: lines.length }), ...tail].join("\n").slice(0, limit);
};

/** The columns after the unit: the office's layout, then the supporting figures. */
const SUMMARY_COLUMNS = [
  { key: "total", group: null },
  { key: "doneOnTime", group: "done" },
  { key: "doneLate", group: "done" },
  { key: "inProgressInTime", group: "inProgress" },
  { key: "inProgressOverdue", group: "inProgress" },
] as const satisfies readonly { key: keyof OnTimeSummary; group: string | null }[];
/** Supporting figures beside the layout: returned, extended, acknowledged in time, on time by the original deadline. */
const DETAIL_KEYS = ["returned", "extended", "acknowledgedInTime", "completedOnTimeOriginal"] as const satisfies readonly (keyof OnTimeFigures)[];

/**
 * The report as a titled table (units by name, then the totals): Đơn vị | Tổng số giao | Đã hoàn
 * thành: đúng hạn, quá hạn | Đang thực hiện: trong hạn, quá hạn | Tỷ lệ đúng hạn (%) | the
 * supporting figures. The rate is a number (66.7), shown with one decimal.
 */
export const onTimeTable = (report: OnTimeReport, locale: Locale = "vi"): TitledTable => {
  const row = (name: string, f: OnTimeFigures) => {
    const s = summaryOf(f);
    return [name, ...SUMMARY_COLUMNS.map((c) => s[c.key]), s.onTimeRate, ...DETAIL_KEYS.map((k) => f[k])];
  };
  return {
    sheetName: t(locale, "office.onTime.sheet"),
    titleLines: [
      report.orgName,
      t(locale, "office.onTime.title", { from: formatLocalDate(report.period.from), to: formatLocalDate(report.period.to) }),
      t(locale, "office.onTime.asOfShort", { at: formatDateTime(report.asOf, report.zone) }),
    ],
    columns: [
      { title: t(locale, "office.onTime.col.unit"), kind: "text", width: 36 },
      ...SUMMARY_COLUMNS.map((c) => ({
        title: t(locale, `office.onTime.col.${c.key}`),
        kind: "number" as const,
        width: 13,
        ...(c.group ? { group: t(locale, `office.onTime.group.${c.group}`) } : {}),
      })),
      { title: t(locale, "office.onTime.col.onTimeRate"), kind: "number" as const, width: 13 },
      ...DETAIL_KEYS.map((k) => ({ title: t(locale, `office.onTime.col.${k}`), kind: "number" as const, width: 13 })),
    ],
    rows: [...report.units.map((u) => row(u.unitName, u)), row(t(locale, "office.onTime.total"), report.totals)],
    footerLines: [t(locale, "office.onTime.legend")],
  };
};

/** The report as an XLSX workbook. */
export const onTimeReportXlsx = (report: OnTimeReport, locale: Locale = "vi"): Promise<Uint8Array> => tablesToXlsx([onTimeTable(report, locale)], { now: report.asOf });

/**
 * The report as a chart (PNG): one stacked bar per unit: completed on time by the original
 * deadline, on time only thanks to an extension, late, open within the deadline, overdue.
 */
export const renderOnTimeChart = (report: OnTimeReport, options: { locale?: Locale; scale?: number } = {}): Promise<RenderedChart> => {
  const locale = options.locale ?? "vi";
  return renderStackedBarChart({
    title: t(locale, "office.onTime.title", { from: formatLocalDate(report.period.from), to: formatLocalDate(report.period.to) }),
    subtitle: t(locale, "office.onTime.asOf", { org: report.orgName, at: formatDateTime(report.asOf, report.zone) }),
    rows: report.units.map((u) => ({
      label: u.unitName,
      values: {
        onTimeOriginal: u.completedOnTimeOriginal,
        onTimeExtension: u.completedOnTimeExtended - u.completedOnTimeOriginal,
        late: u.completedLateExtended,
        openInTime: u.open - u.overdueNow,
        overdue: u.overdueNow,
      },
    })),
    series: [
      { key: "onTimeOriginal", label: t(locale, "office.onTime.chart.onTimeOriginal"), color: "#2e7d32" },
      { key: "onTimeExtension", label: t(locale, "office.onTime.chart.onTimeExtension"), color: "#9ccc65" },
      { key: "late", label: t(locale, "office.onTime.chart.late"), color: "#ef6c00" },
      { key: "openInTime", label: t(locale, "office.onTime.chart.openInTime"), color: "#90a4ae" },
      { key: "overdue", label: t(locale, "office.onTime.chart.overdue"), color: "#c62828" },
    ],
    valueTitle: t(locale, "office.onTime.chart.valueAxis"),
    ...(options.scale !== undefined ? { scale: options.scale } : {}),
  });
};
