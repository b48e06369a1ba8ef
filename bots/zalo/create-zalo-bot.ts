// The Zalo bot: our own Zalo Bot Platform client (long polling or webhook). Every update becomes
// one channel-neutral turn for bots/shared's handleIncoming; its replies are sent as plain text that
// ends with the exact reply commands (Zalo has no buttons), files as signed download links with a
// page-1 preview. A photo is downloaded and handed over as a file: photos sent one per message
// accumulate in the chat's registration until the clerk sends /dangky (bots/shared register flow).
// Reactions are not answered; a voice note gets the exact commands to type instead. A webhook
// delivery is recorded (PendingUpdate) and answered at once, then handled; a restart replays what
// was left. A hearing watch (hearing.ts) reports when the platform stops delivering to us.
import {
  type ConversationStore,
  forgetPendingUpdate,
  listPendingUpdates,
  markUpdateProcessed,
  recordPendingUpdate,
  alertChannelDeaf,
  type CoreDeps,
  resolveIdentity,
  t,
  type MessageKey,
  listMyTasks,
  type OutboundMessage,
} from "../../core/index.ts";
import { handleIncoming } from "../shared/handle-incoming.ts";
import type { BotEnv, BotLogger, IncomingFile, IncomingTurn } from "../shared/types.ts";
import { startZaloHearingWatch } from "./hearing.ts";
import type { ZaloHearing, ZaloHearingWatch } from "./hearing.ts";
import { createPdfPreviewer } from "./pdf-preview.ts";
import type { PdfPreviewer } from "./pdf-preview.ts";
import { startZaloPolling } from "./polling.ts";
import type { ZaloPollingHandle } from "./polling.ts";
import { sendZaloMessage } from "./send-zalo-message.ts";
import type { ZaloFileLinks } from "./send-zalo-message.ts";
import { normalizeZaloUpdate } from "./updates.ts";
import type { ZaloUpdate } from "./updates.ts";
import type { Hono } from "hono";
import { createZaloWebhookHandler, zaloWebhookRoutes, type ZaloWebhookOptions } from "./webhook.ts";
import type { ZaloWebhookHandler } from "./webhook.ts";
import { createZaloClient } from "./zalo-client.ts";
import type { ZaloClient } from "./zalo-client.ts";
import { ZaloApiError } from "./zalo-error.ts";

/** Largest photo downloaded by default: 10 MB (phone photos are 1–5 MB). */
export const DEFAULT_MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type ZaloBotOptions = {
  /** `ZALO_BOT_TOKEN`. */
  token: string;
  /** `ZALO_API_BASE`. @defaultValue https://bot-api.zaloplatforms.com */
  apiBase?: string;
  deps: CoreDeps;
  logger: BotLogger;
  /** `PUBLIC_BASE_URL` and the `/files/` route's secret; null: files are named, not linked. */
  fileLinks: ZaloFileLinks | null;
  /** Largest photo downloaded. @defaultValue 10 MB */
  maxPhotoBytes?: number;
  /** Page-1 previews of PDFs; false: none. @defaultValue pdftoppm into deps.files */
  previews?: PdfPreviewer | false;
  /** Seconds each getUpdates may wait. @defaultValue 30 */
  pollingTimeoutSeconds?: number;
  conversations?: ConversationStore;
  /**
   * Milliseconds between two checks that the platform still delivers to us (getWebhookInfo);
   * 0: only at start (tests call `checkHearing()`).
   * @defaultValue 300_000 (5 minutes)
   */
  hearingCheckMs?: number;
  /**
   * While polling, also check after this many 408s in a row (a set webhook looks exactly like
   * silence from the poller's side).
   * @defaultValue 10 (about 5 minutes of 30-second polls)
   */
  idleChecksEvery?: number;
};

export type ZaloBot = {
  /** The API client (e.g. `client.setWebhook({ url, secret_token })` in webhook mode). */
  client: ZaloClient;
  /**
   * Deletes any webhook, confirms with getWebhookInfo that none is left (reporting a deaf bot
   * otherwise: error log, office alert, `hearing()` deaf), replays updates left pending, then
   * long-polls until `stop()`.
   */
  startPolling(): Promise<ZaloPollingHandle>;
  /**
   * Webhook mode: sets the webhook to `url` (HTTPS), replays updates left pending, and watches
   * that the webhook stays ours. Mount `webhookRoutes(path, secretToken)` at the URL's path first.
   */
  startWebhook(params: { url: string; secretToken: string }): Promise<void>;
  /** What the hearing watch last found (`deaf: false` before it started). */
  hearing(): ZaloHearing;
  /** Checks now whether the platform delivers to us (getWebhookInfo) and reports a change. */
  checkHearing(): Promise<ZaloHearing>;
  /** The webhook at `path` as a Hono app (the service mounts it); answers 401 unless `X-Bot-Api-Secret-Token` is `secretToken`. */
  webhookRoutes(path: string, secretToken: string): Hono;
  /** The same webhook as a node:http handler (a server of one's own). */
  webhookHandler(secretToken: string): ZaloWebhookHandler;
  /** Handles one normalised update (what polling calls; the webhook records it first). */
  handleUpdate(update: ZaloUpdate): Promise<void>;
  /** Stops polling (when started) and waits for the updates being handled. */
  stop(): Promise<void>;
};

/**
 * The deduplication key of an update (ProcessedUpdate, PendingUpdate). Message ids are the
 * platform's; the key still names the bot (its token's id), so a new token never meets an old bot's keys.
 */
const updateKeyOf = (botId: string, update: ZaloUpdate): string => `zl:${botId}:${update.eventName}:${update.messageId}`;

/** The platform's own code and description, logged with every error it answers. */
const apiFields = (err: unknown): { code?: number; description?: string } => (err instanceof ZaloApiError ? { code: err.error_code, description: err.description } : {});

class PhotoTooLargeError extends Error {
  override name = "PhotoTooLargeError";
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`photo of ${size} bytes exceeds ${max}`);
  }
}

/** Downloads a photo URL: http(s) only, status checked, size capped while reading. */
const downloadPhoto = async (url: string, maxBytes: number): Promise<{ bytes: Uint8Array; mime?: string }> => {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`photo URL scheme not allowed: ${parsed.protocol}`);
  const res = await fetch(parsed, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new Error(`photo download failed: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    throw new PhotoTooLargeError(declared, maxBytes);
  }
  // Count while reading: a server that lies about the length cannot make us buffer more.
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new PhotoTooLargeError(total, maxBytes);
    chunks.push(chunk);
  }
  const mime = res.headers.get("content-type")?.split(";")[0]?.trim();
  return { bytes: new Uint8Array(Buffer.concat(chunks)), ...(mime && mime.startsWith("image/") ? { mime } : {}) };
};

/**
 * Creates the Zalo bot.
 *
 * @example
 * const zalo = createZaloBot({ token, apiBase, deps, logger, fileLinks: { baseUrl: PUBLIC_BASE_URL, secret } });
 * await zalo.startPolling();            // or: http.mount(zalo.webhookRoutes("/webhook/zalo", WEBHOOK_SECRET))
 * process.once("SIGTERM", () => void zalo.stop());
 */
export const createZaloBot = (opts: ZaloBotOptions): ZaloBot => {
  const log = opts.logger;
  const botId = opts.token.split(":")[0] || "bot";
  const keyOf = (update: ZaloUpdate): string => updateKeyOf(botId, update);
  const client = createZaloClient({ token: opts.token, ...(opts.apiBase ? { apiBase: opts.apiBase } : {}) });
  const maxPhotoBytes = opts.maxPhotoBytes ?? DEFAULT_MAX_PHOTO_BYTES;
  const previews = opts.previews === false ? null : (opts.previews ?? createPdfPreviewer({ files: opts.deps.files, logger: log }));
  const env: BotEnv = {
    deps: opts.deps,
    logger: log,
    numberedChoices: true,
    ...(opts.conversations ? { conversations: opts.conversations } : {}),
  };
  /** Per chat, the tail of the updates being handled: one at a time per chat, in arrival order. */
  const chains = new Map<string, Promise<void>>();
  let polling: ZaloPollingHandle | null = null;
  let watch: ZaloHearingWatch | null = null;
  const idleChecksEvery = Math.max(1, opts.idleChecksEvery ?? 10);

  const send = async (update: ZaloUpdate, replies: OutboundMessage[]): Promise<void> => {
    // Links are bound to the person: resolve who this is only when a reply carries a file.
    let userId: string | null = null;
    if (replies.some((r) => (r.attachments ?? []).length > 0)) {
      const who = await resolveIdentity(opts.deps, { channel: "ZALO", externalUserId: update.fromId });
      userId = who?.actor.id ?? null;
    }
    for (const message of replies) {
      await sendZaloMessage({
        client,
        chatId: update.chatId,
        message,
        locale: "vi",
        userId,
        fileLinks: opts.fileLinks,
        previews,
        now: () => opts.deps.clock.now(),
        logger: log,
      });
    }
  };

  const say = (update: ZaloUpdate, key: MessageKey, params: Record<string, string | number> = {}) => send(update, [{ text: t("vi", key, params) }]);

  /** A hint answered once per update (a redelivery says nothing more). */
  const hint = async (update: ZaloUpdate, key: MessageKey): Promise<void> => {
    if (!(await markUpdateProcessed(opts.deps, "ZALO", keyOf(update)))) return;
    await say(update, key);
  };

  /**
   * A voice note cannot be read (no offline Vietnamese speech-to-text is installable here): the
   * answer gives the exact commands to type, with the person's own open task when there is one.
   */
  const answerVoice = async (update: ZaloUpdate): Promise<void> => {
    if (!(await markUpdateProcessed(opts.deps, "ZALO", keyOf(update)))) return;
    const who = await resolveIdentity(opts.deps, { channel: "ZALO", externalUserId: update.fromId });
    const tasks = who ? (await listMyTasks(opts.deps, { actorUserId: who.actor.id })).items.filter((i) => i.kind === "assignment") : [];
    const task = tasks.find((i) => i.status !== "ASSIGNED") ?? tasks[0];
    await send(update, [{ text: task ? t("vi", "zalo.voice.task", { ref: task.displayRef }) : t("vi", "zalo.voice") }]);
  };

  const processUpdate = async (update: ZaloUpdate): Promise<void> => {
    const updateKey = keyOf(update);
    if (update.fromIsBot) return;
    // A reaction (an emoji on one of our messages) is not a message: nothing to answer.
    if (update.isReaction) return log.debug({ updateKey }, "zalo reaction ignored");
    // Groups are experimental on Zalo and everyone there would read the answers: private chats only.
    if (update.chatType === "GROUP") return hint(update, "zalo.group");
    if (update.eventName.includes("voice") || update.voiceUrl !== undefined) return answerVoice(update);
    if (update.isUnsupported) return hint(update, "zalo.unsupported");
    const text = update.text ?? update.caption;
    if (update.photoUrl === undefined && (text === undefined || text.trim() === "")) {
      return hint(update, update.eventName.includes("sticker") ? "zalo.sticker" : "zalo.unsupported");
    }

    let files: IncomingFile[] = [];
    if (update.photoUrl !== undefined) {
      try {
        const photo = await downloadPhoto(update.photoUrl, maxPhotoBytes);
        files = [{ bytes: photo.bytes, fileName: `photo-${update.messageId}.jpg`, ...(photo.mime ? { mime: photo.mime } : {}) }];
      } catch (err) {
        if (err instanceof PhotoTooLargeError) {
          return say(update, "bot.fileTooLarge", { sizeMb: (err.size / 1048576).toFixed(1), maxMb: Math.round(err.max / 1048576) });
        }
        log.warn({ err, updateKey }, "zalo photo download failed");
        return say(update, "zalo.photo.failed");
      }
    }
    const turn: IncomingTurn = {
      channel: "ZALO",
      externalUserId: update.fromId,
      chatId: update.chatId,
      messageId: update.messageId,
      updateKey,
      ...(update.fromName ? { displayName: update.fromName } : {}),
      ...(text !== undefined && text.trim() !== "" ? { text } : {}),
      ...(files.length > 0 ? { files } : {}),
      // A long step's "đang đọc văn bản…" goes out at once, before the turn's answer.
      progress: (message) => send(update, [message]),
    };
    const result = await handleIncoming(env, turn);
    if (result.duplicate) return;
    await send(update, result.replies);
  };

  const handleUpdate = (update: ZaloUpdate): Promise<void> => {
    const key = update.chatId;
    const previous = chains.get(key) ?? Promise.resolve();
    const current = previous.then(() =>
      processUpdate(update).catch((err: unknown) => {
        // The turn is recorded (or refused) by now: a redelivery would not help. Log, go on.
        log.error({ err, updateKey: keyOf(update), ...apiFields(err) }, "zalo update failed");
      }),
    );
    chains.set(key, current);
    void current.finally(() => {
      if (chains.get(key) === current) chains.delete(key);
    });
    return current;
  };

  /** Handles a recorded update, then forgets it (also when handling failed: it was logged). */
  const recorded = new Set<Promise<void>>();
  const handleRecorded = (update: ZaloUpdate): Promise<void> => {
    const done = handleUpdate(update).finally(() =>
      forgetPendingUpdate(opts.deps, "ZALO", keyOf(update)).catch((err: unknown) => log.warn({ err, updateKey: keyOf(update) }, "could not forget a handled Zalo update")),
    );
    recorded.add(done);
    void done.finally(() => recorded.delete(done));
    return done;
  };

  /** A webhook delivery: recorded durably (the answer waits only for this), handled afterwards. */
  const acceptDelivery = async (update: ZaloUpdate): Promise<void> => {
    if (!(await recordPendingUpdate(opts.deps, "ZALO", keyOf(update), update.raw))) {
      log.debug({ updateKey: keyOf(update) }, "zalo update already recorded or handled");
      return;
    }
    void handleRecorded(update);
  };

  /** Replays updates recorded but not handled (a crash or stop between the answer and the turn). */
  const resumePending = async (): Promise<void> => {
    const pending = await listPendingUpdates(opts.deps, "ZALO");
    if (pending.length > 0) log.info({ count: pending.length }, "handling Zalo updates left pending");
    for (const row of pending) {
      const update = normalizeZaloUpdate(row.payload);
      if (update) void handleRecorded(update);
      else await forgetPendingUpdate(opts.deps, "ZALO", row.updateKey);
    }
  };

  const startWatch = (mode: "polling" | { webhookUrl: string }) => {
    watch = startZaloHearingWatch({
      client,
      logger: log,
      mode,
      now: () => opts.deps.clock.now(),
      alert: (alert) => alertChannelDeaf(opts.deps, alert),
      ...(opts.hearingCheckMs !== undefined ? { everyMs: opts.hearingCheckMs } : {}),
    });
    return watch.check();
  };

  const webhookOptions = (secretToken: string): ZaloWebhookOptions => ({
    secretToken,
    onUpdate: acceptDelivery,
    onError: (err, context) => log.warn({ err, kind: context.kind }, "zalo webhook error"),
  });
  return {
    client,
    handleUpdate,
    hearing: () => watch?.status() ?? { deaf: false, checkedAt: null },
    checkHearing: () => (watch ? watch.check() : Promise.resolve({ deaf: false, checkedAt: null })),
    startPolling: async () => {
      if (polling) throw new Error("createZaloBot: polling already started");
      // While a webhook is set getUpdates only ever answers 408: delete it, then make sure.
      await client.deleteWebhook().catch((err: unknown) => log.error({ err, ...apiFields(err) }, "could not delete the Zalo webhook. Check ZALO_BOT_TOKEN"));
      await startWatch("polling");
      await resumePending();
      polling = startZaloPolling({
        client,
        onUpdate: handleUpdate,
        onIdle: (consecutive) => {
          if (consecutive % idleChecksEvery === 0) void watch?.check();
        },
        ...(opts.pollingTimeoutSeconds !== undefined ? { timeoutSeconds: opts.pollingTimeoutSeconds } : {}),
        onError: (err, context) => log.warn({ err, kind: context.kind, ...apiFields(err) }, "zalo polling error"),
      });
      return polling;
    },
    startWebhook: async ({ url, secretToken }) => {
      if (!url.startsWith("https://")) log.error({ url }, "the Zalo webhook URL must be HTTPS (set PUBLIC_BASE_URL to an https:// address): Zalo refuses others");
      await client.setWebhook({ url, secret_token: secretToken }).catch((err: unknown) => log.error({ err, ...apiFields(err) }, "could not set the Zalo webhook"));
      await startWatch({ webhookUrl: url });
      await resumePending();
    },
    webhookRoutes: (path, secretToken) => zaloWebhookRoutes(path, webhookOptions(secretToken)),
    webhookHandler: (secretToken) => createZaloWebhookHandler(webhookOptions(secretToken)),
    stop: async () => {
      await watch?.stop();
      await polling?.stop();
      polling = null;
      await Promise.allSettled([...chains.values(), ...recorded]);
    },
  };
};
