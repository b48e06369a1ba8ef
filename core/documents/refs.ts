// Short references people type (DESIGN.md "References"): documents are stored with their year
// (`D7/2026`, `P12/2026`), assignments add the unit (`D7/2026-TCKH`) and, when delegated, the
// officer (`D7/2026-TCKH-cv.tckh`). People see the year only when it is not the current one.

export const REF_PREFIX = { IN: "D", OUT: "P", IN_SECRET: "M", OUT_SECRET: "PM" } as const;

export const documentRef = (prefix: string, registerNumber: number, year: number): string => `${prefix}${registerNumber}/${year}`;

export const assignmentRef = (docRef: string, unitCode: string, officerCode?: string): string =>
  officerCode ? `${docRef}-${unitCode.toUpperCase()}-${officerCode}` : `${docRef}-${unitCode.toUpperCase()}`;

const CANONICAL = /^([A-Z]+)(\d+)\/(\d{4})(-.+)?$/;

/** `D7/2026-TCKH` → `D7-TCKH` in 2026, unchanged in another year. */
export const displayRef = (canonical: string, currentYear: number): string => {
  const m = CANONICAL.exec(canonical);
  if (!m) return canonical;
  const [, prefix, number, year, rest] = m;
  return Number(year) === currentYear ? `${prefix}${number}${rest ?? ""}` : `${prefix}${number}/${year}${rest ?? ""}`;
};
