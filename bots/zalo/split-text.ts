// Splits a long message into parts a chat platform accepts (Zalo: 2,000 characters; Telegram
// reuses it with 4,096). Length is counted as JS string length (UTF-16 code units), which is
// what both platforms' limits are checked against here; a surrogate pair is never cut.

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** The largest cut ≤ `end` that does not fall inside a surrogate pair. */
const safeCut = (text: string, end: number): number => (end > 0 && end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end);

/**
 * Splits one line longer than `limit`: at the last whitespace that fits (the whitespace stays
 * at the end of the earlier part), else a hard cut. Concatenating the parts gives the line back.
 */
const splitLongLine = (line: string, limit: number): string[] => {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const lastSpace = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\t"));
    // Cut after the space, so that no character is lost; a leading space gives no progress.
    const cut = lastSpace > 0 ? lastSpace + 1 : safeCut(rest, limit);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
};

/**
 * Splits `text` into parts of at most `limit` characters, in order.
 *
 * - Cuts fall on line breaks where possible; the `\n` at such a cut is dropped, so when all cuts
 *   are on line breaks, `parts.join("\n") === text`.
 * - A single line longer than `limit` is cut after its last fitting space, else hard-cut (never
 *   inside a surrogate pair); those cuts drop nothing.
 * - Parts that would be empty (blank lines at a cut) are left out; `""` gives `[]`.
 *
 * @param limit - Maximum part length in UTF-16 code units (2,000 for Zalo, 4,096 for Telegram); at least 2.
 * @example
 * ```ts
 * for (const part of splitText(longText, ZALO_TEXT_LIMIT)) await zalo.sendMessage({ chat_id, text: part });
 * ```
 */
export const splitText = (text: string, limit: number): string[] => {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`splitText: limit must be an integer ≥ 2, got ${limit}`);
  if (text.length <= limit) return text.length === 0 ? [] : [text];

  const parts: string[] = [];
  let current: string | null = null;
  const flush = () => {
    if (current !== null && current.length > 0) parts.push(current);
    current = null;
  };

  for (const line of text.split("\n")) {
    if (current !== null && current.length + 1 + line.length <= limit) {
      current += `\n${line}`;
      continue;
    }
    flush();
    if (line.length <= limit) {
      current = line;
      continue;
    }
    const pieces = splitLongLine(line, limit);
    // The last piece of a long line may still take the next lines after it.
    current = pieces.pop() ?? null;
    parts.push(...pieces);
  }
  flush();
  return parts;
};
