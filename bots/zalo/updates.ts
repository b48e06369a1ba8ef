// Reads a Zalo Bot Platform update, whatever shape it arrives in (ZALO.md §1): wrapped
// `{ ok, result: { event_name, message } }` (as documented for webhooks) or unwrapped
// `{ event_name, message }` (as seen in real deliveries and from getUpdates); `photo` or
// `photo_url`; `display_name`, `name` or `first_name`; ids as strings or numbers. The official
// getUpdates sample has no `event_name`: it is then inferred from the fields present (issue 24).

import { createHash } from "node:crypto";
import { toEpochMs } from "./zalo-client.ts";

/** The event names ZALO.md documents; others are passed through as strings. */
export type ZaloEventName = "message.text.received" | "message.image.received" | "message.sticker.received" | "message.voice.received" | "message.unsupported.received";

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
  /** The audio URL of a voice note (`voice_url`, AAC). */
  voiceUrl?: string;
  /** A reaction to a message (an emoji on the bot's message): nothing to answer. */
  isReaction: boolean;
  /** The platform withheld the content (e.g. a protected user): answer with a hint, not a parse. */
  isUnsupported: boolean;
  /** The update as received (after unwrapping), for logs of ids and debugging. */
  raw: Record<string, unknown>;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const toId = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value.trim() : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;

const toText = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A photo given as a URL string, an object with `url`, or an array of those (largest last). */
const toPhotoUrl = (value: unknown): string | undefined => {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (Array.isArray(value)) return toPhotoUrl(value.at(-1));
  if (isRecord(value)) return toPhotoUrl(value.url ?? value.photo_url);
  return undefined;
};

/** An update has an event name or at least a message object. */
const looksLikeUpdate = (value: unknown): boolean => isRecord(value) && (typeof value.event_name === "string" || isRecord(value.message));

/** Removes the `{ ok, result }` envelope when there is one. */
const unwrap = (body: unknown): Record<string, unknown> | null => {
  if (!isRecord(body)) return null;
  if (looksLikeUpdate(body)) return body;
  if (isRecord(body.result) && looksLikeUpdate(body.result)) return body.result;
  return null;
};

/** The event a message without `event_name` stands for, from the fields it carries. */
const inferEventName = (message: Record<string, unknown>): string => {
  if (message.reaction !== undefined || message.react_icon !== undefined) return "message.reaction.received";
  if (message.voice !== undefined || message.voice_url !== undefined) return "message.voice.received";
  if (message.photo !== undefined || message.photo_url !== undefined) return "message.image.received";
  if (message.sticker !== undefined) return "message.sticker.received";
  if (typeof message.text === "string") return "message.text.received";
  if (typeof message.url === "string") return "message.link.received";
  return "message.unsupported.received";
};

/**
 * A stand-in for a missing `message_id`: a digest of the update, so that a redelivery of the same
 * body gets the same key (and is deduplicated) while different messages do not collide.
 */
const digestId = (raw: Record<string, unknown>): string => `h${createHash("sha256").update(JSON.stringify(raw)).digest("hex").slice(0, 24)}`;

/**
 * Turns a webhook body or a getUpdates result into a {@link ZaloUpdate}, or null when it is
 * not an update (no message, or neither a chat nor a sender id: nobody to answer). A missing
 * `event_name` is inferred from the fields; a missing `message_id` is replaced by a digest of
 * the body; link events (`url`, no `text`) read the link as the text.
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
  const message = raw.message;
  if (!isRecord(message)) return null;
  const named = typeof raw.event_name === "string" ? raw.event_name.trim() : "";
  const eventName = named.length > 0 ? named : inferEventName(message);

  const messageId = toId(message.message_id) ?? digestId(raw);
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
    fromName: toText(from.display_name) ?? toText(from.name) ?? toText(from.first_name) ?? "",
    fromIsBot: from.is_bot === true,
    isUnsupported: eventName.includes("unsupported"),
    isReaction: eventName.includes("reaction"),
    raw,
  };
  const text = toText(message.text) ?? (eventName.includes("link") ? (toText(message.url) ?? toText(isRecord(message.link) ? message.link.url : undefined)) : undefined);
  if (text !== undefined) update.text = text;
  const caption = toText(message.caption);
  if (caption !== undefined) update.caption = caption;
  const photoUrl = toPhotoUrl(message.photo_url) ?? toPhotoUrl(message.photo);
  if (photoUrl !== undefined) update.photoUrl = photoUrl;
  const sticker = toId(message.sticker) ?? (isRecord(message.sticker) ? toId(message.sticker.id) : undefined);
  if (sticker !== undefined) update.sticker = sticker;
  const voiceUrl = toPhotoUrl(message.voice_url) ?? toPhotoUrl(message.voice);
  if (voiceUrl !== undefined) update.voiceUrl = voiceUrl;
  return update;
};

/**
 * The deduplication key of an update: `event_name` + `message_id` (ZALO.md). Webhook
 * redeliveries and a switch between polling and webhook can repeat an update.
 */
export const updateKey = (update: Pick<ZaloUpdate, "eventName" | "messageId">): string => `${update.eventName}:${update.messageId}`;
