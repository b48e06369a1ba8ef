// How a channel-neutral OutboundMessage reads on Zalo: text without markup characters, the file
// links in the text (a Zalo bot cannot send files), and, since Zalo has no buttons, the exact
// replies the message's actions stand for at its very end: "Trả lời: /nhan D7-TCKH", or numbered
// choices for a confirmation echo ("1. Xác nhận (/ok)  2. Sửa (/sua)  3. Hủy (/huy)"), which the
// shared layer maps back (BotEnv.numberedChoices). What people scan for (the document's reference
// and the exact reply line) is set bold with `text_styles` ranges (zaloStyledParts); the sender
// falls back to the plain text when the platform refuses them. Shared by the bot's replies and the
// Zalo sender.
import { t, type Locale, type MessageAction, type OutboundMessage, decodeCallback } from "../../core/index.ts";
import type { ZaloTextStyle } from "./zalo-client.ts";
import { splitText } from "./split-text.ts";
import { ZALO_TEXT_LIMIT } from "./zalo-client.ts";

const CHOICE_KINDS = new Set(["confirm", "edit", "cancel"]);

/**
 * Whether the actions are the choices of a confirmation echo (Xác nhận / Sửa / Hủy), which a
 * person may answer with their number.
 */
export const isNumberedChoice = (actions: readonly MessageAction[]): boolean =>
  actions.length > 0 && actions.every((a) => CHOICE_KINDS.has(decodeCallback(a.callback)?.kind ?? ""));

/**
 * The lines that replace buttons, always last in the message:
 * - an echo's choices, numbered on one line: `1. Xác nhận (/ok)  2. Sửa (/sua)  3. Hủy (/huy)`;
 * - otherwise the first action (the one to take now) as the closing `Trả lời: /nhan D7-TCKH`, the
 *   other actions above it as `Xong: /xong D7-TCKH`.
 */
export const actionLines = (locale: Locale, actions: readonly MessageAction[]): string[] => {
  if (actions.length === 0) return [];
  if (isNumberedChoice(actions)) {
    return [actions.map((a, i) => t(locale, "zalo.choice", { n: i + 1, label: a.label, command: a.command })).join("  ")];
  }
  const [primary, ...others] = actions as [MessageAction, ...MessageAction[]];
  return [...others.map((a) => t(locale, "zalo.replyOther", { label: a.label, command: a.command })), t(locale, "zalo.reply", { command: primary.command })];
};

/**
 * The whole message as plain text: title, text, `extraLines` (download links), then the replies
 * of its actions. Not yet split: see {@link zaloTextParts}.
 */
export const renderZaloText = (message: OutboundMessage, opts: { locale: Locale; extraLines?: readonly string[] }): string =>
  [message.title?.trim(), message.text, ...(opts.extraLines ?? []), ...actionLines(opts.locale, message.actions ?? [])]
    .filter((part): part is string => typeof part === "string" && part.trim() !== "")
    .join("\n");

/** The text in parts Zalo accepts (2,000 characters), cut on line boundaries where possible. */
export const zaloTextParts = (text: string): string[] => splitText(text, ZALO_TEXT_LIMIT);

/** One message to send: its text and the bold ranges in it (empty: plain). */
export type ZaloStyledPart = { text: string; styles: ZaloTextStyle[] };

/** A document or assignment reference as people type it: D7, D7-TCKH, D7/2025-TCKH, P12. */
const REF_PATTERN = /(?<![\p{L}\p{N}/])[DP]\d+(?:\/\d{4})?(?:-[A-Z0-9]+)?(?![\p{L}\p{N}])/gu;
const URL_PATTERN = /https?:\/\/\S+/g;

/** The bold ranges of one part: whole reply lines, and every reference outside links. */
const boldRanges = (text: string, replyLines: ReadonlySet<string>): ZaloTextStyle[] => {
  const ranges: Array<[number, number]> = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    if (replyLines.has(line.trim()) && line.trim() !== "") {
      const start = offset + line.indexOf(line.trim());
      ranges.push([start, start + line.trim().length]);
    }
    offset += line.length + 1;
  }
  const urls = [...text.matchAll(URL_PATTERN)].map((m) => [m.index, m.index + m[0].length] as const);
  for (const m of text.matchAll(REF_PATTERN)) {
    const [start, end] = [m.index, m.index + m[0].length];
    const inside = (spans: ReadonlyArray<readonly [number, number]>) => spans.some(([a, b]) => start >= a && end <= b);
    if (!inside(urls) && !inside(ranges)) ranges.push([start, end]);
  }
  return ranges.sort((a, b) => a[0] - b[0]).map(([start, end]) => ({ start, len: end - start, st: "b" }));
};

/**
 * The message in parts Zalo accepts, each with its bold ranges (offsets in UTF-16 code units):
 * the reply lines of its actions in full, and every reference (D7, D7-TCKH, P12) outside links.
 *
 * @example
 * zaloStyledParts(card, { locale: "vi" })[0]?.styles // [{ start: 10, len: 7, st: "b" }, …]
 */
export const zaloStyledParts = (message: OutboundMessage, opts: { locale: Locale; extraLines?: readonly string[] }): ZaloStyledPart[] => {
  const replyLines = new Set(actionLines(opts.locale, message.actions ?? []).map((l) => l.trim()));
  return zaloTextParts(renderZaloText(message, opts)).map((text) => ({ text, styles: boldRanges(text, replyLines) }));
};
