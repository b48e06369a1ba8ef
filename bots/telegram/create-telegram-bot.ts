// The Telegram bot: grammY on the configured Bot API root. Every update becomes one channel-neutral
// turn for bots/shared's handleIncoming; its replies are rendered as Telegram HTML with inline
// keyboards. Photos of one album (`media_group_id`) are collected for a moment and registered as one
// document. Runs with long polling (@grammyjs/runner, sequential per chat) or behind a webhook.
import { run, sequentialize } from "@grammyjs/runner";
import type { RunnerHandle } from "@grammyjs/runner";
import { Bot, type Transformer } from "grammy";
import type { Message, UserFromGetMe } from "grammy/types";
import type { Hono } from "hono";
import { type CoreDeps, type ConversationStore, t, type MessageKey, type OutboundMessage } from "../../core/index.ts";
import { handleIncoming } from "../shared/handle-incoming.ts";
import { mapError } from "../shared/map-error.ts";
import type { BotEnv, BotLogger, CardUpdate, IncomingFile, IncomingTurn, TurnResult } from "../shared/types.ts";
import { telegramCards } from "./cards.ts";
import type { BotContext } from "./context.ts";
import { DEFAULT_MAX_DOWNLOAD_BYTES, FileTooLargeError, downloadTelegramFile } from "./download.ts";
import { TELEGRAM_CALLBACK_TEXT_LIMIT, truncate } from "./html.ts";
import { deliverCard, inlineKeyboard } from "./send-message.ts";
import { configureApi } from "./telegram-sender.ts";
import { telegramWebhookRoutes } from "./webhook.ts";

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
  conversations?: ConversationStore;
  /**
   * Polling while another process polls the same token (Telegram answers 409): the wait before the
   * next poll, doubled after each conflict from `minMs` up to `maxMs`. The same waits restart a
   * runner that stopped on an error (a revoked token).
   * @defaultValue { minMs: 1000, maxMs: 60000 }
   */
  pollBackoff?: { minMs: number; maxMs: number };
};

export type TelegramBot = {
  bot: Bot<BotContext>;
  /** Sets the command menu in Vietnamese (default) and English. */
  setCommands(): Promise<void>;
  /**
   * Long polling with @grammyjs/runner (deletes any webhook first). Never ends the process: a 409
   * (another process polls this token) is logged once and polled again with backoff, and a runner
   * that stops on an error is logged and restarted. The handle follows the restarts.
   */
  startPolling(): Promise<RunnerHandle>;
  /**
   * The webhook at `path` as a Hono app (webhook.ts, grammY's hono adapter): `X-Telegram-Bot-Api-Secret-Token`
   * checked before the body is read, bodies up to 1 MB, 400 for a body that is not an update.
   */
  webhookRoutes(path: string, secretToken: string): Hono;
  /** Stops polling (when started) and flushes albums still being collected. */
  stop(): Promise<void>;
};

type AlbumItem = { messageId: number; fileId: string; size?: number | undefined; caption?: string | undefined };
type Album = { chatId: number; from: NonNullable<Message["from"]>; items: AlbumItem[]; timer: NodeJS.Timeout };

const MENU: [command: string, key: MessageKey][] = [
  ["viec", "bot.cmd.tasks"],
  ["nhan", "bot.cmd.ack"],
  ["xong", "bot.cmd.done"],
  ["quahan", "bot.cmd.overdue"],
  ["tim", "bot.cmd.search"],
  ["dangky", "bot.cmd.register"],
  ["chidao", "bot.cmd.direct"],
  ["phathanh", "bot.cmd.issue"],
  ["baocao", "bot.cmd.report"],
  ["help", "bot.cmd.help"],
  ["link", "bot.cmd.link"],
];

/** The bot's id: the part of its token before the colon (`123456:ABC…` → `123456`). */
export const telegramBotIdOf = (token: string): string => token.split(":")[0] || "bot";

const displayNameOf = (from: { first_name: string; last_name?: string | undefined; username?: string | undefined }): string =>
  [from.first_name, from.last_name].filter(Boolean).join(" ") || from.username || "";

export const createTelegramBot = (opts: TelegramBotOptions): TelegramBot => {
  const apiRoot = (opts.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT).replace(/\/+$/, "");
  const maxBytes = opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const debounceMs = opts.albumDebounceMs ?? 1000;
  const log = opts.logger;
  // Update ids are per bot (a new token, or Telegram restarting them after a quiet week, repeats
  // them): the dedupe key names the bot too.
  const botId = telegramBotIdOf(opts.token);
  const keyOf = (updateId: number | string): string => `tg:${botId}:${updateId}`;
  const bot = new Bot<BotContext>(opts.token, { client: { apiRoot }, ...(opts.botInfo ? { botInfo: opts.botInfo } : {}) });
  configureApi(bot.api);
  const env = (): BotEnv => ({
    deps: opts.deps,
    logger: log,
    ...(opts.conversations ? { conversations: opts.conversations } : {}),
    ...(bot.isInited() ? { botUsername: bot.botInfo.username } : {}),
  });
  const albums = new Map<string, Album>();
  const inFlight = new Set<Promise<unknown>>();
  let runner: RunnerHandle | undefined;
  let polling = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const backoff = opts.pollBackoff ?? { minMs: 1_000, maxMs: 60_000 };

  const download = (fileId: string, size?: number): Promise<Uint8Array> => downloadTelegramFile(bot.api, { token: opts.token, apiRoot, fileId, knownSize: size, maxBytes });

  const cards = telegramCards(opts.deps);

  /** The card keeps only the buttons that still apply (none: the keyboard goes). */
  const editButtons = (chatId: number, messageId: number, card: CardUpdate, updateKey: string): Promise<unknown> =>
    bot.api.editMessageReplyMarkup(chatId, messageId, { reply_markup: inlineKeyboard(card.actions) }).catch((err: unknown) => log.warn({ err, updateKey }, "card not updated"));

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
    // A long step's "đang đọc văn bản…" goes out at once, before the turn's answer.
    const progress = (message: OutboundMessage) => deliver(Number(base.chatId), { replies: [message] }, base.updateKey);
    return handleIncoming(env(), { ...base, progress, ...(files.length > 0 ? { files } : {}) });
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
      updateKey: keyOf(`mg:${key}`),
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
      ...(q.message ? { messageId: String(q.message.message_id) } : {}),
      updateKey: keyOf(ctx.update.update_id),
    });
    await ctx.answerCallbackQuery(result.callbackText ? { text: truncate(result.callbackText, TELEGRAM_CALLBACK_TEXT_LIMIT) } : {});
    await deliver(chatId, result, keyOf(ctx.update.update_id), q.message?.message_id);
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
      messageId: String(msg.message_id),
      updateKey: keyOf(ctx.update.update_id),
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
    log.error({ err: err.error, updateKey: keyOf(err.ctx.update.update_id) }, "telegram update failed");
  });

  // === Polling that survives a second process on the same token
  // Telegram answers a getUpdates with 409 when a newer one from elsewhere replaces it (or while a
  // webhook is set). @grammyjs/runner treats 409 as fatal and rejects its task, which ended the whole
  // process. Here a 409 never reaches the runner: it is logged once, then the poll is repeated after a
  // growing wait (the other process keeps polling meanwhile; updates are deduplicated by key).
  let conflicts = 0;
  let conflictWarned = false;
  const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done);
    });
  const delayAfter = (failures: number): number => Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.max(0, failures - 1));
  const pollGuard: Transformer = async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return prev(method, payload, signal);
    for (;;) {
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 409 || signal?.aborted || !polling) {
        if (res.ok && conflicts > 0) {
          log.info({ conflicts }, "telegram polling: no conflict on this poll");
          conflicts = 0;
        }
        return res;
      }
      conflicts += 1;
      const retryInMs = delayAfter(conflicts);
      if (!conflictWarned) {
        conflictWarned = true;
        log.warn(
          { description: res.description, retryInMs },
          "another process polls this token: use BOT_MODE=webhook to run several. This process keeps serving and polls again with backoff",
        );
      } else {
        log.debug({ description: res.description, retryInMs, conflicts }, "telegram polling conflict (409)");
      }
      await pause(retryInMs, signal as unknown as AbortSignal | undefined);
    }
  };

  const launch = (): void => {
    const handle = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] }, silent: true } });
    runner = handle;
    let failures = 0;
    handle.task()?.then(
      () => undefined,
      (err: unknown) => {
        if (!polling || runner !== handle) return;
        failures += 1;
        const retryInMs = delayAfter(failures + 3);
        log.error({ err, retryInMs }, "telegram polling stopped on an error; restarting it (check TELEGRAM_BOT_TOKEN if this repeats)");
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          if (polling && runner === handle) launch();
        }, retryInMs);
      },
    );
  };
  /** A handle that follows the runner across restarts. */
  const pollingHandle: RunnerHandle = {
    start: () => {
      if (!polling) {
        polling = true;
        launch();
      }
    },
    stop: async () => {
      polling = false;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      const current = runner;
      if (current?.isRunning()) await current.stop().catch(() => undefined);
    },
    size: () => runner?.size() ?? 0,
    task: () => runner?.task(),
    isRunning: () => polling,
  };

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
      bot.api.config.use(pollGuard);
      pollingHandle.start();
      return pollingHandle;
    },
    webhookRoutes: (path, secretToken) => telegramWebhookRoutes(path, bot, { secretToken }),
    stop: async () => {
      await pollingHandle.stop();
      for (const key of [...albums.keys()]) await flushAlbum(key).catch((err: unknown) => log.error({ err, album: key }, "album failed"));
      await Promise.allSettled([...inFlight]);
    },
  };
};
