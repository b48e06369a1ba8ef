const COMBINING_MARKS = /\p{M}+/gu;

/**
 * Lower-cases, strips diacritics (NFD, then removes combining marks; đ/Đ → d, which NFD does not
 * decompose), collapses runs of whitespace to one space and trims. For matching and search only:
 * what gets recorded is always the original text.
 *
 * @example foldVietnamese("  Trích   YẾU ") === "trich yeu"
 */
export const foldVietnamese = (s: string): string => s.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(/đ/g, "d").replace(/\s+/g, " ").trim();

const foldChar = (c: string): string => {
  const f = c.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(/đ/g, "d");
  return f.length === 1 ? f : c.length === 1 ? c.toLowerCase().slice(0, 1) || c : c;
};

/** Lower case, no diacritics, đ → d; same length as `s` (NFC) so indexes carry over. */
export const foldSameLength = (s: string): string => {
  let out = "";
  for (const c of s) {
    const f = foldChar(c);
    out += f.length === c.length ? f : c;
  }
  return out;
};
