// The Telegram bot: grammY on the configured Bot API root. Every update becomes one channel-neutral
// turn for bots/shared's handleIncoming; its replies are rendered as Telegram HTML with inline
// keyboards. Photos of one album (`media_group_id`) are collected for a moment and registered as one
// document. Runs with long polling (@grammyjs/runner, sequential per chat) or behind a webhook.
import { run, sequentialize } from "@grammyjs/runner";
import type { RunnerHandle } from "@grammyjs/runner";
import { Bot, webhookCallback } from "grammy";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Message, UserFromGetMe } from "grammy/types";
import type { CoreDeps } from "../../core/deps.ts";
import type { ConversationStore } from "../../core/conversations/conversation-store.ts";
import { t } from "../../core/messages/index.ts";
import { handleIncoming } from "../shared/handle-incoming.ts";
import { mapError } from "../shared/map-error.ts";
import type { BotEnv, BotLogger, CardUpdate, IncomingFile, IncomingTurn, TurnResult } from "../shared/types.ts";
import { telegramCards } from "./cards.ts";
import type { BotContext } from "./context.ts";
import { DEFAULT_MAX_DOWNLOAD_BYTES, FileTooLargeError, downloadTelegramFile } from "./download.ts";
import { TELEGRAM_CALLBACK_TEXT_LIMIT, truncate } from "./html.ts";
import { deliverCard, inlineKeyboard } from "./send-message.ts";
import { configureApi } from "./telegram-sender.ts";

export const DEFAULT_TELEGRAM_API_ROOT = "https://api.telegram.org";

export type TelegramBotOptions = {
  token: string;
  /** `TELEGRAM_API_ROOT`, used for API calls AND file downloads. @defaultValue https://api.telegram.org */
  apiRoot?: string;
  deps: CoreDeps;
  logger: BotLogger;
  /** Skips getMe (tests, fast start). */
  botInfo?: UserFromGetMe;
  /** Largest file downloaded. @defaultValue 20 MB (the public Bot API's limit) */
  maxDownloadBytes?: number;
  /** How long to wait for more photos of an album. @defaultValue 1000 ms */
  albumDebounceMs?: number;
  /** Pace the bot's own sends (1/s per chat). @defaultValue true */
  throttle?: boolean;
  conversations?: ConversationStore;
};

export type TelegramBot = {
  bot: Bot<BotContext>;
  /** Sets the command menu in Vietnamese (default) and English. */
  setCommands(): Promise<void>;
  /** Long polling with @grammyjs/runner (deletes any webhook first). */
  startPolling(): Promise<RunnerHandle>;
  /** A node:http handler for the webhook path; checks `X-Telegram-Bot-Api-Secret-Token`. */
  webhookHandler(secretToken: string): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Stops polling (when started) and flushes albums still being collected. */
  stop(): Promise<void>;
};

type AlbumItem = { messageId: number; fileId: string; size?: number | undefined; caption?: string | undefined };
type Album = { chatId: number; from: NonNullable<Message["from"]>; items: AlbumItem[]; timer: NodeJS.Timeout };

const MENU: [command: string, key: string][] = [
  ["viec", "bot.cmd.tasks"],
  ["nhan", "bot.cmd.ack"],
  ["xong", "bot.cmd.done"],
  ["quahan", "bot.cmd.overdue"],
  ["tim", "bot.cmd.search"],
  ["dangky", "bot.cmd.register"],
  ["chidao", "bot.cmd.direct"],
  ["help", "bot.cmd.help"],
  ["link", "bot.cmd.link"],
];

const displayNameOf = (from: { first_name: string; last_name?: string | undefined; username?: string | undefined }): string =>
  [from.first_name, from.last_name].filter(Boolean).join(" ") || from.username || "";

export const createTelegramBot = (opts: TelegramBotOptions): TelegramBot => {
  const apiRoot = (opts.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT).replace(/\/+$/, "");
  const maxBytes = opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const debounceMs = opts.albumDebounceMs ?? 1000;
  const log = opts.logger;
  const bot = new Bot<BotContext>(opts.token, { client: { apiRoot }, ...(opts.botInfo ? { botInfo: opts.botInfo } : {}) });
  configureApi(bot.api, { ...(opts.throttle !== undefined ? { throttle: opts.throttle } : {}) });
  const env = (): BotEnv => ({
    deps: opts.deps,
    logger: log,
    ...(opts.conversations ? { conversations: opts.conversations } : {}),
    ...(bot.isInited() ? { botUsername: bot.botInfo.username } : {}),
  });
  const albums = new Map<string, Album>();
  const inFlight = new Set<Promise<unknown>>();
  let runner: RunnerHandle | undefined;

  const download = (fileId: string, size?: number): Promise<Uint8Array> =>
    downloadTelegramFile(bot.api, { token: opts.token, apiRoot, fileId, knownSize: size, maxBytes });

  const cards = telegramCards(opts.deps);

  /** The card keeps only the buttons that still apply (none: the keyboard goes). */
  const editButtons = (chatId: number, messageId: number, card: CardUpdate, updateKey: string): Promise<unknown> =>
    bot.api
      .editMessageReplyMarkup(chatId, messageId, { reply_markup: inlineKeyboard(card.actions) })
      .catch((err: unknown) => log.warn({ err, updateKey }, "card not updated"));

  /**
   * Sends the replies (a reply that is a living card, like `/xem D7-TCKH`, becomes the chat's card)
   * and updates the card the turn changed: the pressed message, and the card remembered for this
   * chat when a typed command or a report changed the assignment.
   */
  const deliver = async (chatId: number, result: TurnResult, updateKey: string, pressedMessageId?: number): Promise<void> => {
    if (result.card && pressedMessageId !== undefined) await editButtons(chatId, pressedMessageId, result.card, updateKey);
    if (result.card?.cardKey) {
      const cardId = await cards.find(String(chatId), result.card.cardKey);
      if (cardId !== null && cardId !== pressedMessageId) await editButtons(chatId, cardId, result.card, updateKey);
    }
    for (const message of result.replies) await deliverCard(bot.api, chatId, message, { cards, files: opts.deps.files, mode: "resend" });
  };

  const tooLarge = (err: FileTooLargeError): TurnResult => ({
    replies: [{ text: t("vi", "bot.fileTooLarge", { sizeMb: (err.size / 1048576).toFixed(1), maxMb: Math.round(err.max / 1048576) }) }],
  });

  /** Downloads, then hands the turn to the shared dispatcher. */
  const dispatch = async (base: Omit<IncomingTurn, "files">, fetchFiles: () => Promise<IncomingFile[]>): Promise<TurnResult> => {
    let files: IncomingFile[];
    try {
      files = await fetchFiles();
    } catch (err) {
      if (err instanceof FileTooLargeError) return tooLarge(err);
      return { replies: [mapError(err, { locale: "vi", updateKey: base.updateKey, logger: log })] };
    }
    return handleIncoming(env(), { ...base, ...(files.length > 0 ? { files } : {}) });
  };

  // === Albums: photos sharing a media_group_id arrive as separate updates.
  const flushAlbum = async (key: string): Promise<void> => {
    const album = albums.get(key);
    if (!album) return;
    albums.delete(key);
    clearTimeout(album.timer);
    const items = [...album.items].sort((a, b) => a.messageId - b.messageId);
    const caption = items.find((i) => i.caption !== undefined && i.caption.trim() !== "")?.caption;
    const base: Omit<IncomingTurn, "files"> = {
      channel: "TELEGRAM",
      externalUserId: String(album.from.id),
      chatId: String(album.chatId),
      displayName: displayNameOf(album.from),
      updateKey: `tg:mg:${key}`,
      ...(caption !== undefined ? { text: caption } : {}),
    };
    const result = await dispatch(base, async () => {
      const out: IncomingFile[] = [];
      for (const [i, item] of items.entries()) out.push({ bytes: await download(item.fileId, item.size), fileName: `photo-${i + 1}.jpg`, mime: "image/jpeg" });
      return out;
    });
    await deliver(album.chatId, result, base.updateKey);
  };
  const track = (p: Promise<unknown>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const scheduleAlbum = (key: string): NodeJS.Timeout =>
    setTimeout(() => track(flushAlbum(key).catch((err: unknown) => log.error({ err, album: key }, "album failed"))), debounceMs);

  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));

  bot.on("callback_query:data", async (ctx) => {
    const q = ctx.callbackQuery;
    const chatId = q.message?.chat.id ?? q.from.id;
    const result = await handleIncoming(env(), {
      channel: "TELEGRAM",
      externalUserId: String(q.from.id),
      chatId: String(chatId),
      displayName: displayNameOf(q.from),
      callback: q.data,
      updateKey: `tg:${ctx.update.update_id}`,
    });
    await ctx.answerCallbackQuery(result.callbackText ? { text: truncate(result.callbackText, TELEGRAM_CALLBACK_TEXT_LIMIT) } : {});
    await deliver(chatId, result, `tg:${ctx.update.update_id}`, q.message?.message_id);
  });

  bot.on("message", async (ctx) => {
    const msg = ctx.message;
    if (!msg.from) return;
    const text = msg.text ?? msg.caption;
    const photo = msg.photo?.at(-1);
    if (photo && msg.media_group_id) {
      const key = `${msg.chat.id}:${msg.media_group_id}`;
      const album = albums.get(key);
      const item: AlbumItem = { messageId: msg.message_id, fileId: photo.file_id, size: photo.file_size, caption: msg.caption };
      if (album) {
        album.items.push(item);
        clearTimeout(album.timer);
        album.timer = scheduleAlbum(key);
      } else {
        albums.set(key, { chatId: msg.chat.id, from: msg.from, items: [item], timer: scheduleAlbum(key) });
      }
      return;
    }
    const base: Omit<IncomingTurn, "files"> = {
      channel: "TELEGRAM",
      externalUserId: String(msg.from.id),
      chatId: String(msg.chat.id),
      displayName: displayNameOf(msg.from),
      updateKey: `tg:${ctx.update.update_id}`,
      ...(text !== undefined ? { text } : {}),
    };
    const result = await dispatch(base, async () => {
      if (msg.document) {
        const d = msg.document;
        return [{ bytes: await download(d.file_id, d.file_size), ...(d.file_name ? { fileName: d.file_name } : {}), ...(d.mime_type ? { mime: d.mime_type } : {}) }];
      }
      if (photo) return [{ bytes: await download(photo.file_id, photo.file_size), fileName: "photo-1.jpg", mime: "image/jpeg" }];
      return [];
    });
    await deliver(msg.chat.id, result, base.updateKey);
  });

  bot.catch((err) => {
    log.error({ err: err.error, updateKey: `tg:${err.ctx.update.update_id}` }, "telegram update failed");
  });

  return {
    bot,
    setCommands: async () => {
      for (const locale of ["vi", "en"] as const) {
        const commands = MENU.map(([command, key]) => ({ command, description: t(locale, key) }));
        await bot.api.setMyCommands(commands, { language_code: locale });
        if (locale === "vi") await bot.api.setMyCommands(commands);
      }
    },
    startPolling: async () => {
      await bot.init();
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] } } });
      return runner;
    },
    webhookHandler: (secretToken) => {
      const handle = webhookCallback(bot, "http", { secretToken, onTimeout: "return", timeoutMilliseconds: 55_000 });
      return async (req, res) => {
        await handle(req, res);
      };
    },
    stop: async () => {
      if (runner?.isRunning()) await runner.stop();
      for (const key of [...albums.keys()]) await flushAlbum(key).catch((err: unknown) => log.error({ err, album: key }, "album failed"));
      await Promise.allSettled([...inFlight]);
    },
  };
};
