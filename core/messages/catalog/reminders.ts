// Texts of the chase and report area (core/reminders/, core/reports/, core/charts/): the labels
// drawn into the weekly chart. The outbox messages themselves (reminder.step, office.digest,
// office.weeklyChart) are rendered with the `notify.*` part.
import type { CatalogPart } from "../types.ts";

export const reminders = {
  vi: {
    "reports.weeklyChart.title": "Kết quả xử lý việc tuần {from} – {to}",
    "reports.weeklyChart.subtitle": "{org}: việc hoàn thành theo đơn vị, đúng hạn và quá hạn",
    "reports.weeklyChart.valueAxis": "Số việc hoàn thành",
    "reports.weeklyChart.legend": "Tiến độ",
    "reports.weeklyChart.onTime": "Đúng hạn",
    "reports.weeklyChart.late": "Hoàn thành quá hạn",
    "reports.weeklyChart.fileName": "ket-qua-xu-ly-tuan-{from}.png",
  },
  en: {
    "reports.weeklyChart.title": "Assignments completed, week {from} – {to}",
    "reports.weeklyChart.subtitle": "{org}: completions by unit, on time and late",
    "reports.weeklyChart.valueAxis": "Assignments completed",
    "reports.weeklyChart.legend": "Timeliness",
    "reports.weeklyChart.onTime": "On time",
    "reports.weeklyChart.late": "Late",
    "reports.weeklyChart.fileName": "weekly-results-{from}.png",
  },
} satisfies CatalogPart;
