// Reads a Zalo Bot Platform update, whatever shape it arrives in (ZALO.md §1): wrapped
// `{ ok, result: { event_name, message } }` (as documented for webhooks) or unwrapped
// `{ event_name, message }` (as seen in real deliveries and from getUpdates); `photo` or
// `photo_url`; `display_name` or `name`; ids as strings or numbers.

import { toEpochMs } from "./zalo-client.ts";

/** The event names ZALO.md documents; others are passed through as strings. */
export type ZaloEventName =
  | "message.text.received"
  | "message.image.received"
  | "message.sticker.received"
  | "message.unsupported.received";

/** A Zalo update in one channel-neutral-friendly shape. */
export type ZaloUpdate = {
  /** e.g. `message.text.received` (unknown names are kept as they are). */
  eventName: ZaloEventName | (string & {});
  messageId: string;
  /** Milliseconds since the epoch (the receive time when the update carries no date). */
  date: number;
  chatId: string;
  chatType: "PRIVATE" | "GROUP";
  fromId: string;
  /** `display_name` or `name`; "" when absent. */
  fromName: string;
  /** True when the sender is a bot (`from.is_bot`). */
  fromIsBot: boolean;
  text?: string;
  caption?: string;
  /** The image URL of a photo message (`photo_url` or `photo`). */
  photoUrl?: string;
  /** The sticker id of a sticker message. */
  sticker?: string;
  /** The platform withheld the content (e.g. a protected user): answer with a hint, not a parse. */
  isUnsupported: boolean;
  /** The update as received (after unwrapping), for logs of ids and debugging. */
  raw: Record<string, unknown>;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const toId = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value.trim()
    : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;

const toText = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A photo given as a URL string, an object with `url`, or an array of those (largest last). */
const toPhotoUrl = (value: unknown): string | undefined => {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (Array.isArray(value)) return toPhotoUrl(value.at(-1));
  if (isRecord(value)) return toPhotoUrl(value.url ?? value.photo_url);
  return undefined;
};

/** Removes the `{ ok, result }` envelope when there is one. */
const unwrap = (body: unknown): Record<string, unknown> | null => {
  if (!isRecord(body)) return null;
  if (typeof body.event_name === "string") return body;
  if (isRecord(body.result) && typeof body.result.event_name === "string") return body.result;
  return null;
};

/**
 * Turns a webhook body or a getUpdates result into a {@link ZaloUpdate}, or null when it is
 * not an update (no event name, no message, no message id, no chat or sender id).
 *
 * @example
 * ```ts
 * const update = normalizeZaloUpdate(JSON.parse(body));
 * if (update && update.text?.startsWith("/nhan")) …
 * ```
 */
export const normalizeZaloUpdate = (body: unknown): ZaloUpdate | null => {
  const raw = unwrap(body);
  if (!raw) return null;
  const eventName = (raw.event_name as string).trim();
  const message = raw.message;
  if (eventName.length === 0 || !isRecord(message)) return null;

  const messageId = toId(message.message_id);
  const from = isRecord(message.from) ? message.from : {};
  const chat = isRecord(message.chat) ? message.chat : {};
  // In a private chat the chat id is the user's id: either can stand in for a missing other.
  const fromId = toId(from.id) ?? toId(chat.id);
  const chatId = toId(chat.id) ?? toId(from.id);
  if (messageId === undefined || fromId === undefined || chatId === undefined) return null;

  const chatTypeRaw = toText(chat.chat_type ?? chat.type)?.toUpperCase() ?? "PRIVATE";
  const update: ZaloUpdate = {
    eventName,
    messageId,
    date: toEpochMs(message.date) ?? Date.now(),
    chatId,
    chatType: chatTypeRaw.includes("GROUP") ? "GROUP" : "PRIVATE",
    fromId,
    fromName: toText(from.display_name) ?? toText(from.name) ?? "",
    fromIsBot: from.is_bot === true,
    isUnsupported: eventName.includes("unsupported"),
    raw,
  };
  const text = toText(message.text);
  if (text !== undefined) update.text = text;
  const caption = toText(message.caption);
  if (caption !== undefined) update.caption = caption;
  const photoUrl = toPhotoUrl(message.photo_url) ?? toPhotoUrl(message.photo);
  if (photoUrl !== undefined) update.photoUrl = photoUrl;
  const sticker = toId(message.sticker) ?? (isRecord(message.sticker) ? toId(message.sticker.id) : undefined);
  if (sticker !== undefined) update.sticker = sticker;
  return update;
};

/**
 * The deduplication key of an update: `event_name` + `message_id` (ZALO.md). Webhook
 * redeliveries and a switch between polling and webhook can repeat an update.
 */
export const updateKey = (update: Pick<ZaloUpdate, "eventName" | "messageId">): string =>
  `${update.eventName}:${update.messageId}`;
