// Messages of the time, calendar and reminder-policy area (core/time.ts, core/calendar/,
// core/domain/reminder-policy.ts). Weekday names live here too: core/time.ts reads them from this part.
import type { CatalogPart } from "../types.ts";

export const calendar = {
  vi: {
    "weekday.1": "Thứ Hai",
    "weekday.2": "Thứ Ba",
    "weekday.3": "Thứ Tư",
    "weekday.4": "Thứ Năm",
    "weekday.5": "Thứ Sáu",
    "weekday.6": "Thứ Bảy",
    "weekday.7": "Chủ Nhật",
    "calendar.fileInvalid": "Tệp lịch ngày nghỉ {file} không hợp lệ: {detail}",
    "calendar.dateInvalid": "Ngày không hợp lệ: {value}. Hãy viết theo dạng ngày/tháng/năm, ví dụ 20/12/2026.",
    "calendar.timeZoneInvalid": "Múi giờ không hợp lệ: {zone}.",
    "calendar.workingHoursInvalid": "Giờ làm việc không hợp lệ: {detail}",
    "calendar.policyInvalid": "Cấu hình nhắc việc (policy) không hợp lệ: {detail}",
    "calendar.estimatedDays": "Lưu ý: hạn được tính theo lịch nghỉ dự kiến năm {years}, chưa có thông báo chính thức (các ngày {days}); hạn có thể thay đổi khi có thông báo.",
  },
  en: {
    "weekday.1": "Monday",
    "weekday.2": "Tuesday",
    "weekday.3": "Wednesday",
    "weekday.4": "Thursday",
    "weekday.5": "Friday",
    "weekday.6": "Saturday",
    "weekday.7": "Sunday",
    "calendar.fileInvalid": "The holiday calendar file {file} is invalid: {detail}",
    "calendar.dateInvalid": "Invalid date: {value}. Write it as day/month/year, e.g. 20/12/2026.",
    "calendar.timeZoneInvalid": "Invalid time zone: {zone}.",
    "calendar.workingHoursInvalid": "Invalid working hours: {detail}",
    "calendar.policyInvalid": "Invalid reminder policy: {detail}",
    "calendar.estimatedDays": "Note: the deadline was counted with the estimated days off of {years}, not yet officially announced ({days}); it may change once they are.",
  },
} satisfies CatalogPart;
