// The document interchange (trục liên thông, edXML): why a package was refused (the reason sent back with
// status 02 and told to the office), and why the axis could not be reached. Keys by EdxmlError code
// (core/interchange/edxml-refusal.ts picks them).
import type { CatalogPart } from "../types.ts";

export const interchange = {
  vi: {
    "interchange.refused.xml_invalid": "Gói tin edXML không đúng cú pháp XML hoặc không được mã hóa UTF-8.",
    "interchange.refused.doctype": "Gói tin edXML có khai báo DOCTYPE: không được chấp nhận (có thể là gói tin tấn công mở rộng thực thể).",
    "interchange.refused.namespace": "Gói tin không theo không gian tên edXML của QCVN 102:2016/BTTTT.",
    "interchange.refused.root": "Phần tử gốc của gói tin không phải edXML.",
    "interchange.refused.missing": "Gói tin thiếu thành phần bắt buộc: {element}.",
    "interchange.refused.duplicate_to": "Gói tin có hai cơ quan nhận (To) trùng mã định danh.",
    "interchange.refused.date_invalid": "Ngày ở {element} không đúng định dạng ngày/tháng/năm (dd/MM/yyyy).",
    "interchange.refused.too_large": "Gói tin vượt giới hạn cho phép (tệp đính kèm quá lớn, quá nhiều tệp, hoặc phần thông tin quá dài).",
    "interchange.refused.attachment_encoding": "Nội dung tệp đính kèm {element} không phải mã base64 hợp lệ.",
    "interchange.refused.type_mismatch": "Nội dung tệp đính kèm {element} không đúng loại tệp đã khai báo.",
    "interchange.transport.unreachable": "Chưa kết nối được trục liên thông văn bản; hệ thống sẽ tự thử lại.",
    "interchange.transport.refused": "Trục liên thông văn bản từ chối yêu cầu: {reason}",
  },
  en: {
    "interchange.refused.xml_invalid": "The edXML package is not well-formed XML or is not UTF-8 encoded.",
    "interchange.refused.doctype": "The edXML package has a DOCTYPE declaration, which is not accepted (it may be an entity-expansion attack).",
    "interchange.refused.namespace": "The package is not in the edXML namespace of QCVN 102:2016/BTTTT.",
    "interchange.refused.root": "The package's root element is not edXML.",
    "interchange.refused.missing": "The package lacks a required element: {element}.",
    "interchange.refused.duplicate_to": "The package names the same recipient (To) twice.",
    "interchange.refused.date_invalid": "The date in {element} is not a day/month/year date (dd/MM/yyyy).",
    "interchange.refused.too_large": "The package is over the limits (an attachment too large, too many attachments, or too much metadata).",
    "interchange.refused.attachment_encoding": "The content of attachment {element} is not valid base64.",
    "interchange.refused.type_mismatch": "The content of attachment {element} is not the file type it declares.",
    "interchange.transport.unreachable": "The document interchange cannot be reached; the system will try again.",
    "interchange.transport.refused": "The document interchange refused the request: {reason}",
  },
} satisfies CatalogPart;
