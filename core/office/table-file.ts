// A titled table (a register, a report) written as XLSX (exceljs) or CSV. Pure: no database.
//
// XLSX: a title block (agency name, the register's title, the period), then the header row, then
// one row per entry, then the footer lines (a closing line across the sheet, then the signature
// block centred on the right half, as on a printed register); date columns hold real dates (Excel date cells, shown dd/mm/yyyy), number
// columns numbers. CSV: the header row and the entries only (no title block, so it loads as a
// table), UTF-8 with a byte-order mark (Excel guesses the encoding from it and shows Vietnamese
// correctly), RFC 4180 quoting, CRLF line ends, dates as dd/mm/yyyy.
// exceljs (≈30 MB resident) is loaded when a workbook is written, not when the service starts.
import type ExcelJS from "exceljs";
import { formatLocalDate, localDateToUtcMidnight, type LocalDate } from "../time.ts";

/** How a column's cells are typed: text, a number, or a local date "YYYY-MM-DD". */
export type TableColumnKind = "text" | "number" | "date";

export type TableColumn = {
  title: string;
  kind: TableColumnKind;
  /** Column width in characters (XLSX). @defaultValue 14 */
  width?: number;
  /**
   * A heading over several adjacent columns ("Đã hoàn thành" over "Đúng hạn" and "Quá hạn"): XLSX
   * draws it as a merged cell on a header row of its own, the other columns' titles spanning both
   * rows; CSV writes "Group: title".
   */
  group?: string;
};

/** A cell: text, a number, a LocalDate (in a date column), or empty. */
export type TableCell = string | number | LocalDate | null;

export type TitledTable = {
  /** Worksheet name (at most 31 characters; Excel refuses longer ones). */
  sheetName: string;
  /** Lines above the header: the agency, the title, the period. */
  titleLines: string[];
  columns: TableColumn[];
  rows: TableCell[][];
  /** Lines below the rows (XLSX only): a closing line, then the signature block. */
  footerLines?: string[];
};

/** Rows of the title block, then the header (two rows with column groups); data starts on the row after `headerRowNumber`. */
export const headerRowNumber = (table: Pick<TitledTable, "titleLines"> & { columns?: TableColumn[] }): number =>
  table.titleLines.length + 2 + ((table.columns ?? []).some((c) => c.group) ? 1 : 0);

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_MIME = "text/csv; charset=utf-8";

const cellValue = (column: TableColumn, value: TableCell): ExcelJS.CellValue => {
  if (value === null || value === "") return null;
  // An Excel date has no zone: exceljs writes a Date's UTC fields, so a local date goes in as UTC midnight.
  if (column.kind === "date" && typeof value === "string") return localDateToUtcMidnight(value);
  return value;
};

/** Adds one titled table as a worksheet of `workbook`. */
export const addTableSheet = (workbook: ExcelJS.Workbook, table: TitledTable): ExcelJS.Worksheet => {
  const sheet = workbook.addWorksheet(table.sheetName.slice(0, 31), { pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = table.columns.map((c) => ({ width: c.width ?? 14 }));
  const lastColumn = Math.max(1, table.columns.length);
  table.titleLines.forEach((line, i) => {
    const row = sheet.getRow(i + 1);
    row.getCell(1).value = line;
    row.getCell(1).font = { bold: i <= 1, size: i === 1 ? 14 : 12 };
    row.getCell(1).alignment = { horizontal: "center" };
    sheet.mergeCells(i + 1, 1, i + 1, lastColumn);
  });
  const headerAt = headerRowNumber(table);
  const header = sheet.getRow(headerAt);
  const grouped = table.columns.some((c) => c.group);
  const headerCell = (cell: ExcelJS.Cell, value: string): void => {
    cell.value = value;
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } };
  };
  table.columns.forEach((c, i) => headerCell(header.getCell(i + 1), c.title));
  if (grouped) {
    // The group row above the titles: a group's title merged over its columns; an ungrouped
    // column's title moved up and merged over both rows.
    const groupRow = sheet.getRow(headerAt - 1);
    for (let i = 0; i < table.columns.length;) {
      const group = table.columns[i]!.group;
      let end = i;
      while (group && table.columns[end + 1]?.group === group) end++;
      if (group) {
        for (let k = i; k <= end; k++) headerCell(groupRow.getCell(k + 1), group);
        if (end > i) sheet.mergeCells(headerAt - 1, i + 1, headerAt - 1, end + 1);
      } else {
        headerCell(groupRow.getCell(i + 1), table.columns[i]!.title);
        sheet.mergeCells(headerAt - 1, i + 1, headerAt, i + 1);
      }
      i = end + 1;
    }
  }
  table.rows.forEach((values, r) => {
    const row = sheet.getRow(headerAt + 1 + r);
    table.columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.value = cellValue(c, values[i] ?? null);
      if (c.kind === "date") cell.numFmt = "dd/mm/yyyy";
      cell.alignment = { vertical: "top", wrapText: c.kind === "text" };
      cell.border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } };
    });
  });
  const footerAt = headerAt + table.rows.length + 2;
  const rightHalf = Math.max(1, Math.ceil(lastColumn / 2) + 1);
  (table.footerLines ?? []).forEach((line, i) => {
    // The closing line spans the sheet; the signature block sits on the right half, a blank row below the closing line.
    const rowNumber = footerAt + (i === 0 ? 0 : i + 1);
    const firstColumn = i === 0 ? 1 : Math.min(rightHalf, lastColumn);
    const cell = sheet.getRow(rowNumber).getCell(firstColumn);
    cell.value = line;
    // Upper-case lines (the signer's title) bold, bracketed hints italic, as on a printed form.
    cell.font = { bold: i > 0 && line === line.toUpperCase(), italic: line.startsWith("(") };
    cell.alignment = { horizontal: i === 0 ? "left" : "center" };
    if (lastColumn > firstColumn) sheet.mergeCells(rowNumber, firstColumn, rowNumber, lastColumn);
  });
  sheet.views = [{ state: "frozen", ySplit: headerAt }];
  return sheet;
};

/** The tables as one XLSX workbook (one worksheet each). */
export const tablesToXlsx = async (tables: TitledTable[], meta: { creator?: string; now?: Date } = {}): Promise<Uint8Array> => {
  const { default: Excel } = await import("exceljs");
  const workbook = new Excel.Workbook();
  workbook.creator = meta.creator ?? "edoc";
  if (meta.now) {
    workbook.created = meta.now;
    workbook.modified = meta.now;
  }
  for (const t of tables) addTableSheet(workbook, t);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
};

/** The UTF-8 byte-order mark. */
export const UTF8_BOM = "\uFEFF";

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The table as CSV text (header + rows), with the BOM. */
export const tableToCsv = (table: Pick<TitledTable, "columns" | "rows">): string => {
  const line = (cells: string[]): string => cells.map(csvField).join(",");
  const out = [line(table.columns.map((c) => (c.group ? `${c.group}: ${c.title}` : c.title)))];
  for (const values of table.rows) {
    out.push(
      line(
        table.columns.map((c, i) => {
          const v = values[i] ?? null;
          if (v === null) return "";
          if (c.kind === "date" && typeof v === "string" && v !== "") return formatLocalDate(v);
          return String(v);
        }),
      ),
    );
  }
  return `${UTF8_BOM}${out.join("\r\n")}\r\n`;
};
