import { describe, expect, it } from "vitest";
import { tableToCsv } from "../../../core/office/table-file.ts";

describe("tableToCsv", () => {
  it("starts with the BOM, quotes commas, quotes and line breaks (RFC 4180), writes dates dd/mm/yyyy, ends lines with CRLF", () => {
    const csv = tableToCsv({
      columns: [
        { title: "Số, ký hiệu", kind: "text" },
        { title: "Ngày", kind: "date" },
        { title: "Số đến", kind: "number" },
      ],
      rows: [
        ['45/STC-NS "gấp"', "2026-11-02", 7],
        ["dòng 1\ndòng 2", null, null],
      ],
    });
    expect(csv).toBe('\uFEFF"Số, ký hiệu",Ngày,Số đến\r\n"45/STC-NS ""gấp""",02/11/2026,7\r\n"dòng 1\ndòng 2",,\r\n');
  });
});
