// How a channel-neutral OutboundMessage reads on Zalo: plain text (Zalo shows no markup), the file
// links in the text (a Zalo bot cannot send files), and, since Zalo has no buttons, the exact
// replies the message's actions stand for at its very end: "Trả lời: /nhan D7-TCKH", or numbered
// choices for a confirmation echo ("1. Xác nhận (/ok)  2. Sửa (/sua)  3. Hủy (/huy)"), which the
// shared layer maps back (BotEnv.numberedChoices). Shared by the bot's replies and the Zalo sender.
import { t } from "../../core/messages/index.ts";
import type { Locale } from "../../core/messages/index.ts";
import type { MessageAction, OutboundMessage } from "../../core/ports/sender.ts";
import { decodeCallback } from "../shared/callback-data.ts";
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
