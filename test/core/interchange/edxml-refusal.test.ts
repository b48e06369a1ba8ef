import { describe, expect, it } from "vitest";
import { EdxmlError, type EdxmlErrorCode } from "../../../core/interchange/edxml.ts";
import { edxmlRefusalMessage } from "../../../core/interchange/edxml-refusal.ts";
import { hasMessage, t } from "../../../core/messages/index.ts";

const CODES: EdxmlErrorCode[] = [
  "xml_invalid",
  "doctype",
  "namespace",
  "root",
  "missing:From.OrganId",
  "duplicate_to",
  "date_invalid",
  "too_large",
  "attachment_encoding",
  "type_mismatch",
];

describe("edxmlRefusalMessage", () => {
  it("has a Vietnamese and English message for every refusal code", () => {
    for (const code of CODES) {
      const { key } = edxmlRefusalMessage(new EdxmlError(code, "x"));
      expect(hasMessage(key), key).toBe(true);
      expect(t("vi", key)).not.toBe(t("en", key));
    }
  });

  it("names the element in the standard's path notation", () => {
    const missing = edxmlRefusalMessage(new EdxmlError("missing:From.OrganId", "x", "From.OrganId"));
    expect(t("vi", missing.key, missing.params)).toBe("Gói tin thiếu thành phần bắt buộc: From/OrganId.");
    const date = edxmlRefusalMessage(new EdxmlError("date_invalid", "x", "PromulgationInfo.PromulgationDate"));
    expect(t("vi", date.key, date.params)).toBe("Ngày ở PromulgationInfo/PromulgationDate không đúng định dạng ngày/tháng/năm (dd/MM/yyyy).");
    const mismatch = edxmlRefusalMessage(new EdxmlError("type_mismatch", "x", "Attachment[2]"));
    expect(t("vi", mismatch.key, mismatch.params)).toBe("Nội dung tệp đính kèm Attachment[2] không đúng loại tệp đã khai báo.");
  });
});
