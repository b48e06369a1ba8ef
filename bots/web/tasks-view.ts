// The tasks panel: the person's open tasks (core's listMyTasks, the same list as /viec), each with
// a badge, its deadline and the command that opens it in the conversation.
import { type Locale, t, type TaskItem, formatDueAt } from "../../core/index.ts";
import type { TaskView } from "./views.ts";

export type { TaskView } from "./views.ts";

export const toTaskView = (item: TaskItem, locale: Locale, zone: string): TaskView => {
  const due = item.dueAt ? t(locale, "web.tasks.due", { date: formatDueAt(item.dueAt, zone, locale) }) : undefined;
  const tone = item.isOverdue ? "overdue" : item.workingDaysLeft !== null && item.workingDaysLeft <= 2 ? "soon" : "normal";
  const deadlineBadge = item.isOverdue
    ? t(locale, "web.tasks.overdue")
    : item.workingDaysLeft === null
      ? t(locale, "web.tasks.noDeadline")
      : item.workingDaysLeft === 0
        ? t(locale, "web.tasks.dueToday")
        : t(locale, "web.tasks.daysLeft", { days: item.workingDaysLeft });
  switch (item.kind) {
    case "assignment":
      return { kind: item.kind, ref: item.displayRef, title: item.subject, badge: deadlineBadge, tone, ...(due ? { due } : {}), command: `/xem ${item.displayRef}` };
    case "toDirect":
      return {
        kind: item.kind,
        ref: item.displayRef,
        title: item.subject,
        badge: t(locale, "web.tasks.toDirect"),
        tone,
        ...(due ? { due } : {}),
        command: `/xem ${item.displayRef}`,
      };
    case "extensionRequest":
      return {
        kind: item.kind,
        ref: item.displayRef,
        title: item.reason,
        badge: t(locale, "web.tasks.extension"),
        tone,
        ...(due ? { due } : {}),
        command: `/xem ${item.displayRef}`,
      };
  }
};
