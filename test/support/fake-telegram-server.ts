// A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks that drive the
// real grammY client (`new Bot(token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })`).
//
// It answers the methods our bots use, records every call, keeps a typed view of the messages the
// bot sent per chat (with edit history), enforces the Telegram limits that matter to us (text and
// caption length, callback_data bytes, well-formed HTML), can rate-limit like Telegram (429 with
// retry_after), and can inject faults (errors, blocked users, slow responses).
//
// Usage:
//   const fake = await startFakeTelegramServer({ token: "123:abc" });
//   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
//   fake.pushUpdate(fake.textMessage({ id: 42, first_name: "Lan" }, "/start"));
//   const [reply] = await fake.waitForMessages(42, 1);
//   await fake.close();

import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update, UserFromGetMe } from "grammy/types";
import { MultipartError, parseMultipart } from "./multipart.ts";
import type { MultipartFile } from "./multipart.ts";

// ---------------------------------------------------------------------------------------------
// Public types

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface FakeChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface RateLimit {
  globalPerSecond: number;
  perChatPerSecond: number;
  /**
   * Length of the sliding window in ms (default 1000). Sends are timed on arrival here, so a
   * client-side throttler spacing sends exactly 1 s apart can land a few ms closer; pass e.g. 950
   * to tolerate that jitter.
   */
  windowMs?: number;
}

export interface FakeTelegramServerOptions {
  token: string;
  /** Telegram-like 429s. Default: false (no rate limiting). */
  rateLimit?: RateLimit | false;
  /** Overrides for the bot user returned by getMe (and exposed as `botInfo`). */
  botInfo?: Partial<UserFromGetMe>;
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [key: string]: unknown;
}

/** reply_markup as stored (kept loose so tests can read it without narrowing unions). */
export interface FakeReplyMarkup {
  inline_keyboard?: InlineButton[][];
  keyboard?: Array<Array<string | { text: string; [key: string]: unknown }>>;
  remove_keyboard?: boolean;
  force_reply?: boolean;
  [key: string]: unknown;
}

export interface FakeEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number };
}

export interface MessageEdit {
  method: "editMessageText" | "editMessageCaption" | "editMessageReplyMarkup";
  time: number;
  /** The message's content before this edit. */
  previous: MessageContent;
  /** The message's content after this edit. */
  next: MessageContent;
}

export interface MessageContent {
  text?: string;
  caption?: string;
  parse_mode?: string;
  reply_markup?: FakeReplyMarkup;
}

/** A message the bot sent, as the fake sees it now (live object: edits update it in place). */
export interface StoredMessage {
  message_id: number;
  chat_id: number;
  /** Unix seconds. */
  date: number;
  /** The method that created it (sendMessage, sendDocument, sendPhoto, sendMediaGroup). */
  method: string;
  /** Text exactly as sent (raw HTML when parse_mode is HTML). */
  text?: string;
  /** Text as the user sees it (HTML parsed, entities decoded). */
  plain_text?: string;
  caption?: string;
  plain_caption?: string;
  parse_mode?: string;
  /** Entities of the text (HTML parsed, or as given). */
  entities?: FakeEntity[];
  /** Entities of the caption. */
  caption_entities?: FakeEntity[];
  reply_markup?: FakeReplyMarkup;
  reply_to_message_id?: number;
  document?: { file_id: string; file_name: string; mime_type?: string; bytes: Buffer };
  /** Photo bytes as uploaded. */
  photo?: Buffer;
  photo_file_id?: string;
  media_group_id?: string;
  deleted: boolean;
  edits: MessageEdit[];
}

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** Uploaded file parts by field name (for grammY: the attach:// id). */
  files: Record<string, { fileName: string; bytes: Buffer }>;
  /** Date.now() when the request arrived. */
  time: number;
  via: "http" | "webhook-reply";
  /** Filled in when the call is answered. */
  status?: number;
  ok?: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_name?: string;
  mime_type?: string;
  bytes: Buffer;
}

export interface FailSpec {
  error_code: number;
  description: string;
  retry_after?: number;
  /** How many calls fail; default 1. */
  times?: number;
}

export interface DelaySpec {
  /** How many calls are delayed; default 1. */
  times?: number;
  /**
   * "response" (default): the call takes effect at once and only the answer is late, like a lost
   * response (the message exists even if the client timed out). "request": wait, then process.
   */
  mode?: "response" | "request";
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  time: number;
}

export interface WebhookInfo {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
}

export interface FakeStats {
  /** Successful send calls (sendMessage, sendDocument, sendPhoto, sendMediaGroup, …). */
  sent: number;
  /** 429 answers given (rate limiter and injected). */
  rejected429: number;
  /** All API requests answered. */
  requests: number;
}

export interface UpdateOptions {
  /** Defaults to the private chat with the user (id = user id). */
  chat?: FakeChat;
  replyToMessageId?: number;
}

export type PushableUpdate = Omit<Update, "update_id"> & { update_id?: number };

export type MethodHandler = (payload: Record<string, unknown>, files: Record<string, MultipartFile>) => unknown;

/** Throw from a custom handler (see `onMethod`) to answer with an error. */
export class FakeTelegramApiError extends Error {
  override name = "FakeTelegramApiError";
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;
export const TELEGRAM_CALLBACK_DATA_LIMIT = 64;
const DOWNLOAD_LIMIT = 20 * 1024 * 1024;
const DOCUMENT_UPLOAD_LIMIT = 50 * 1024 * 1024;
const PHOTO_UPLOAD_LIMIT = 10 * 1024 * 1024;
const BODY_LIMIT = DOCUMENT_UPLOAD_LIMIT + 1024 * 1024;

const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

// ---------------------------------------------------------------------------------------------
// Helpers for tests

/** All inline keyboard buttons of a stored message, row by row flattened. */
export function inlineButtons(message: StoredMessage | undefined): InlineButton[] {
  return message?.reply_markup?.inline_keyboard?.flat() ?? [];
}

export async function startFakeTelegramServer(options: FakeTelegramServerOptions): Promise<FakeTelegramServer> {
  const fake = new FakeTelegramServer(options);
  await fake.listen(options.port ?? 0);
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Implementation

interface ChatMessage {
  raw: Record<string, unknown>;
  stored?: StoredMessage;
  fromBot: boolean;
  deleted: boolean;
}

interface Waiter {
  wake: (conflict: boolean) => void;
}

type Handler = (payload: Record<string, unknown>, files: Record<string, MultipartFile>, signal: AbortSignal) => unknown;

const SEND_METHODS = new Set([
  "sendmessage",
  "senddocument",
  "sendphoto",
  "sendmediagroup",
  "sendvideo",
  "sendaudio",
  "sendvoice",
  "sendanimation",
  "sendsticker",
  "sendlocation",
  "sendcontact",
  "copymessage",
  "forwardmessage",
]);

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const JSON_FIELDS = new Set([
  "reply_markup",
  "media",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "commands",
  "scope",
  "allowed_updates",
  "message_ids",
  "menu_button",
  "results",
]);
const NUMERIC_FIELDS = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "reply_to_message_id",
  "message_thread_id",
  "offset",
  "limit",
  "timeout",
  "cache_time",
  "user_id",
  "max_connections",
  "duration",
  "width",
  "height",
]);
const BOOLEAN_FIELDS = new Set([
  "disable_notification",
  "protect_content",
  "show_alert",
  "drop_pending_updates",
  "disable_web_page_preview",
  "allow_sending_without_reply",
  "disable_content_type_detection",
  "has_spoiler",
  "show_caption_above_media",
]);

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const bad = (description: string): ApiError => new ApiError(400, `Bad Request: ${description}`);

export class FakeTelegramServer {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** Every API call in arrival order. */
  readonly calls: RecordedCall[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];

  private server: Server | undefined;
  private port = 0;
  private closed = false;
  private rateLimit: RateLimit | false;
  private readonly handlers = new Map<string, { name: string; fn: Handler }>();

  private updates: Update[] = [];
  private nextUpdateId = 1;
  private waiters = new Set<Waiter>();
  private webhookInfo: WebhookInfo | undefined;

  private chats = new Map<number, { nextMessageId: number; messages: Map<number, ChatMessage>; order: StoredMessage[] }>();
  private knownChats = new Map<number, FakeChat>();
  private files = new Map<string, StoredFile>();
  private filesByPath = new Map<string, StoredFile>();
  private nextFile = 1;
  private nextCallbackQuery = 1;
  private nextMediaGroup = 1;
  private openCallbackQueries = new Set<string>();
  private commandsByScope = new Map<string, unknown[]>();
  private sentOrder: StoredMessage[] = [];
  private sentPhotoSizes = new WeakMap<StoredMessage, Array<Record<string, unknown>>>();

  private failures: Array<{ method: string; spec: FailSpec; left: number }> = [];
  private delays: Array<{ method: string; ms: number; mode: "response" | "request"; left: number }> = [];
  private holds: Array<{ method: string; left: number }> = [];
  private held = new Set<() => void>();
  private blocked = new Set<number>();
  private globalSends: number[] = [];
  private chatSends = new Map<number, number[]>();
  private counters: FakeStats = { sent: 0, rejected429: 0, requests: 0 };
  private listeners = new Set<() => void>();
  private timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private closeController = new AbortController();

  constructor(options: FakeTelegramServerOptions) {
    this.token = options.token;
    this.rateLimit = options.rateLimit ?? false;
    const botId = Number(options.token.split(":")[0]) || 1000;
    this.botInfo = {
      id: botId,
      is_bot: true,
      first_name: "Fake Bot",
      username: "fake_edoc_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...options.botInfo,
    } as UserFromGetMe;
    this.registerHandlers();
  }

  /** `http://127.0.0.1:PORT` (no trailing slash). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Base URL for file downloads: `${fileRoot}/${file_path}`. */
  get fileRoot(): string {
    return `${this.apiRoot}/file/bot${this.token}`;
  }

  async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
        }
      });
    });
    server.keepAliveTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeController.abort();
    for (const waiter of this.waiters) waiter.wake(false);
    this.waiters.clear();
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.done();
    }
    this.timers.clear();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ----- records ------------------------------------------------------------------------------

  /** Messages the bot sent to a chat, oldest first (deleted ones only with includeDeleted). */
  messages(chatId: number, options: { includeDeleted?: boolean } = {}): StoredMessage[] {
    const order = this.chats.get(chatId)?.order ?? [];
    return order.filter((m) => options.includeDeleted === true || !m.deleted);
  }

  /** One message the bot sent (also when deleted: check `.deleted`). */
  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.messages.get(messageId)?.stored;
  }

  lastMessage(chatId: number): StoredMessage | undefined {
    const list = this.messages(chatId);
    return list[list.length - 1];
  }

  /** Every message the bot sent, all chats, in send order. */
  allMessages(options: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return this.sentOrder.filter((m) => options.includeDeleted === true || !m.deleted);
  }

  callsTo(method: string): RecordedCall[] {
    const lower = method.toLowerCase();
    return this.calls.filter((c) => c.method.toLowerCase() === lower);
  }

  stats(): FakeStats {
    return { ...this.counters };
  }

  webhook(): WebhookInfo | undefined {
    return this.webhookInfo === undefined ? undefined : { ...this.webhookInfo };
  }

  /** Commands set with setMyCommands for a scope (default scope) and language. */
  commands(scope: Record<string, unknown> = { type: "default" }, languageCode = ""): unknown[] {
    return this.commandsByScope.get(commandKey(scope, languageCode)) ?? [];
  }

  /** Updates not yet confirmed by getUpdates (offset). */
  pendingUpdates(): Update[] {
    return [...this.updates];
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** Clears recorded calls, messages, updates, faults and counters (files are kept). */
  reset(): void {
    this.calls.length = 0;
    this.callbackAnswers.length = 0;
    this.chats.clear();
    this.sentOrder = [];
    this.updates = [];
    this.failures = [];
    this.delays = [];
    this.releaseHeld();
    this.blocked.clear();
    this.globalSends = [];
    this.chatSends.clear();
    this.counters = { sent: 0, rejected429: 0, requests: 0 };
  }

  // ----- faults -------------------------------------------------------------------------------

  /** The next `times` calls of `method` ("*" = any method) fail with this error. */
  failNext(method: string, spec: FailSpec): void {
    this.failures.push({ method: method.toLowerCase(), spec, left: spec.times ?? 1 });
  }

  /** Sends and chat actions to this chat get 403 "Forbidden: bot was blocked by the user". */
  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  unblock(chatId: number): void {
    this.blocked.delete(chatId);
  }

  /** Delays the next `times` calls of `method` ("*" = any) by `ms`. */
  delayNext(method: string, ms: number, spec: DelaySpec = {}): void {
    this.delays.push({ method: method.toLowerCase(), ms, mode: spec.mode ?? "response", left: spec.times ?? 1 });
  }

  /**
   * The next `times` calls of `method` take effect at once (the message exists) but their answers are
   * held until `releaseHeld()`, or until the client goes away (a killed process): a send caught in
   * flight, deterministically.
   */
  holdNext(method: string, spec: { times?: number } = {}): void {
    this.holds.push({ method: method.toLowerCase(), left: spec.times ?? 1 });
  }

  /** How many calls are being held right now. */
  heldCalls(): number {
    return this.held.size;
  }

  /** Answers every held call and forgets the holds still to come; returns how many were held. */
  releaseHeld(): number {
    this.holds = [];
    const n = this.held.size;
    for (const release of [...this.held]) release();
    return n;
  }

  setRateLimit(limit: RateLimit | false): void {
    this.rateLimit = limit;
    this.globalSends = [];
    this.chatSends.clear();
  }

  /** Answers `method` with a custom handler (return value = result; throw FakeTelegramApiError). */
  onMethod(method: string, handler: MethodHandler): void {
    this.handlers.set(method.toLowerCase(), { name: method, fn: (payload, files) => handler(payload, files) });
  }

  // ----- waiting ------------------------------------------------------------------------------

  /** Resolves with the first truthy value of `check`, re-evaluated after every call and update. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, what = "condition"): Promise<T> {
    const first = check();
    if (first !== undefined && first !== null && first !== false) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value === undefined || value === null || value === false) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Telegram: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** Waits until the bot has sent at least `count` (non-deleted) messages to the chat. */
  waitForMessages(chatId: number, count: number, timeoutMs = 5_000): Promise<StoredMessage[]> {
    return this.waitFor(
      () => {
        const list = this.messages(chatId);
        return list.length >= count ? list : undefined;
      },
      timeoutMs,
      `${count} message(s) to chat ${chatId}`,
    );
  }

  /** Waits until at least `count` answered calls of `method` were recorded. */
  waitForCalls(method: string, count = 1, timeoutMs = 5_000): Promise<RecordedCall[]> {
    return this.waitFor(
      () => {
        const list = this.callsTo(method).filter((c) => c.status !== undefined);
        return list.length >= count ? list : undefined;
      },
      timeoutMs,
      `${count} answered ${method} call(s)`,
    );
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  // ----- feeding updates ----------------------------------------------------------------------

  /** Queues an update for getUpdates (assigns update_id when missing) and returns it. */
  pushUpdate(partial: PushableUpdate): Update {
    const update = this.withUpdateId(partial);
    this.noteUpdate(update);
    this.updates.push(update);
    this.updates.sort((a, b) => a.update_id - b.update_id);
    for (const waiter of [...this.waiters]) waiter.wake(false);
    this.changed();
    return update;
  }

  textMessage(from: FakeUser, text: string, options: UpdateOptions & { entities?: FakeEntity[] } = {}): Update {
    return this.userMessage(from, options, { text, ...(options.entities ? { entities: options.entities } : {}) });
  }

  /** `/name args` with a bot_command entity (`mention: true` appends @botusername). */
  command(from: FakeUser, name: string, args = "", options: UpdateOptions & { mention?: boolean } = {}): Update {
    const head = `/${name}${options.mention === true ? `@${this.botInfo.username}` : ""}`;
    const text = args === "" ? head : `${head} ${args}`;
    return this.userMessage(from, options, { text, entities: [{ type: "bot_command", offset: 0, length: head.length }] });
  }

  /**
   * A button press. `message` is the bot message carrying the keyboard (a StoredMessage, or its
   * chat and message ids); data is passed through untouched.
   */
  callbackQuery(from: FakeUser, data: string, message?: StoredMessage | { chat_id: number; message_id: number }, options: { inlineMessageId?: string } = {}): Update {
    this.rememberUser(from);
    const id = `${Date.now()}${String(this.nextCallbackQuery++).padStart(4, "0")}`;
    const query: Record<string, unknown> = { id, from: userJson(from), chat_instance: `ci${message?.chat_id ?? from.id}`, data };
    if (message !== undefined) {
      const known = this.chats.get(message.chat_id)?.messages.get(message.message_id);
      query.message = known?.raw ?? {
        message_id: message.message_id,
        from: this.botUserJson(),
        chat: this.chatJson(message.chat_id),
        date: nowSeconds(),
        text: "",
      };
    }
    if (options.inlineMessageId !== undefined) query.inline_message_id = options.inlineMessageId;
    this.openCallbackQueries.add(id);
    return this.withUpdateId({ callback_query: query } as unknown as PushableUpdate);
  }

  /** A document from the user; its bytes are stored so getFile + download work. */
  documentMessage(from: FakeUser, doc: { fileName: string; bytes: Buffer | Uint8Array; mime?: string; caption?: string }, options: UpdateOptions = {}): Update {
    const file = this.storeFile(doc.bytes, { kind: "documents", fileName: doc.fileName, mime: doc.mime ?? guessMime(doc.fileName) });
    const fields: Record<string, unknown> = { document: documentJson(file) };
    if (doc.caption !== undefined) fields.caption = doc.caption;
    return this.userMessage(from, options, fields);
  }

  /** A photo from the user with a PhotoSize array (smallest first, like Telegram). */
  photoMessage(from: FakeUser, bytes: Buffer | Uint8Array, extra: { caption?: string; mediaGroupId?: string } = {}, options: UpdateOptions = {}): Update {
    const fields: Record<string, unknown> = { photo: this.photoSizes(Buffer.from(bytes)) };
    if (extra.caption !== undefined) fields.caption = extra.caption;
    if (extra.mediaGroupId !== undefined) fields.media_group_id = extra.mediaGroupId;
    return this.userMessage(from, options, fields);
  }

  /** Stores bytes as a Telegram file (for getFile/download) and returns it. */
  storeFile(bytes: Buffer | Uint8Array, meta: { kind?: string; fileName?: string; mime?: string } = {}): StoredFile {
    const n = this.nextFile++;
    const ext = meta.fileName !== undefined && /\.([A-Za-z0-9]{1,8})$/.exec(meta.fileName)?.[1];
    const kind = meta.kind ?? "documents";
    const file: StoredFile = {
      file_id: `${kind === "photos" ? "AgAC" : "BQAC"}fake${n}`,
      file_unique_id: `AQADfake${n}`,
      file_path: `${kind}/file_${n}${ext ? `.${ext}` : kind === "photos" ? ".jpg" : ""}`,
      bytes: Buffer.from(bytes),
      ...(meta.fileName !== undefined ? { file_name: meta.fileName } : {}),
      ...(meta.mime !== undefined ? { mime_type: meta.mime } : {}),
    };
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }

  /**
   * Posts an update to a webhook like Telegram does (JSON, `X-Telegram-Bot-Api-Secret-Token` when a
   * secret is given or was set with setWebhook). A webhook reply (`{ method, ... }` in the response
   * body) is executed as an API call, as Telegram does.
   */
  async postWebhook(url: string, partial: PushableUpdate, secretToken?: string): Promise<{ status: number; body: string }> {
    const update = this.withUpdateId(partial);
    this.noteUpdate(update);
    const secret = secretToken ?? this.webhookInfo?.secret_token;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secret !== undefined) headers["x-telegram-bot-api-secret-token"] = secret;
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(update) });
    const body = await res.text();
    if (res.ok && body.trim().startsWith("{")) {
      try {
        const reply = JSON.parse(body) as Record<string, unknown>;
        if (typeof reply.method === "string") {
          const { method, ...payload } = reply;
          await this.dispatch(method as string, payload, {}, "webhook-reply", this.closeController.signal);
        }
      } catch {
        // not a webhook reply
      }
    }
    return { status: res.status, body };
  }

  private withUpdateId(partial: PushableUpdate): Update {
    if (typeof partial.update_id === "number") {
      this.nextUpdateId = Math.max(this.nextUpdateId, partial.update_id + 1);
      return partial as Update;
    }
    return { ...partial, update_id: this.nextUpdateId++ } as Update;
  }

  /** Learns users, chats and callback query ids from updates built elsewhere. */
  private noteUpdate(update: Update): void {
    const record = update as unknown as Record<string, Record<string, unknown> | undefined>;
    const query = record.callback_query;
    if (query !== undefined && typeof query.id === "string") this.openCallbackQueries.add(query.id);
    const message = record.message;
    if (message !== undefined) {
      const chat = message.chat as FakeChat | undefined;
      const from = message.from as FakeUser | undefined;
      if (from !== undefined) this.rememberUser(from);
      if (chat !== undefined && !this.knownChats.has(chat.id)) this.knownChats.set(chat.id, chat);
    }
  }

  private userMessage(from: FakeUser, options: UpdateOptions, fields: Record<string, unknown>): Update {
    this.rememberUser(from);
    const chat = options.chat ?? { id: from.id, type: "private" as const, first_name: from.first_name };
    if (options.chat !== undefined) this.knownChats.set(chat.id, options.chat);
    const state = this.chatState(chat.id);
    const messageId = state.nextMessageId++;
    const raw: Record<string, unknown> = { message_id: messageId, from: userJson(from), chat: this.chatJson(chat.id), date: nowSeconds(), ...fields };
    if (options.replyToMessageId !== undefined) {
      const target = state.messages.get(options.replyToMessageId);
      raw.reply_to_message = target?.raw ?? { message_id: options.replyToMessageId, chat: this.chatJson(chat.id), date: nowSeconds() };
    }
    state.messages.set(messageId, { raw, fromBot: false, deleted: false });
    return this.withUpdateId({ message: raw } as unknown as PushableUpdate);
  }

  private rememberUser(from: FakeUser): void {
    if (!this.knownChats.has(from.id)) {
      this.knownChats.set(from.id, {
        id: from.id,
        type: "private",
        first_name: from.first_name,
        ...(from.last_name !== undefined ? { last_name: from.last_name } : {}),
        ...(from.username !== undefined ? { username: from.username } : {}),
      });
    }
  }

  private chatJson(chatId: number): FakeChat {
    const known = this.knownChats.get(chatId);
    if (known !== undefined) return { ...known };
    if (chatId > 0) return { id: chatId, type: "private", first_name: "User" };
    return { id: chatId, type: chatId < -1_000_000_000_000 ? "supergroup" : "group", title: `Group ${-chatId}` };
  }

  private botUserJson(): Record<string, unknown> {
    return { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
  }

  private chatState(chatId: number) {
    let state = this.chats.get(chatId);
    if (state === undefined) {
      state = { nextMessageId: 1, messages: new Map(), order: [] };
      this.chats.set(chatId, state);
    }
    return state;
  }

  private photoSizes(bytes: Buffer): Array<Record<string, unknown>> {
    const { width, height } = imageSize(bytes);
    const longest = Math.max(width, height);
    const targets = [90, 320, 800].filter((t) => t < longest);
    targets.push(Math.min(longest, 1280));
    return targets.map((target) => {
      const file = this.storeFile(bytes, { kind: "photos" });
      const scale = target / longest;
      return {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        width: Math.max(1, Math.round(width * scale)),
        height: Math.max(1, Math.round(height * scale)),
        file_size: bytes.length,
      };
    });
  }

  // ----- HTTP ---------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);

    if (path.startsWith("/file/bot")) {
      const rest = path.slice("/file/bot".length);
      const slash = rest.indexOf("/");
      const token = slash < 0 ? rest : rest.slice(0, slash);
      if (token !== this.token) return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      const file = this.filesByPath.get(rest.slice(slash + 1));
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { ok: false, error_code: 405, description: "Method Not Allowed" });
      if (slash < 0 || file === undefined) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      res.writeHead(200, { "content-type": file.mime_type ?? "application/octet-stream", "content-length": file.bytes.length });
      res.end(req.method === "HEAD" ? undefined : file.bytes);
      return;
    }

    const match = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(path);
    if (match === null) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== this.token) {
      req.resume();
      return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    const method = match[2] ?? "";

    let payload: Record<string, unknown>;
    let files: Record<string, MultipartFile> = {};
    try {
      const body = await readBody(req);
      const parsed = parseRequestBody(body, req.headers["content-type"] ?? "");
      payload = { ...normalizeFields(Object.fromEntries(url.searchParams)), ...parsed.payload };
      files = parsed.files;
    } catch (error) {
      if (error instanceof ApiError) return send(res, error.code, errorBody(error));
      if (error instanceof MultipartError) return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
      throw error;
    }

    // Aborts when the client goes away (e.g. grammY's bot.stop() cancelling a long poll).
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort();
    };
    res.on("close", onClose);
    const onServerClose = (): void => controller.abort();
    this.closeController.signal.addEventListener("abort", onServerClose);
    try {
      const { status, body } = await this.dispatch(method, payload, files, "http", controller.signal);
      if (!res.destroyed && !res.headersSent) send(res, status, body);
    } finally {
      this.closeController.signal.removeEventListener("abort", onServerClose);
    }
  }

  /** Runs one API call (from HTTP or a webhook reply), records it, and returns status and body. */
  private async dispatch(
    rawMethod: string,
    payload: Record<string, unknown>,
    files: Record<string, MultipartFile>,
    via: RecordedCall["via"],
    signal: AbortSignal,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const lower = rawMethod.toLowerCase();
    const handler = this.handlers.get(lower);
    const call: RecordedCall = {
      method: handler?.name ?? rawMethod,
      payload,
      files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { fileName: f.fileName, bytes: f.bytes }])),
      time: Date.now(),
      via,
    };
    this.calls.push(call);
    this.changed();

    const delay = this.takeDelay(lower);
    if (delay !== undefined && delay.mode === "request") await this.sleep(delay.ms);

    let status: number;
    let body: Record<string, unknown>;
    try {
      const failure = this.takeFailure(lower);
      if (failure !== undefined) {
        const parameters = failure.retry_after !== undefined ? { retry_after: failure.retry_after } : undefined;
        throw new ApiError(failure.error_code, failure.description, parameters);
      }
      if (handler === undefined) throw new ApiError(404, "Not Found");
      const result = await handler.fn(payload, files, signal);
      status = 200;
      body = { ok: true, result };
      if (SEND_METHODS.has(lower)) this.counters.sent++;
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : error instanceof FakeTelegramApiError
            ? new ApiError(error.errorCode, error.description, error.parameters)
            : new ApiError(500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      status = apiError.code;
      body = errorBody(apiError);
      if (status === 429) this.counters.rejected429++;
    }

    if (delay !== undefined && delay.mode === "response") await this.sleep(delay.ms);
    if (this.takeHold(lower)) await this.holdUntilReleased(signal);

    this.counters.requests++;
    call.status = status;
    call.ok = status === 200;
    if (status === 200) call.result = body.result;
    else call.error = { error_code: status, description: String(body.description) };
    this.changed();
    return { status, body };
  }

  private takeFailure(method: string): FailSpec | undefined {
    const index = this.failures.findIndex((f) => f.method === method || f.method === "*");
    if (index < 0) return undefined;
    const entry = this.failures[index]!;
    entry.left--;
    if (entry.left <= 0) this.failures.splice(index, 1);
    return entry.spec;
  }

  private takeHold(method: string): boolean {
    const index = this.holds.findIndex((h) => h.method === method || h.method === "*");
    if (index < 0) return false;
    const entry = this.holds[index]!;
    entry.left--;
    if (entry.left <= 0) this.holds.splice(index, 1);
    return true;
  }

  /** Waits for `releaseHeld()`, the client going away, or the server closing (all abort or release). */
  private holdUntilReleased(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const release = (): void => {
        if (!this.held.delete(release)) return;
        signal.removeEventListener("abort", release);
        resolve();
        this.changed();
      };
      this.held.add(release);
      if (signal.aborted) return release();
      signal.addEventListener("abort", release);
      this.changed();
    });
  }

  private takeDelay(method: string): { ms: number; mode: "response" | "request" } | undefined {
    const index = this.delays.findIndex((d) => d.method === method || d.method === "*");
    if (index < 0) return undefined;
    const entry = this.delays[index]!;
    entry.left--;
    if (entry.left <= 0) this.delays.splice(index, 1);
    return entry;
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.timers.add(entry);
    });
  }

  // ----- method handlers ----------------------------------------------------------------------

  private on(name: string, fn: Handler): void {
    this.handlers.set(name.toLowerCase(), { name, fn });
  }

  private registerHandlers(): void {
    this.on("getMe", () => this.botInfo);
    this.on("logOut", () => true);
    this.on("close", () => true);
    this.on("getWebhookInfo", () => ({
      url: this.webhookInfo?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.updates.length,
      ...(this.webhookInfo?.allowed_updates ? { allowed_updates: this.webhookInfo.allowed_updates } : {}),
    }));
    this.on("setWebhook", (p) => {
      const url = optString(p.url) ?? "";
      if (url === "") {
        this.webhookInfo = undefined;
        return true;
      }
      if (!/^https?:\/\//.test(url)) throw bad("bad webhook: An HTTPS URL must be provided for webhook");
      const secret = optString(p.secret_token);
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw bad("secret token contains unallowed characters");
      this.webhookInfo = {
        url,
        ...(secret !== undefined ? { secret_token: secret } : {}),
        ...(Array.isArray(p.allowed_updates) ? { allowed_updates: p.allowed_updates as string[] } : {}),
      };
      if (p.drop_pending_updates === true) this.updates = [];
      return true;
    });
    this.on("deleteWebhook", (p) => {
      this.webhookInfo = undefined;
      if (p.drop_pending_updates === true) this.updates = [];
      return true;
    });
    this.on("getUpdates", (p, _files, signal) => this.getUpdates(p, signal));

    this.on("sendMessage", (p) => this.sendMessage(p));
    this.on("sendDocument", (p, files) => this.sendFile("sendDocument", p, files));
    this.on("sendPhoto", (p, files) => this.sendFile("sendPhoto", p, files));
    this.on("sendMediaGroup", (p, files) => this.sendMediaGroup(p, files));
    this.on("sendChatAction", (p) => {
      const chatId = chatIdOf(p);
      const action = optString(p.action);
      if (action === undefined || !CHAT_ACTIONS.has(action)) throw bad("wrong parameter action in request");
      this.checkBlocked(chatId);
      return true;
    });
    this.on("answerCallbackQuery", (p) => {
      const id = optString(p.callback_query_id);
      if (id === undefined || !this.openCallbackQueries.has(id)) {
        throw bad("query is too old and response timeout expired or query ID is invalid");
      }
      this.openCallbackQueries.delete(id);
      const text = optString(p.text);
      if (text !== undefined && text.length > 200) throw bad("MESSAGE_TOO_LONG");
      this.callbackAnswers.push({
        callback_query_id: id,
        time: Date.now(),
        ...(text !== undefined ? { text } : {}),
        ...(typeof p.show_alert === "boolean" ? { show_alert: p.show_alert } : {}),
        ...(typeof p.url === "string" ? { url: p.url } : {}),
      });
      return true;
    });
    this.on("editMessageText", (p) => this.edit("editMessageText", p));
    this.on("editMessageCaption", (p) => this.edit("editMessageCaption", p));
    this.on("editMessageReplyMarkup", (p) => this.edit("editMessageReplyMarkup", p));
    this.on("deleteMessage", (p) => {
      const chatId = chatIdOf(p);
      const entry = this.chats.get(chatId)?.messages.get(Number(p.message_id));
      if (entry === undefined || entry.deleted) throw bad("message to delete not found");
      if (!entry.fromBot && chatId < 0) throw bad("message can't be deleted");
      entry.deleted = true;
      if (entry.stored !== undefined) entry.stored.deleted = true;
      return true;
    });
    this.on("getFile", (p) => {
      const file = this.files.get(optString(p.file_id) ?? "");
      if (file === undefined) throw bad("invalid file_id");
      if (file.bytes.length > DOWNLOAD_LIMIT) throw bad("file is too big");
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
    });
    this.on("setMyCommands", (p) => {
      if (!Array.isArray(p.commands)) throw bad('parameter "commands" is required');
      if (p.commands.length > 100) throw bad("too many commands");
      for (const c of p.commands as Array<Record<string, unknown>>) {
        if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad("BOT_COMMAND_INVALID");
        if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
          throw bad("BOT_COMMAND_DESCRIPTION_INVALID");
        }
      }
      this.commandsByScope.set(commandKey(p.scope, p.language_code), p.commands);
      return true;
    });
    this.on("getMyCommands", (p) => this.commandsByScope.get(commandKey(p.scope, p.language_code)) ?? []);
    this.on("deleteMyCommands", (p) => {
      this.commandsByScope.delete(commandKey(p.scope, p.language_code));
      return true;
    });
    this.on("getChat", (p) => this.chatJson(chatIdOf(p)));
  }

  private async getUpdates(p: Record<string, unknown>, signal: AbortSignal): Promise<Update[]> {
    if (this.webhookInfo !== undefined) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // A newer getUpdates terminates a pending one, as on Telegram.
    for (const waiter of [...this.waiters]) waiter.wake(true);
    const offset = typeof p.offset === "number" ? p.offset : undefined;
    const limit = Math.min(100, Math.max(1, typeof p.limit === "number" ? p.limit : 100));
    const timeout = typeof p.timeout === "number" ? Math.max(0, p.timeout) : 0;
    const take = (): Update[] => {
      if (offset !== undefined && offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
      const list = offset !== undefined && offset < 0 ? this.updates.slice(offset) : this.updates;
      return list.slice(0, limit);
    };
    const ready = take();
    if (ready.length > 0 || timeout === 0 || this.closed) return ready;

    const conflict = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        wake: (isConflict) => {
          finish(isConflict);
        },
      };
      const timer = setTimeout(() => finish(false), timeout * 1000);
      const onAbort = (): void => finish(false);
      const finish = (isConflict: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.waiters.delete(waiter);
        resolve(isConflict);
      };
      signal.addEventListener("abort", onAbort);
      this.waiters.add(waiter);
    });
    if (conflict) throw new ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    return take();
  }

  private sendMessage(p: Record<string, unknown>): Record<string, unknown> {
    const chatId = chatIdOf(p);
    const text = typeof p.text === "number" ? String(p.text) : optString(p.text);
    if (text === undefined || text === "") throw bad("message text is empty");
    const formatted = formatText(text, p.parse_mode, p.entities);
    if (formatted.plain.length > TELEGRAM_TEXT_LIMIT) throw bad("message is too long");
    if (formatted.plain.trim() === "") throw bad("message text is empty");
    const markup = validateReplyMarkup(p.reply_markup);
    const replyTo = this.checkReplyTo(chatId, p);
    this.beforeSend(chatId);
    const stored = this.newStored(chatId, "sendMessage", {
      text,
      plain_text: formatted.plain,
      ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(markup !== undefined ? { reply_markup: markup } : {}),
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
    });
    return this.commit(stored);
  }

  private sendFile(method: "sendDocument" | "sendPhoto", p: Record<string, unknown>, files: Record<string, MultipartFile>): Record<string, unknown> {
    const chatId = chatIdOf(p);
    const field = method === "sendDocument" ? "document" : "photo";
    const caption = this.checkCaption(p.caption, p.parse_mode, p.caption_entities);
    const markup = validateReplyMarkup(p.reply_markup);
    const input = this.resolveInputFile(p[field], files[field], files, method === "sendDocument" ? DOCUMENT_UPLOAD_LIMIT : PHOTO_UPLOAD_LIMIT);
    const replyTo = this.checkReplyTo(chatId, p);
    this.beforeSend(chatId);
    const content = {
      ...caption,
      ...(typeof p.parse_mode === "string" && caption.caption !== undefined ? { parse_mode: p.parse_mode } : {}),
      ...(markup !== undefined ? { reply_markup: markup } : {}),
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
    };
    const stored = this.newStored(chatId, method, content);
    this.attachMedia(stored, field, input);
    return this.commit(stored);
  }

  private sendMediaGroup(p: Record<string, unknown>, files: Record<string, MultipartFile>): Array<Record<string, unknown>> {
    const chatId = chatIdOf(p);
    if (!Array.isArray(p.media)) throw bad('parameter "media" is required');
    const media = p.media as Array<Record<string, unknown>>;
    if (media.length < 2 || media.length > 10) throw bad("wrong number of media in the album: must be 2-10 items");
    const types = new Set(media.map((m) => m.type));
    if (types.has("document") && types.size > 1) throw bad("document can't be mixed with other media types");
    const prepared = media.map((item) => {
      if (item.type !== "photo" && item.type !== "document") throw bad(`unsupported media type "${String(item.type)}" in this fake`);
      const caption = this.checkCaption(item.caption, item.parse_mode, item.caption_entities);
      const field = item.type === "document" ? ("document" as const) : ("photo" as const);
      const input = this.resolveInputFile(item.media, undefined, files, field === "document" ? DOCUMENT_UPLOAD_LIMIT : PHOTO_UPLOAD_LIMIT);
      return { item, caption, field, input };
    });
    this.beforeSend(chatId);
    const groupId = `${Date.now()}${this.nextMediaGroup++}`;
    return prepared.map(({ item, caption, field, input }) => {
      const stored = this.newStored(chatId, "sendMediaGroup", {
        ...caption,
        ...(typeof item.parse_mode === "string" && caption.caption !== undefined ? { parse_mode: item.parse_mode } : {}),
      });
      stored.media_group_id = groupId;
      this.attachMedia(stored, field, input);
      return this.commit(stored);
    });
  }

  private edit(method: MessageEdit["method"], p: Record<string, unknown>): unknown {
    const markup = validateReplyMarkup(p.reply_markup);
    let text: { text: string; plain: string; entities: FakeEntity[] } | undefined;
    let caption: ReturnType<FakeTelegramServer["checkCaption"]> | undefined;
    if (method === "editMessageText") {
      const raw = optString(p.text);
      if (raw === undefined || raw === "") throw bad("message text is empty");
      const formatted = formatText(raw, p.parse_mode, p.entities);
      if (formatted.plain.length > TELEGRAM_TEXT_LIMIT) throw bad("MESSAGE_TOO_LONG");
      if (formatted.plain.trim() === "") throw bad("message text is empty");
      text = { text: raw, ...formatted };
    } else if (method === "editMessageCaption") {
      caption = this.checkCaption(p.caption, p.parse_mode, p.caption_entities);
    }
    if (p.inline_message_id !== undefined) return true;

    const chatId = chatIdOf(p);
    const entry = this.chats.get(chatId)?.messages.get(Number(p.message_id));
    if (entry === undefined || entry.deleted) throw bad("message to edit not found");
    const stored = entry.stored;
    if (!entry.fromBot || stored === undefined) throw bad("message can't be edited");
    if (method === "editMessageText" && stored.text === undefined) throw bad("there is no text in the message to edit");

    const previous = contentOf(stored);
    const next: MessageContent = { ...previous };
    // Like Telegram: an edit without reply_markup removes the inline keyboard.
    if (markup !== undefined) next.reply_markup = markup;
    else delete next.reply_markup;
    if (text !== undefined) {
      next.text = text.text;
      if (typeof p.parse_mode === "string") next.parse_mode = p.parse_mode;
      else delete next.parse_mode;
    }
    if (caption !== undefined) {
      if (caption.caption !== undefined) next.caption = caption.caption;
      else delete next.caption;
      if (typeof p.parse_mode === "string") next.parse_mode = p.parse_mode;
      else delete next.parse_mode;
    }
    const sameText = text === undefined || (text.plain === stored.plain_text && sameJson(text.entities, stored.entities ?? []));
    const sameCaption = caption === undefined || (caption.plain_caption === stored.plain_caption && sameJson(caption.caption_entities ?? [], stored.caption_entities ?? []));
    if (sameText && sameCaption && sameJson(next.reply_markup, stored.reply_markup)) throw bad(NOT_MODIFIED);

    if (text !== undefined) {
      stored.text = text.text;
      stored.plain_text = text.plain;
      if (text.entities.length > 0) stored.entities = text.entities;
      else delete stored.entities;
    }
    if (caption !== undefined) {
      if (caption.caption !== undefined) {
        stored.caption = caption.caption;
        stored.plain_caption = caption.plain_caption;
      } else {
        delete stored.caption;
        delete stored.plain_caption;
      }
      if (caption.caption_entities !== undefined) stored.caption_entities = caption.caption_entities;
      else delete stored.caption_entities;
    }
    if (next.parse_mode !== undefined) stored.parse_mode = next.parse_mode;
    else delete stored.parse_mode;
    if (next.reply_markup !== undefined) stored.reply_markup = next.reply_markup;
    else delete stored.reply_markup;
    stored.edits.push({ method, time: Date.now(), previous, next: contentOf(stored) });
    entry.raw = { ...this.messageJson(stored), edit_date: nowSeconds() };
    return entry.raw;
  }

  private checkCaption(value: unknown, parseMode: unknown, entities: unknown): { caption?: string; plain_caption?: string; caption_entities?: FakeEntity[] } {
    const caption = optString(value);
    if (caption === undefined || caption === "") return {};
    const formatted = formatText(caption, parseMode, entities);
    if (formatted.plain.length > TELEGRAM_CAPTION_LIMIT) throw bad("message caption is too long");
    return {
      caption,
      plain_caption: formatted.plain,
      ...(formatted.entities.length > 0 ? { caption_entities: formatted.entities } : {}),
    };
  }

  private checkReplyTo(chatId: number, p: Record<string, unknown>): number | undefined {
    const params = p.reply_parameters as Record<string, unknown> | undefined;
    const id = typeof params?.message_id === "number" ? params.message_id : typeof p.reply_to_message_id === "number" ? p.reply_to_message_id : undefined;
    if (id === undefined) return undefined;
    const exists = this.chats.get(chatId)?.messages.get(id);
    const allow = params?.allow_sending_without_reply === true || p.allow_sending_without_reply === true;
    if ((exists === undefined || exists.deleted) && !allow) throw bad("message to be replied not found");
    return id;
  }

  private resolveInputFile(
    value: unknown,
    direct: MultipartFile | undefined,
    files: Record<string, MultipartFile>,
    limit: number,
  ): { upload: MultipartFile } | { existing: StoredFile } {
    let upload = direct;
    if (upload === undefined && typeof value === "string" && value.startsWith("attach://")) {
      upload = files[value.slice("attach://".length)];
      if (upload === undefined) throw bad(`can't find attached file "${value}"`);
    }
    if (upload !== undefined) {
      if (upload.bytes.length === 0) throw bad("file must be non-empty");
      if (upload.bytes.length > limit) throw new ApiError(413, "Request Entity Too Large");
      return { upload };
    }
    if (typeof value === "string") {
      const existing = this.files.get(value);
      if (existing !== undefined) return { existing };
    }
    throw bad("wrong file identifier/HTTP URL specified");
  }

  private attachMedia(stored: StoredMessage, field: "document" | "photo", input: { upload: MultipartFile } | { existing: StoredFile }): void {
    if (field === "document") {
      const file =
        "existing" in input ? input.existing : this.storeFile(input.upload.bytes, { kind: "documents", fileName: input.upload.fileName, mime: guessMime(input.upload.fileName) });
      stored.document = {
        file_id: file.file_id,
        file_name: file.file_name ?? ("upload" in input ? input.upload.fileName : "document"),
        bytes: file.bytes,
        ...(file.mime_type !== undefined ? { mime_type: file.mime_type } : {}),
      };
    } else {
      const bytes = "existing" in input ? input.existing.bytes : input.upload.bytes;
      stored.photo = bytes;
    }
  }

  private newStored(chatId: number, method: string, content: Partial<StoredMessage>): StoredMessage {
    const state = this.chatState(chatId);
    return { ...content, message_id: state.nextMessageId++, chat_id: chatId, date: nowSeconds(), method, deleted: false, edits: [] };
  }

  /** Stores a new bot message and returns its Telegram JSON. */
  private commit(stored: StoredMessage): Record<string, unknown> {
    const state = this.chatState(stored.chat_id);
    if (stored.photo !== undefined && stored.photo_file_id === undefined) {
      const sizes = this.photoSizes(stored.photo);
      stored.photo_file_id = String(sizes[sizes.length - 1]?.file_id);
      this.sentPhotoSizes.set(stored, sizes);
    }
    const raw = this.messageJson(stored);
    state.messages.set(stored.message_id, { raw, stored, fromBot: true, deleted: false });
    state.order.push(stored);
    this.sentOrder.push(stored);
    return raw;
  }

  private messageJson(stored: StoredMessage): Record<string, unknown> {
    const raw: Record<string, unknown> = {
      message_id: stored.message_id,
      from: this.botUserJson(),
      chat: this.chatJson(stored.chat_id),
      date: stored.date,
    };
    if (stored.plain_text !== undefined) raw.text = stored.plain_text;
    if (stored.plain_caption !== undefined) raw.caption = stored.plain_caption;
    if (stored.entities !== undefined) raw.entities = stored.entities;
    if (stored.caption_entities !== undefined) raw.caption_entities = stored.caption_entities;
    if (stored.document !== undefined) {
      const file = this.files.get(stored.document.file_id);
      if (file !== undefined) raw.document = documentJson(file);
    }
    const sizes = this.sentPhotoSizes.get(stored);
    if (sizes !== undefined) raw.photo = sizes;
    if (stored.media_group_id !== undefined) raw.media_group_id = stored.media_group_id;
    if (stored.reply_markup?.inline_keyboard !== undefined) raw.reply_markup = { inline_keyboard: stored.reply_markup.inline_keyboard };
    if (stored.reply_to_message_id !== undefined) {
      const target = this.chats.get(stored.chat_id)?.messages.get(stored.reply_to_message_id);
      if (target !== undefined) raw.reply_to_message = target.raw;
    }
    return raw;
  }

  private checkBlocked(chatId: number): void {
    if (this.blocked.has(chatId)) throw new ApiError(403, "Forbidden: bot was blocked by the user");
  }

  /** Blocked users, then the rate limiter; records the send when it goes through. */
  private beforeSend(chatId: number): void {
    this.checkBlocked(chatId);
    const limit = this.rateLimit;
    if (limit === false) return;
    const now = Date.now();
    const windowMs = limit.windowMs ?? 1000;
    const windowStart = now - windowMs;
    this.globalSends = this.globalSends.filter((t) => t > windowStart);
    const perChat = (this.chatSends.get(chatId) ?? []).filter((t) => t > windowStart);
    let retryAfter = 0;
    if (this.globalSends.length >= limit.globalPerSecond) {
      retryAfter = secondsUntilFree(this.globalSends, limit.globalPerSecond, now, windowMs);
    }
    if (perChat.length >= limit.perChatPerSecond) {
      retryAfter = Math.max(retryAfter, secondsUntilFree(perChat, limit.perChatPerSecond, now, windowMs));
    }
    if (retryAfter > 0) {
      this.chatSends.set(chatId, perChat);
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    this.globalSends.push(now);
    perChat.push(now);
    this.chatSends.set(chatId, perChat);
  }
}

// ---------------------------------------------------------------------------------------------
// Telegram HTML (the subset the Bot API accepts), as tdlib parses it

const HTML_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"]);

const TAG_ENTITY: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
  a: "text_link",
};

export class HtmlParseError extends Error {
  override name = "HtmlParseError";
}

/**
 * Parses Telegram-flavoured HTML into visible text and entities, throwing `HtmlParseError` with
 * Telegram's wording ("Unsupported start tag "br" at byte offset 5", …) when the Bot API would
 * answer 400 "can't parse entities". Only &lt; &gt; &amp; &quot; and numeric entities are decoded;
 * an unknown entity stays as literal text (as on Telegram).
 */
export function parseTelegramHtml(html: string): { text: string; entities: FakeEntity[] } {
  let out = "";
  const entities: FakeEntity[] = [];
  const stack: Array<{ tag: string; offset: number; attrs: Map<string, string>; language?: string }> = [];
  const byteOffset = (index: number): number => Buffer.byteLength(html.slice(0, index));
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "&") {
      const decoded = decodeEntity(html, i);
      if (decoded !== undefined) {
        out += decoded.value;
        i += decoded.length;
      } else {
        out += "&";
        i++;
      }
      continue;
    }
    if (ch !== "<") {
      out += ch;
      i++;
      continue;
    }
    const begin = i;
    if (i + 1 >= html.length) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
    if (html[i + 1] === "/") {
      let j = i + 2;
      while (j < html.length && !/\s/.test(html[j]!) && html[j] !== ">") j++;
      const name = html.slice(i + 2, j).toLowerCase();
      while (j < html.length && /\s/.test(html[j]!)) j++;
      if (html[j] !== ">") throw new HtmlParseError(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
      const open = stack.pop();
      if (open === undefined) throw new HtmlParseError(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
      if (open.tag !== name) {
        throw new HtmlParseError(`Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${name}>"`);
      }
      i = j + 1;
      const length = out.length - open.offset;
      const parent = stack[stack.length - 1];
      const className = open.attrs.get("class");
      if (open.tag === "code" && parent?.tag === "pre" && className?.startsWith("language-") === true) {
        parent.language = className.slice("language-".length);
        continue;
      }
      if (length === 0) continue;
      const entity: FakeEntity = { type: TAG_ENTITY[open.tag] ?? open.tag, offset: open.offset, length };
      if (open.tag === "a") {
        const href = open.attrs.get("href");
        if (href === undefined || href === "") continue;
        const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
        if (mention !== null) {
          entity.type = "text_mention";
          entity.user = { id: Number(mention[1]) };
        } else entity.url = href;
      }
      if (open.tag === "pre" && open.language !== undefined) entity.language = open.language;
      if (open.tag === "blockquote" && open.attrs.has("expandable")) entity.type = "expandable_blockquote";
      if (open.tag === "tg-emoji") entity.custom_emoji_id = open.attrs.get("emoji-id") ?? "";
      entities.push(entity);
      continue;
    }

    let j = i + 1;
    while (j < html.length && !/\s/.test(html[j]!) && html[j] !== ">") j++;
    const name = html.slice(i + 1, j).toLowerCase();
    if (j >= html.length) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
    if (!HTML_TAGS.has(name)) throw new HtmlParseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(begin)}`);
    const attrs = new Map<string, string>();
    for (;;) {
      while (j < html.length && /\s/.test(html[j]!)) j++;
      if (j >= html.length) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      if (html[j] === ">") break;
      let k = j;
      while (k < html.length && /[A-Za-z0-9_-]/.test(html[k]!)) k++;
      const attr = html.slice(j, k).toLowerCase();
      if (attr === "") throw new HtmlParseError(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(begin)}`);
      j = k;
      while (j < html.length && /\s/.test(html[j]!)) j++;
      if (html[j] !== "=") {
        attrs.set(attr, "");
        continue;
      }
      j++;
      while (j < html.length && /\s/.test(html[j]!)) j++;
      let value = "";
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const end = html.indexOf(quote, j + 1);
        if (end < 0) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        value = decodeEntities(html.slice(j + 1, end));
        j = end + 1;
      } else {
        let end = j;
        while (end < html.length && !/\s/.test(html[end]!) && html[end] !== ">") end++;
        value = decodeEntities(html.slice(j, end));
        j = end;
      }
      attrs.set(attr, value);
    }
    i = j + 1;
    if (name === "span" && attrs.get("class") !== "tg-spoiler") {
      throw new HtmlParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
    }
    stack.push({ tag: name, offset: out.length, attrs });
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) throw new HtmlParseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeEntity(text: string, at: number): { value: string; length: number } | undefined {
  const match = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-z]{2,4}));/.exec(text.slice(at, at + 12));
  if (match === null) return undefined;
  if (match[3] !== undefined) {
    const value = NAMED_ENTITIES[match[3]];
    return value === undefined ? undefined : { value, length: match[0].length };
  }
  const code = match[1] !== undefined ? Number(match[1]) : parseInt(match[2] ?? "", 16);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { value: String.fromCodePoint(code), length: match[0].length };
}

function decodeEntities(text: string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    const decoded = text[i] === "&" ? decodeEntity(text, i) : undefined;
    if (decoded !== undefined) {
      out += decoded.value;
      i += decoded.length;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

function formatText(text: string, parseMode: unknown, entities: unknown): { plain: string; entities: FakeEntity[] } {
  if (parseMode === undefined || parseMode === null || parseMode === "") {
    return { plain: text, entities: Array.isArray(entities) ? (entities as FakeEntity[]) : [] };
  }
  if (typeof parseMode !== "string") throw bad("unsupported parse_mode");
  const mode = parseMode.toLowerCase();
  if (mode === "html") {
    try {
      const parsed = parseTelegramHtml(text);
      return { plain: parsed.text, entities: parsed.entities };
    } catch (error) {
      if (error instanceof HtmlParseError) throw bad(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  // Markdown and MarkdownV2 are accepted without validation (our bots use HTML).
  if (mode === "markdown" || mode === "markdownv2") return { plain: text, entities: [] };
  throw bad(`unsupported parse_mode "${parseMode}"`);
}

function validateReplyMarkup(value: unknown): FakeReplyMarkup | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object") throw bad("can't parse reply keyboard markup JSON object");
  const markup = value as FakeReplyMarkup;
  if (markup.inline_keyboard !== undefined) {
    if (!Array.isArray(markup.inline_keyboard) || !markup.inline_keyboard.every((row) => Array.isArray(row))) {
      throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of markup.inline_keyboard.flat()) {
      if (typeof button !== "object" || button === null || typeof button.text !== "string") {
        throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      }
      if (button.callback_data !== undefined) {
        const bytes = Buffer.byteLength(String(button.callback_data), "utf8");
        if (bytes < 1 || bytes > TELEGRAM_CALLBACK_DATA_LIMIT) throw bad("BUTTON_DATA_INVALID");
      } else if (button.url !== undefined) {
        if (typeof button.url !== "string" || !/^(https?|tg):\/\/\S+$/.test(button.url)) throw bad("BUTTON_URL_INVALID");
      } else if (Object.keys(button).length === 1) {
        throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      }
    }
  }
  return markup;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function errorBody(error: ApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.code,
    description: error.description,
    ...(error.parameters !== undefined ? { parameters: error.parameters } : {}),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new ApiError(413, "Request Entity Too Large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseRequestBody(body: Buffer, contentType: string): { payload: Record<string, unknown>; files: Record<string, MultipartFile> } {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (body.length === 0) return { payload: {}, files: {} };
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw bad("can't parse JSON request body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad("request body must be a JSON object");
    return { payload: parsed as Record<string, unknown>, files: {} };
  }
  if (type === "application/x-www-form-urlencoded") {
    return { payload: normalizeFields(Object.fromEntries(new URLSearchParams(body.toString("utf8")))), files: {} };
  }
  if (type === "multipart/form-data") {
    const parsed = parseMultipart(body, contentType);
    return { payload: normalizeFields(parsed.fields), files: parsed.files };
  }
  throw bad(`unsupported content type "${type}"`);
}

/** Form fields are strings: parse JSON-valued fields, numbers and booleans like the Bot API does. */
function normalizeFields(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        throw bad(`can't parse ${key} JSON object`);
      }
    } else if (NUMERIC_FIELDS.has(key) && /^-?\d+$/.test(value)) out[key] = Number(value);
    else if (BOOLEAN_FIELDS.has(key) && (value === "true" || value === "false")) out[key] = value === "true";
    else out[key] = value;
  }
  return out;
}

function chatIdOf(p: Record<string, unknown>): number {
  const value = p.chat_id;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  if (value === undefined || value === "") throw bad("chat_id is empty");
  throw bad("chat not found");
}

function optString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function userJson(user: FakeUser): Record<string, unknown> {
  return { is_bot: false, ...user };
}

function documentJson(file: StoredFile): Record<string, unknown> {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.length,
    ...(file.file_name !== undefined ? { file_name: file.file_name } : {}),
    ...(file.mime_type !== undefined ? { mime_type: file.mime_type } : {}),
  };
}

function contentOf(stored: StoredMessage): MessageContent {
  return {
    ...(stored.text !== undefined ? { text: stored.text } : {}),
    ...(stored.caption !== undefined ? { caption: stored.caption } : {}),
    ...(stored.parse_mode !== undefined ? { parse_mode: stored.parse_mode } : {}),
    ...(stored.reply_markup !== undefined ? { reply_markup: stored.reply_markup } : {}),
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function commandKey(scope: unknown, languageCode: unknown): string {
  const s = (scope as Record<string, unknown> | undefined) ?? { type: "default" };
  const ordered = Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(ordered)}|${typeof languageCode === "string" ? languageCode : ""}`;
}

function secondsUntilFree(times: number[], max: number, now: number, windowMs: number): number {
  // The window frees a slot when the (length - max + 1)-th oldest send leaves it.
  const sorted = [...times].sort((a, b) => a - b);
  const oldest = sorted[sorted.length - max] ?? sorted[0] ?? now;
  return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
}

const MIME_BY_EXT: Record<string, string> = {
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  txt: "text/plain",
  csv: "text/csv",
  zip: "application/zip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

function guessMime(fileName: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : MIME_BY_EXT[ext];
}

/** Width and height from a PNG or JPEG header; 800×600 when unknown. */
function imageSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) break;
      const marker = bytes[i + 1]!;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
  }
  return { width: 800, height: 600 };
}

/** What the person sees of a message: its text (or caption) as rendered, without markup. */
export const shown = (m: StoredMessage | undefined): string => m?.plain_text ?? m?.plain_caption ?? "";
