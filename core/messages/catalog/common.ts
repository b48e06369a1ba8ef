import type { CatalogPart } from "../types.ts";

export const common = {
  vi: {
    "error.internal": "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, báo cho quản trị viên.",
    "error.validation": "Thông tin chưa hợp lệ: {detail}",
    "error.forbidden": "Bạn không có quyền thực hiện thao tác này.",
    "error.notFound": "Không tìm thấy {what}.",
    "error.actorUnknown": "Tài khoản của bạn chưa được liên kết hoặc đã ngừng hoạt động. Liên hệ quản trị viên.",
    "http.shuttingDown": "Hệ thống đang khởi động lại. Vui lòng thử lại sau ít giây.",
    "http.badRequest": "Địa chỉ yêu cầu không hợp lệ.",
  },
  en: {
    "error.internal": "Something went wrong on our side. Please try again in a few minutes; if it persists, tell the administrator.",
    "error.validation": "Invalid input: {detail}",
    "error.forbidden": "You are not allowed to do this.",
    "error.notFound": "{what} was not found.",
    "error.actorUnknown": "Your account is not linked or is inactive. Contact the administrator.",
    "http.shuttingDown": "The service is restarting. Please try again in a few seconds.",
    "http.badRequest": "The request address is not valid.",
  },
} satisfies CatalogPart;
