import type { CatalogPart } from "../types.ts";

export const link = {
  vi: {
    "link.userNotFound": "Không có người dùng mã {user}. Kiểm tra lại mã trong tệp tổ chức.",
    "link.userInactive": "Người dùng {user} đã ngừng hoạt động; không thể cấp mã liên kết.",
    "link.locked": "Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau {minutes} phút, hoặc xin mã mới từ quản trị viên.",
    "link.serviceLocked":
      "Hệ thống đang tạm ngừng nhận mã liên kết vì có quá nhiều lần nhập sai mã. Vui lòng thử lại sau {minutes} phút, hoặc liên hệ quản trị viên để được hỗ trợ.",
    "link.codeInvalid": "Mã liên kết không đúng hoặc đã được dùng. Kiểm tra lại mã, hoặc xin mã mới từ quản trị viên.",
    "link.codeExpired": "Mã liên kết đã hết hạn. Vui lòng xin mã mới từ quản trị viên.",
  },
  en: {
    "link.userNotFound": "There is no user with code {user}. Check the code in the organisation file.",
    "link.userInactive": "User {user} is inactive; no link code can be issued.",
    "link.locked": "Too many wrong codes. Try again in {minutes} minutes, or ask the administrator for a new code.",
    "link.serviceLocked": "Link codes are paused for everyone after too many wrong codes. Try again in {minutes} minutes, or ask the administrator for help.",
    "link.codeInvalid": "This link code is wrong or already used. Check it, or ask the administrator for a new one.",
    "link.codeExpired": "This link code has expired. Ask the administrator for a new one.",
  },
} satisfies CatalogPart;
