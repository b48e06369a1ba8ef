import type { CatalogPart } from "../types.ts";

/** Refusals and results of the document workflow use cases. */
export const workflow = {
  vi: {
    "document.notFound": "Không tìm thấy văn bản. Kiểm tra lại số tham chiếu (ví dụ D7).",
    "document.secretFileRefused":
      "Văn bản mật, tối mật, tuyệt mật không được đưa tệp lên hệ thống. Hãy đăng ký lại chỉ với thông tin (không kèm tệp); bản giấy chuyển trực tiếp.",
    "directive.leaderUnknown": "Không có lãnh đạo mã {user}. Ghi \"thay: <mã lãnh đạo>\", ví dụ thay: chutich.",
    "directive.needsLeader": "Văn thư nhập ý kiến chỉ đạo thay lãnh đạo cần ghi rõ \"thay: <mã lãnh đạo>\", ví dụ: /chidao D7 thay: chutich",
    "directive.textEmpty": "Chưa có nội dung ý kiến chỉ đạo. Hãy viết nội dung chỉ đạo trên các dòng sau lệnh.",
    "directive.documentSecret": "Văn bản {ref} là văn bản mật: xử lý trên bản giấy, không giao việc qua hệ thống.",
    "directive.documentClosed": "Văn bản {ref} đã hoàn thành hoặc đã đóng; không thể giao thêm.",
    "directive.unitTwice": "Đơn vị {unit} được ghi nhiều lần. Mỗi đơn vị chỉ giữ một vai trò (chủ trì, phối hợp hoặc để biết).",
    "directive.unitNotFound": "Không có đơn vị mã {unit}. Gõ /donvi để xem danh sách mã đơn vị.",
    "directive.unitInactive": "Đơn vị {unit} đã ngừng hoạt động; hãy chọn đơn vị khác.",
    "directive.deadlineInPast": "Hạn xử lý phải sau thời điểm hiện tại. Hãy ghi một ngày trong tương lai, ví dụ \"hạn: 5 ngày\".",
    "directive.coordinateDueAfterMain": "Hạn của đơn vị phối hợp không được muộn hơn hạn của đơn vị chủ trì.",
    "directive.changedMeanwhile": "Văn bản vừa có ý kiến chỉ đạo khác. Hãy xem lại văn bản rồi chỉ đạo lại.",
  },
  en: {
    "document.notFound": "Document not found. Check the reference (e.g. D7).",
    "document.secretFileRefused": "Confidential and secret documents may not be uploaded. Register the metadata only (no file); the paper copy is handed over directly.",
    "directive.leaderUnknown": "There is no leader with code {user}. Write \"thay: <leader code>\", e.g. thay: chutich.",
    "directive.needsLeader": "A clerk entering a directive must name the leader: \"thay: <leader code>\", e.g. /chidao D7 thay: chutich",
    "directive.textEmpty": "The directive has no text. Write the directive on the lines after the command.",
    "directive.documentSecret": "Document {ref} is confidential: it is handled on paper, not assigned through the system.",
    "directive.documentClosed": "Document {ref} is done or closed; it cannot be assigned again.",
    "directive.unitTwice": "Unit {unit} is listed more than once. Each unit has one role (lead, coordinating or for information).",
    "directive.unitNotFound": "There is no unit with code {unit}. Send /donvi to see the unit codes.",
    "directive.unitInactive": "Unit {unit} is inactive; choose another unit.",
    "directive.deadlineInPast": "The deadline must be in the future, e.g. \"hạn: 5 ngày\".",
    "directive.coordinateDueAfterMain": "Coordinating units' deadline may not be later than the lead unit's.",
    "directive.changedMeanwhile": "Another directive was just recorded on this document. Look at it again, then direct.",
  },
} satisfies CatalogPart;
