// Messages of reading a scan with OCR (issue 18): why a page could not be read. Each ends with what
// the clerk does instead; the registration itself never depends on OCR.
import type { CatalogPart } from "../types.ts";

export const ocr = {
  vi: {
    "ocr.timeout": "Đọc văn bản quá {seconds} giây nên đã dừng. Hãy nhập các trường của văn bản như bình thường.",
    "ocr.aborted": "Đã dừng đọc văn bản. Hãy nhập các trường của văn bản như bình thường.",
    "ocr.noRenderer": "Máy chủ chưa cài công cụ chuyển trang PDF thành ảnh nên chưa đọc được bản quét PDF. Hãy nhập các trường của văn bản, hoặc gửi ảnh chụp trang đầu.",
    "ocr.unreadable": "Không mở được trang văn bản để đọc (tệp hỏng hoặc không phải ảnh, PDF). Hãy gửi lại ảnh chụp rõ nét hoặc tệp PDF, hoặc nhập các trường của văn bản.",
    "ocr.noPage": "Tệp PDF không có trang {page} (chỉ có {pages} trang).",
    "ocr.engineFailed": "Bộ đọc chữ gặp lỗi nên chưa đọc được văn bản. Hãy nhập các trường của văn bản như bình thường.",
    "document.textSecret": "Văn bản mật, tối mật, tuyệt mật không được đọc và lưu nội dung trên hệ thống.",
  },
  en: {
    "ocr.timeout": "Reading the document took more than {seconds} seconds and was stopped. Please enter the document's fields as usual.",
    "ocr.aborted": "Reading the document was stopped. Please enter the document's fields as usual.",
    "ocr.noRenderer": "The server has no tool to turn PDF pages into images, so a scanned PDF cannot be read yet. Please enter the document's fields, or send a photo of page 1.",
    "ocr.unreadable":
      "The page could not be opened for reading (the file is damaged, or is neither an image nor a PDF). Please send a sharp photo or the PDF again, or enter the document's fields.",
    "ocr.noPage": "The PDF has no page {page} (it has {pages} pages).",
    "ocr.engineFailed": "The text reader failed, so the document was not read. Please enter the document's fields as usual.",
    "document.textSecret": "The content of a secret document (mật, tối mật, tuyệt mật) is never read or kept on the system.",
  },
} satisfies CatalogPart;
