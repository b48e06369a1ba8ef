// Telegram HTML: every user-supplied string is escaped (the Bot API refuses a message with a stray
// "<" or "&"), the title is bold, and long texts are split under the 4,096-character limit (counted
// on the text as shown, which is what Telegram checks).
import type { OutboundMessage } from "../../core/index.ts";

export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CALLBACK_TEXT_LIMIT = 200;

/** Escapes the three characters Telegram's HTML parser treats specially. */
export const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The message as HTML parts, each at most `limit` characters of visible text. */
export const renderHtmlParts = (message: Pick<OutboundMessage, "title" | "text">, limit = TELEGRAM_TEXT_LIMIT): string[] => {
  const title = message.title?.trim() ?? "";
  const plain = title !== "" ? (message.text !== "" ? `${title}\n${message.text}` : title) : message.text;
  const parts = packText(plain, limit);
  return parts.map((part, i) => {
    if (i === 0 && title !== "" && part.startsWith(title)) return `<b>${escapeHtml(title)}</b>${escapeHtml(part.slice(title.length))}`;
    return escapeHtml(part);
  });
};

/** Shortens a text to `max` characters (callback answers allow 200). */
export const truncate = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * Splits `text` into as few parts of at most `limit` characters as it can: each part is filled up,
 * cut at a line break in its second half, else after the last space, else anywhere (never inside a
 * surrogate pair). Only the line break at a cut is dropped, so a long directive arrives whole in the
 * fewest messages (5,000 characters → 2).
 */
export const packText = (text: string, limit: number): string[] => {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const nl = window.lastIndexOf("\n");
    if (nl >= limit / 2) {
      parts.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      continue;
    }
    const space = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\t"));
    let cut = space > 0 ? space + 1 : limit;
    if (cut === limit && isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts.filter((p) => p.trim() !== "");
};
