// Messages of the web chat's Web Push (bots/web/web-push.ts and the page's "Bật thông báo" button).
// The page gets every `web.*` text of the person's locale from the server; the button itself reads
// `web.notify.enable` / `web.notify.on` (catalog/web.ts).
import type { CatalogPart } from "../types.ts";

export const webPush = {
  vi: {
    "web.push.disable": "Tắt thông báo",
    "web.push.off": "Đã tắt thông báo trên trình duyệt này",
    "web.push.denied": "Trình duyệt đang chặn thông báo của trang này. Hãy cho phép thông báo trong phần cài đặt trang của trình duyệt.",
    "web.push.failed": "Không bật được thông báo đẩy. Khi trang đang mở, tin mới vẫn được báo.",
    "web.push.invalid": "Đăng ký nhận thông báo không hợp lệ.",
    "web.push.serviceRefused": "Dịch vụ thông báo của trình duyệt này chưa được hỗ trợ. Khi trang đang mở, tin mới vẫn được báo.",
    "web.push.open": "Mở Văn phòng điện tử",
  },
  en: {
    "web.push.disable": "Turn off notifications",
    "web.push.off": "Notifications are off in this browser",
    "web.push.denied": "The browser blocks notifications from this page. Allow them in the browser's site settings.",
    "web.push.failed": "Could not turn on push notifications. While the page is open, new messages are still announced.",
    "web.push.invalid": "Invalid notification subscription.",
    "web.push.serviceRefused": "This browser's notification service is not supported. While the page is open, new messages are still announced.",
    "web.push.open": "Open E-office",
  },
} satisfies CatalogPart;
