// Messages of the intake pipeline: refused uploads (what the clerk should send instead) and the file store.
import type { CatalogPart } from "../types.ts";

export const intake = {
  vi: {
    "intake.fileEmpty": "Tệp gửi lên không có nội dung (0 byte). Hãy gửi lại tệp PDF hoặc ảnh chụp văn bản.",
    "intake.fileTooLarge": "Tệp quá lớn ({sizeMb} MB, tối đa {maxMb} MB). Hãy quét lại ở độ phân giải 200 dpi, hoặc chia văn bản thành nhiều phần rồi gửi từng phần.",
    "intake.fileTypeUnsupported": "Không nhận được loại tệp này. Chỉ nhận tệp PDF hoặc ảnh chụp (JPEG, PNG). Hãy gửi bản quét PDF hoặc ảnh chụp từng trang.",
    "intake.fileTypeHtml":
      "Tệp này là một trang web (HTML), không phải PDF, dù tên tệp có đuôi .pdf. Có thể tải về chưa xong hoặc trang yêu cầu đăng nhập. Hãy tải lại văn bản gốc rồi gửi.",
    "intake.fileTypeZip": "Tệp này là tệp nén hoặc tệp Word/Excel (ZIP), không phải PDF. Hãy giải nén hoặc xuất văn bản ra PDF rồi gửi tệp PDF.",
    "intake.pdfEncrypted": "Tệp PDF bị đặt mật khẩu. Hãy gửi bản không đặt mật khẩu hoặc chụp ảnh từng trang.",
    "intake.pdfCorrupt": "Tệp PDF bị hỏng hoặc chưa tải về đầy đủ, không mở được. Hãy tải lại hoặc quét lại văn bản rồi gửi.",
    "intake.pdfEmpty": "Tệp PDF không có trang nào. Hãy kiểm tra lại tệp và gửi bản có nội dung.",
    "intake.pdfTooManyPages": "Tệp PDF có {pages} trang, vượt quá giới hạn {max} trang. Hãy chia văn bản thành nhiều tệp nhỏ hơn rồi gửi.",
    "intake.imageTooLarge": "Ảnh quá lớn ({width} × {height} điểm ảnh, tối đa {maxMegapixels} triệu điểm ảnh). Hãy chụp lại ở chế độ thường hoặc gửi bản quét PDF.",
    "intake.imageCorrupt": "Ảnh bị hỏng hoặc chưa tải về đầy đủ, không mở được. Hãy chụp lại trang đó rồi gửi.",
    "intake.tooManyPhotos": "Gửi quá nhiều ảnh cho một văn bản ({count} ảnh, tối đa {max}). Hãy quét văn bản thành tệp PDF rồi gửi.",
    "intake.mixedParts": "Mỗi văn bản chỉ gửi một tệp PDF, hoặc ảnh chụp các trang. Không gửi nhiều tệp PDF hay vừa PDF vừa ảnh cùng lúc.",
    "intake.noParts": "Chưa nhận được tệp nào. Hãy gửi tệp PDF hoặc ảnh chụp văn bản.",
    "intake.fileNotFound": "Không tìm thấy tệp đã lưu. Hãy gửi lại tệp văn bản.",
  },
  en: {
    "intake.fileEmpty": "The file is empty (0 bytes). Please send the PDF or the photos of the document again.",
    "intake.fileTooLarge": "The file is too large ({sizeMb} MB, at most {maxMb} MB). Please scan again at 200 dpi, or split the document and send it in parts.",
    "intake.fileTypeUnsupported": "This kind of file is not accepted. Only PDF files and photos (JPEG, PNG) are. Please send a PDF scan or a photo of each page.",
    "intake.fileTypeHtml":
      "This file is a web page (HTML), not a PDF, even though its name ends in .pdf. The download may not have finished or the site asked for a login. Please download the original document again.",
    "intake.fileTypeZip": "This file is an archive or a Word/Excel file (ZIP), not a PDF. Please unpack it or export the document to PDF and send the PDF.",
    "intake.pdfEncrypted": "The PDF is password-protected. Please send a copy without a password, or a photo of each page.",
    "intake.pdfCorrupt": "The PDF is damaged or incompletely downloaded and cannot be opened. Please download or scan it again.",
    "intake.pdfEmpty": "The PDF has no pages. Please check the file and send one with content.",
    "intake.pdfTooManyPages": "The PDF has {pages} pages, more than the limit of {max}. Please split it into smaller files.",
    "intake.imageTooLarge": "The image is too large ({width} × {height} pixels, at most {maxMegapixels} megapixels). Please take the photo in normal mode or send a PDF scan.",
    "intake.imageCorrupt": "The image is damaged or incompletely downloaded and cannot be opened. Please photograph that page again.",
    "intake.tooManyPhotos": "Too many photos for one document ({count}, at most {max}). Please scan the document to a PDF instead.",
    "intake.mixedParts": "Send one PDF per document, or photos of its pages; not several PDFs, nor a PDF together with photos.",
    "intake.noParts": "No file received yet. Please send a PDF or photos of the document.",
    "intake.fileNotFound": "The stored file was not found. Please send the document again.",
  },
} satisfies CatalogPart;
