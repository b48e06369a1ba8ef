// The three text-form examples of DESIGN.md, copied exactly (annotation column included), so the
// grammars are tested on what the design shows people.

export const REGISTER_EXAMPLE = `/dangky
số: 45/STC-NS                       (số và ký hiệu of the issuer)
cơ quan: Sở Tài chính tỉnh Bình Định
ngày: 10/12/2026                    (date of the document)
loại: Công văn
trích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027
độ khẩn: khẩn                       (thường | khẩn | thượng khẩn | hỏa tốc; default thường)
độ mật: không                       (không | mật | tối mật | tuyệt mật; anything but "không" → paper only, no scan kept)`;

export const ISSUE_EXAMPLE = `/phathanh
loại: Công văn                      (Công văn → ký hiệu 12/UBND-VP; a named type → 15/QĐ-UBND)
đơn vị soạn: VP                     (the drafting unit, used in a công văn's ký hiệu)
trích yếu: V/v triển khai xử lý văn bản trên phần mềm văn phòng điện tử
người ký: Nguyễn Văn An, Chủ tịch
nơi nhận: TCKH, TP, NB; Sở Nội vụ tỉnh Bình Định      (unit codes; external agencies by name after ";")
độ khẩn: thường
độ mật: không                       (anything else → refused as a file: paper only)
dấu đỏ: không                       (có → must carry the red seal: recorded, flagged for paper, not sent)`;

export const DIRECTIVE_EXAMPLE = `/chidao D123
Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Phòng Tư pháp tham mưu UBND thành phố trả lời trước ngày 20/12.
chủ trì: TCKH
phối hợp: TP, VP
để biết: NB
hạn: 20/12/2026          (or: "hạn: 5 ngày" = 5 working days from today)`;
