// Sending one channel-neutral message on Telegram: HTML text split under the limit, the actions as
// an inline keyboard on the last part, then each attachment as a document read from the file store.
// A message with a `cardKey` is a living card: `deliverCard` edits the chat's existing card in place
// (text and buttons) instead of adding a message, and remembers which message shows the card.
import { GrammyError, InputFile } from "grammy";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { type FileStore, type MessageAction, type OutboundMessage, CALLBACK_DATA_MAX_BYTES } from "../../core/index.ts";
import type { TelegramCards } from "./cards.ts";
import { renderHtmlParts } from "./html.ts";

/** Actions → an inline keyboard, two buttons a row; an action whose data is too long is left out. */
export const inlineKeyboard = (actions: readonly MessageAction[]): InlineKeyboardMarkup => {
  const buttons = actions.filter((a) => Buffer.byteLength(a.callback, "utf8") <= CALLBACK_DATA_MAX_BYTES).map((a) => ({ text: a.label, callback_data: a.callback }));
  const rows: InlineKeyboardMarkup["inline_keyboard"] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { inline_keyboard: rows };
};

/** grammY types its signals with the abort-controller polyfill; at run time it is the platform's. */
type GrammySignal = Parameters<Api["sendMessage"]>[3];
const grammySignal = (signal: AbortSignal | undefined): GrammySignal => signal as unknown as GrammySignal;

/** What was sent: the text parts' message ids (the last one carries the keyboard) and the last id. */
type Sent = { textIds: number[]; lastId: number };

const sendParts = async (api: Api, chatId: string | number, message: OutboundMessage, files?: FileStore, signal?: AbortSignal): Promise<Sent> => {
  const parts = renderHtmlParts(message);
  const actions = message.actions ?? [];
  const textIds: number[] = [];
  let lastId = 0;
  for (const [i, html] of parts.entries()) {
    const isLast = i === parts.length - 1;
    signal?.throwIfAborted();
    const sent = await api.sendMessage(
      chatId,
      html,
      {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(isLast && actions.length > 0 ? { reply_markup: inlineKeyboard(actions) } : {}),
      },
      grammySignal(signal),
    );
    textIds.push(sent.message_id);
    lastId = sent.message_id;
  }
  for (const a of message.attachments ?? []) {
    if (!files) throw new Error("sendOutbound: a message with attachments needs a file store");
    const bytes = await files.readBytes(a.sha256);
    signal?.throwIfAborted();
    const sent = await api.sendDocument(chatId, new InputFile(bytes, a.fileName), {}, grammySignal(signal));
    lastId = sent.message_id;
  }
  return { textIds, lastId };
};

/** Sends the message; returns the id of the message carrying the keyboard (else the last one). */
export const sendOutbound = async (api: Api, chatId: string | number, message: OutboundMessage, files?: FileStore, signal?: AbortSignal): Promise<number> => {
  const sent = await sendParts(api, chatId, message, files, signal);
  return (message.actions ?? []).length > 0 ? (sent.textIds.at(-1) ?? sent.lastId) : sent.lastId;
};

const describe = (err: unknown): string => (err instanceof GrammyError ? err.description.toLowerCase() : "");
/** Telegram's answer when an edit changes nothing: the card already shows this. */
const isNotModified = (err: unknown): boolean => describe(err).includes("message is not modified");
/** The card's message is gone or cannot be edited: send a new card instead. */
const isCardGone = (err: unknown): boolean =>
  err instanceof GrammyError &&
  err.error_code === 400 &&
  ["message to edit not found", "message can't be edited", "there is no text in the message to edit", "message_id_invalid"].some((s) => describe(err).includes(s));

export type CardDelivery = {
  /** Where new sends go, and which cards exist. Without it every message is sent as new. */
  cards?: TelegramCards | undefined;
  files?: FileStore | undefined;
  /**
   * `edit` (the delivery of outbox rows): an existing card is edited in place.
   * `resend` (replies to a person's command, e.g. `/xem D7-TCKH`): the card is sent again at the
   * bottom of the chat and the old one loses its buttons, so one card stays live.
   * @defaultValue "edit"
   */
  mode?: "edit" | "resend";
  /** Cancels what is not sent yet: no request starts once it is aborted (and grammY aborts the one in flight). */
  signal?: AbortSignal | undefined;
};

/**
 * Sends a message, or, when it is a living card already shown in this chat, edits that card in
 * place (its text and buttons; its attachments were sent with the card). Returns the id of the
 * message that shows it. Only single-part cards are remembered: a card split over several messages
 * is never edited, its next version comes as new messages.
 */
export const deliverCard = async (api: Api, chatId: string | number, message: OutboundMessage, opts: CardDelivery = {}): Promise<number> => {
  const { cards, cardKey } = { cards: opts.cards, cardKey: message.cardKey };
  const signal = opts.signal;
  if (!cards || !cardKey) return sendOutbound(api, chatId, message, opts.files, signal);
  const chat = String(chatId);
  const parts = renderHtmlParts(message);
  const existing = await cards.find(chat, cardKey);
  if (existing !== null && (opts.mode ?? "edit") === "edit" && parts.length === 1) {
    try {
      signal?.throwIfAborted();
      await api.editMessageText(
        chatId,
        existing,
        parts[0]!,
        {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
          // Without reply_markup Telegram removes the keyboard: that is what a card without actions wants.
          ...((message.actions ?? []).length > 0 ? { reply_markup: inlineKeyboard(message.actions ?? []) } : {}),
        },
        grammySignal(signal),
      );
      return existing;
    } catch (err) {
      if (isNotModified(err)) return existing;
      if (!isCardGone(err)) throw err;
      await cards.forget(chat, cardKey);
    }
  } else if (existing !== null) {
    // A new version of the card goes to the bottom of the chat: the old one keeps no live buttons.
    await api.editMessageReplyMarkup(chatId, existing, { reply_markup: { inline_keyboard: [] } }, grammySignal(signal)).catch(() => undefined);
  }
  const sent = await sendParts(api, chatId, message, opts.files, signal);
  const cardId = sent.textIds.at(-1);
  if (parts.length === 1 && cardId !== undefined) await cards.remember(chat, cardKey, cardId);
  else await cards.forget(chat, cardKey);
  return (message.actions ?? []).length > 0 ? (cardId ?? sent.lastId) : sent.lastId;
};
