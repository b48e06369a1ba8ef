// Messages of the Zalo adapter (bots/zalo): the reply lines that stand in for buttons, download
// links (Zalo bots cannot send files), and what the bot says about content it cannot read.
import type { CatalogPart } from "../types.ts";

export const zalo = {
  vi: {
    // === Replies instead of buttons (Zalo has none)
    "zalo.reply": "Trả lời: {command}",
    "zalo.replyOther": "{label}: {command}",
    "zalo.choice": "{n}. {label} ({command})",

    // === Files as links
    "zalo.file.link": "Tải {name}: {url}",
    "zalo.file.linkNote": "(Liên kết dành riêng cho bạn, hết hạn sau {days} ngày.)",
    "zalo.file.noLink": "Tệp {name} đã có trên hệ thống nhưng chưa gửi được qua Zalo. Vui lòng liên hệ văn phòng để nhận tệp.",
    "zalo.preview.caption": "Trang 1 của {name}",

    // === What the bot cannot read
    "zalo.unsupported": "Zalo không cho bot đọc nội dung này. Hãy gửi lệnh bằng chữ (ví dụ /viec) hoặc ảnh chụp từng trang văn bản.",
    "zalo.sticker": "Bot chỉ hiểu lệnh bằng chữ và ảnh chụp trang văn bản. Gõ /help để xem các lệnh.",
    "zalo.group": "Bot chỉ làm việc trong trò chuyện riêng. Hãy nhắn riêng cho bot.",
    "zalo.photo.failed": "Không tải được ảnh vừa gửi. Hãy gửi lại ảnh.",
    "zalo.voice":
      "Chưa đọc được tin nhắn thoại Zalo: hãy gửi bằng chữ.\nBáo cáo hoàn thành, gõ: /xong <mã việc> <nội dung báo cáo> (ví dụ /xong D7-TCKH Đã gửi văn bản trả lời)\nBáo cáo tiến độ, gõ: /tiendo <mã việc> <nội dung> (ví dụ /tiendo D7-TCKH Đang tổng hợp số liệu)\nXem mã việc của bạn, gõ: /viec",
    "zalo.voice.task":
      "Chưa đọc được tin nhắn thoại Zalo: hãy gửi bằng chữ.\nBáo cáo hoàn thành việc {ref}, gõ: /xong {ref} <nội dung báo cáo>\nBáo cáo tiến độ, gõ: /tiendo {ref} <nội dung>\nCác việc khác của bạn, gõ: /viec",
  },
  en: {
    "zalo.reply": "Reply: {command}",
    "zalo.replyOther": "{label}: {command}",
    "zalo.choice": "{n}. {label} ({command})",

    "zalo.file.link": "Download {name}: {url}",
    "zalo.file.linkNote": "(This link is for you only and expires in {days} days.)",
    "zalo.file.noLink": "The file {name} is in the system but cannot be sent on Zalo. Please ask the office for it.",
    "zalo.preview.caption": "Page 1 of {name}",

    "zalo.unsupported": "Zalo does not let the bot read this. Send a text command (e.g. /viec) or photos of the document's pages.",
    "zalo.sticker": "The bot understands text commands and photos of document pages. Send /help for the commands.",
    "zalo.group": "The bot works in private chats only. Please message the bot directly.",
    "zalo.photo.failed": "The photo could not be downloaded. Please send it again.",
    "zalo.voice":
      "Zalo voice notes cannot be read yet: please send it as text.\nTo report completion, type: /xong <task ref> <report> (e.g. /xong D7-TCKH Reply letter sent)\nTo report progress, type: /tiendo <task ref> <text> (e.g. /tiendo D7-TCKH Collecting the figures)\nTo see your task refs, type: /viec",
    "zalo.voice.task":
      "Zalo voice notes cannot be read yet: please send it as text.\nTo report task {ref} completed, type: /xong {ref} <report>\nTo report progress, type: /tiendo {ref} <text>\nYour other tasks: /viec",
  },
} satisfies CatalogPart;
