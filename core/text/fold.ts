const COMBINING_MARKS = /\p{M}+/gu;

/**
 * Lower-cases, strips diacritics (NFD, then removes combining marks; đ/Đ → d, which NFD does not
 * decompose), collapses runs of whitespace to one space and trims. For matching and search only:
 * what gets recorded is always the original text.
 *
 * @example foldVietnamese("  Trích   YẾU ") === "trich yeu"
 */
export const foldVietnamese = (s: string): string =>
  s.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(/đ/g, "d").replace(/\s+/g, " ").trim();
