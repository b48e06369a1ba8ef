// The Sender port: how core-driven messages leave through a chat platform. Core decides who gets
// what (outbox rows); each channel adapter (bots/<channel>/<channel>-sender.ts) decides how.
import type { Channel } from "../channels.ts";

/**
 * Where to deliver: one linked chat identity, or (`identityId` null) the person's inbox on a channel
 * that keeps messages for everyone (`Sender.inbox`; there `chatId` is the user id).
 */
export type SendTarget = { identityId: string | null; channel: Channel; chatId: string; userId: string; locale: "vi" | "en" };

/** An action the person can take from the message: a button on Telegram/web, a reply command on Zalo. */
export type MessageAction = {
  /** Button label (already in the person's language). */
  label: string;
  /** The exact text command that does the same, e.g. `/nhan D7-TCKH` (shown on channels without buttons). */
  command: string;
  /** Short, versioned callback payload for buttons (≤ 64 bytes), written only by ../workflow/actions.ts encodeCallback. */
  callback: string;
};

/** A file to attach: read from the file store by its SHA-256. */
export type MessageAttachment = { sha256: string; fileName: string; mime: string; kind: "document" | "photo" };

/**
 * A channel-neutral message. `text` is plain text (no markup): adapters escape it for their
 * format. `title` is shown emphasised where the channel can.
 */
export type OutboundMessage = {
  title?: string;
  text: string;
  actions?: MessageAction[];
  attachments?: MessageAttachment[];
  /** A key that identifies the "living card" this message is (edited in place where possible). */
  cardKey?: string;
};

export type SendResult = { platformMessageId: string };

/**
 * Why a send failed, as the delivery job needs to know it:
 * - `rate_limited`: wait `retryAfterMs`, then retry without spending an attempt;
 * - `blocked`: the person blocked the bot or the chat is gone (403): mark the identity unreachable;
 * - `transient`: network, timeout, 5xx: retry with backoff;
 * - `permanent`: the message itself is refused (400): do not retry.
 */
export class SendError extends Error {
  constructor(
    readonly kind: "rate_limited" | "blocked" | "transient" | "permanent",
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SendError";
  }
}

/** Per-send options. */
export type SendOptions = {
  /**
   * Cancels the send: once aborted, the sender starts no further platform call for this message (no
   * retry in place, no next part) and rejects with a `transient` SendError. The delivery aborts it when
   * its `sendTimeoutMs` passes, so a send given up on cannot still arrive later, next to its retry.
   */
  signal?: AbortSignal;
};

export type Sender = {
  readonly channel: Channel;
  /**
   * The channel keeps a message for any active person, linked or not, and shows it when they next
   * open it (the web chat: everybody can sign in to it). Delivery uses it as the last resort, after
   * the person's linked chats, so a message never waits on a first sign-in.
   * @defaultValue false
   */
  readonly inbox?: boolean;
  send(target: SendTarget, message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
};

/** The SendError for a send that was cancelled through its signal. */
export const abortedSendError = (signal: AbortSignal): SendError =>
  signal.reason instanceof SendError ? signal.reason : new SendError("transient", "send cancelled", undefined, { cause: signal.reason });
