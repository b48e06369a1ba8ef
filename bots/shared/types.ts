// The channel-neutral shape of a conversation turn: what a person sent (any channel) and what the
// bot answers. Telegram, Zalo and the web chat turn their platform updates into `IncomingTurn`
// and render the `TurnResult` their own way.
import type { Channel, CoreDeps, ConversationStore, MessageAction, OutboundMessage } from "../../core/index.ts";
import type { AgencyCertificate } from "../../core/pdf/index.ts";

/** The chat channels (core/channels.ts). */
export type BotChannel = Channel;

/** A file the person sent, downloaded into memory (a chat platform's file, a kept pending file). */
export type FileInMemory = {
  bytes: Uint8Array;
  fileName?: string;
  /** The platform's MIME type: a hint only; core sniffs the bytes. */
  mime?: string;
};

/**
 * A file the person sent, received into a temporary file (a web-chat upload): read only when needed,
 * through `bots/shared/incoming-files.ts`, so a large upload is not held in memory while it waits.
 * The file exists until the turn is answered.
 */
export type FileOnDisk = {
  path: string;
  /** Size in bytes. */
  size: number;
  fileName?: string;
  /** The sender's MIME type: a hint only; core sniffs the bytes. */
  mime?: string;
};

/** A file the person sent. */
export type IncomingFile = FileInMemory | FileOnDisk;

/** One message or button press from a person, channel-neutral. */
export type IncomingTurn = {
  channel: BotChannel;
  /** The platform's user id (the identity). */
  externalUserId: string;
  /** Where replies go (private chat id). */
  chatId: string;
  displayName?: string;
  /** The text, or a file's caption. */
  text?: string;
  /** Files of this message (an album arrives as one turn with all its photos). */
  files?: IncomingFile[];
  /** The callback data of a pressed button (core/workflow/actions.ts encodes it); untrusted. */
  callback?: string;
  /**
   * The platform's id of the message this turn came with: the pressed card's for a button press
   * (Telegram's callback message, the web chat's card), else the person's message (Telegram
   * `message_id`, Zalo `message_id`, the web chat's stored message). Kept as evidence of an
   * acknowledgement (`Assignment.ackMessageId`).
   */
  messageId?: string;
  /** Unique per platform update (`tg:<update_id>`): a re-delivered update is ignored. */
  updateKey: string;
  /**
   * Sends a message to the chat at once, before the turn's result (a long step's "đang đọc văn
   * bản…"). Each channel sends it its own way; without it the message is not sent.
   */
  progress?: (message: OutboundMessage) => Promise<void>;
};

/** What to do with the card whose button was pressed (or that a typed command changed). */
export type CardUpdate = {
  /** The actions that still apply; [] removes the buttons. */
  actions: MessageAction[];
  /** The living card this is (`assignment:<id>`): channels that remember cards update it too. */
  cardKey?: string;
};

/** The bot's answer to one turn. */
export type TurnResult = {
  /** Messages to send to the chat, in order. */
  replies: OutboundMessage[];
  /** For a button press: a short notice (toast) answering it. */
  callbackText?: string;
  /** For a button press: how the pressed message's buttons change; undefined = unchanged. */
  card?: CardUpdate;
  /** The update was seen before and skipped. */
  duplicate?: boolean;
  /**
   * The person's message held what must not be kept (a secret document's trích yếu typed in chat): a
   * channel that stores what people type (the web chat's history) replaces its text.
   */
  redactIncoming?: boolean;
};

/** A structured logger (pino-compatible subset). Log ids and codes, never contents. */
export type BotLogger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** What the dispatcher needs. */
export type BotEnv = {
  deps: CoreDeps;
  logger: BotLogger;
  /** Conversation state; default: createConversationStore(deps). */
  conversations?: ConversationStore;
  /** The bot's username (Telegram `/cmd@Bot`). */
  botUsername?: string;
  /**
   * How long a conversation (registration, directive waiting for /ok) is kept.
   * @defaultValue 30 minutes
   */
  conversationTtlMs?: number;
  /**
   * The channel shows an echo's actions as numbered choices (Zalo: "1. Xác nhận (/ok)  2. Sửa (/sua)
   * …"), so a reply "1", "2" … runs that command while the echo is open. Off where buttons exist,
   * so a bare number never confirms anything the person was not shown.
   * @defaultValue false
   */
  numberedChoices?: boolean;
  /** The agency certificate for /phathanh (core/pdf/sign-pdf.ts); unset: seal block only, not signed. */
  agencyCertificate?: AgencyCertificate;
};
