// Sending one channel-neutral message on Telegram: HTML text split under the limit, the actions as
// an inline keyboard on the last part, then each attachment as a document read from the file store.
import { InputFile } from "grammy";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { FileStore } from "../../core/files/file-store.ts";
import type { MessageAction, OutboundMessage } from "../../core/ports/sender.ts";
import { CALLBACK_DATA_MAX_BYTES } from "./callback-data.ts";
import { renderHtmlParts } from "./html.ts";

/** Actions → an inline keyboard, two buttons a row; an action whose data is too long is left out. */
export const inlineKeyboard = (actions: readonly MessageAction[]): InlineKeyboardMarkup => {
  const buttons = actions
    .filter((a) => Buffer.byteLength(a.callback, "utf8") <= CALLBACK_DATA_MAX_BYTES)
    .map((a) => ({ text: a.label, callback_data: a.callback }));
  const rows: InlineKeyboardMarkup["inline_keyboard"] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { inline_keyboard: rows };
};

/** Sends the message; returns the id of the message carrying the keyboard (else the last one). */
export const sendOutbound = async (api: Api, chatId: string | number, message: OutboundMessage, files?: FileStore): Promise<number> => {
  const parts = renderHtmlParts(message);
  const actions = message.actions ?? [];
  let keyboardMessageId: number | null = null;
  let lastId = 0;
  for (const [i, html] of parts.entries()) {
    const isLast = i === parts.length - 1;
    const sent = await api.sendMessage(chatId, html, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(isLast && actions.length > 0 ? { reply_markup: inlineKeyboard(actions) } : {}),
    });
    lastId = sent.message_id;
    if (isLast && actions.length > 0) keyboardMessageId = sent.message_id;
  }
  for (const a of message.attachments ?? []) {
    if (!files) throw new Error("sendOutbound: a message with attachments needs a file store");
    const bytes = await files.readBytes(a.sha256);
    const sent = await api.sendDocument(chatId, new InputFile(bytes, a.fileName));
    lastId = sent.message_id;
  }
  return keyboardMessageId ?? lastId;
};
