// One-time link codes (DESIGN.md "Linking a chat account"): 8 characters from an alphabet without
// look-alikes (no 0/O, 1/I/L), shown grouped 4-4 as `ABCD-2345`. People may type them in any case,
// with or without the hyphen, or with a space instead. The code generator (core) must draw from
// LINK_CODE_ALPHABET and hash the canonical form returned by normalizeLinkCode.

/** Digits 2–9 and the letters A–Z without I, L and O: 31 symbols. */
export const LINK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/** Symbols in a code (31^8 ≈ 8.5 × 10^11 codes). */
export const LINK_CODE_LENGTH = 8;

const ALLOWED = new RegExp(`^[${LINK_CODE_ALPHABET}]{${LINK_CODE_LENGTH}}$`);

/**
 * The canonical form of a typed code, upper-case without separators (`"abcd-2345"` → `"ABCD2345"`),
 * or null when it is not a well-formed code. A single hyphen or space between the two halves is allowed.
 */
export const normalizeLinkCode = (typed: string): string | null => {
  const m = /^\s*([A-Za-z0-9]{4})[-\s]?([A-Za-z0-9]{4})\s*$/.exec(typed);
  if (!m) return null;
  const code = `${m[1]}${m[2]}`.toUpperCase();
  return ALLOWED.test(code) ? code : null;
};

/** The display form of a code: `ABCD-2345`. */
export const formatLinkCode = (code: string): string => {
  const c = code.replace(/[-\s]/g, "").toUpperCase();
  return `${c.slice(0, 4)}-${c.slice(4)}`;
};

/**
 * Whether a whole message, sent on its own, is a link attempt. Stricter than normalizeLinkCode so that
 * ordinary 8-letter words are not taken for codes: the hyphenated form `ABCD-2345` always counts; the
 * forms without a hyphen count only when they contain a digit. Returns the canonical code or null.
 */
export const readBareLinkCode = (message: string): string | null => {
  const code = normalizeLinkCode(message);
  if (code === null) return null;
  if (/^\s*[A-Za-z0-9]{4}-[A-Za-z0-9]{4}\s*$/.test(message)) return code;
  return /\d/.test(code) ? code : null;
};
