import type { CatalogPart } from "../types.ts";

export const files = {
  vi: {
    "fileLink.invalid": "Liên kết tải tệp không hợp lệ. Hãy mở lại liên kết trong tin nhắn của hệ thống, hoặc gõ /xem <số văn bản> để nhận liên kết mới.",
    "fileLink.expired": "Liên kết tải tệp đã hết hạn. Gõ /xem <số văn bản> để nhận liên kết mới.",
  },
  en: {
    "fileLink.invalid": "This download link is not valid. Open the link from the system's message again, or send /xem <reference> for a new one.",
    "fileLink.expired": "This download link has expired. Send /xem <reference> for a new one.",
  },
} satisfies CatalogPart;
