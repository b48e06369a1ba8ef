// The Zalo bot: our own Zalo Bot Platform client (long polling or webhook). Every update becomes
// one channel-neutral turn for bots/shared's handleIncoming; its replies are sent as plain text that
// ends with the exact reply commands (Zalo has no buttons), files as signed download links with a
// page-1 preview. A photo is downloaded and handed over as a file: photos sent one per message
// accumulate in the chat's registration until the clerk sends /dangky (bots/shared register flow).
import type { ConversationStore } from "../../core/conversations/conversation-store.ts";
import type { CoreDeps } from "../../core/deps.ts";
import { resolveIdentity } from "../../core/identity/resolve-identity.ts";
import { t } from "../../core/messages/index.ts";
import type { OutboundMessage } from "../../core/ports/sender.ts";
import { handleIncoming } from "../shared/handle-incoming.ts";
import type { BotEnv, BotLogger, IncomingFile, IncomingTurn } from "../shared/types.ts";
import { createPdfPreviewer } from "./pdf-preview.ts";
import type { PdfPreviewer } from "./pdf-preview.ts";
import { startZaloPolling } from "./polling.ts";
import type { ZaloPollingHandle } from "./polling.ts";
import { sendZaloMessage } from "./send-zalo-message.ts";
import type { ZaloFileLinks } from "./send-zalo-message.ts";
import type { ZaloUpdate } from "./updates.ts";
import { createZaloWebhookHandler } from "./webhook.ts";
import type { ZaloWebhookHandler } from "./webhook.ts";
import { createZaloClient } from "./zalo-client.ts";
import type { ZaloClient } from "./zalo-client.ts";

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
};

export type ZaloBot = {
  /** The API client (e.g. `client.setWebhook({ url, secret_token })` in webhook mode). */
  client: ZaloClient;
  /** Deletes any webhook, then long-polls until `stop()`. */
  startPolling(): Promise<ZaloPollingHandle>;
  /** A node:http handler for the webhook path; answers 401 unless `X-Bot-Api-Secret-Token` is `secretToken`. */
  webhookHandler(secretToken: string): ZaloWebhookHandler;
  /** Handles one normalised update (what polling and the webhook call). */
  handleUpdate(update: ZaloUpdate): Promise<void>;
  /** Stops polling (when started) and waits for the updates being handled. */
  stop(): Promise<void>;
};

class PhotoTooLargeError extends Error {
  override name = "PhotoTooLargeError";
  constructor(readonly size: number, readonly max: number) {
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
 * await zalo.startPolling();            // or: http.route("/webhook/zalo", zalo.webhookHandler(WEBHOOK_SECRET))
 * process.once("SIGTERM", () => void zalo.stop());
 */
export const createZaloBot = (opts: ZaloBotOptions): ZaloBot => {
  const log = opts.logger;
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

  const say = (update: ZaloUpdate, key: string, params: Record<string, string | number> = {}) => send(update, [{ text: t("vi", key, params) }]);

  const processUpdate = async (update: ZaloUpdate): Promise<void> => {
    const updateKey = `zl:${update.eventName}:${update.messageId}`;
    if (update.fromIsBot) return;
    // Groups are experimental on Zalo and everyone there would read the answers: private chats only.
    if (update.chatType === "GROUP") return say(update, "zalo.group");
    if (update.isUnsupported) return say(update, "zalo.unsupported");
    const text = update.text ?? update.caption;
    if (update.photoUrl === undefined && (text === undefined || text.trim() === "")) {
      return say(update, update.eventName.includes("sticker") ? "zalo.sticker" : "zalo.unsupported");
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
      updateKey,
      ...(update.fromName ? { displayName: update.fromName } : {}),
      ...(text !== undefined && text.trim() !== "" ? { text } : {}),
      ...(files.length > 0 ? { files } : {}),
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
        log.error({ err, updateKey: `zl:${update.eventName}:${update.messageId}` }, "zalo update failed");
      }),
    );
    chains.set(key, current);
    void current.finally(() => {
      if (chains.get(key) === current) chains.delete(key);
    });
    return current;
  };

  return {
    client,
    handleUpdate,
    startPolling: async () => {
      if (polling) throw new Error("createZaloBot: polling already started");
      // getUpdates is refused while a webhook is set.
      await client.deleteWebhook().catch((err: unknown) => log.warn({ err }, "could not delete the Zalo webhook; polling retries until it can. Check ZALO_BOT_TOKEN"));
      polling = startZaloPolling({
        client,
        onUpdate: handleUpdate,
        ...(opts.pollingTimeoutSeconds !== undefined ? { timeoutSeconds: opts.pollingTimeoutSeconds } : {}),
        onError: (err, context) => log.warn({ err, kind: context.kind }, "zalo polling error"),
      });
      return polling;
    },
    webhookHandler: (secretToken) =>
      createZaloWebhookHandler({
        secretToken,
        onUpdate: handleUpdate,
        onError: (err, context) => log.warn({ err, kind: context.kind }, "zalo webhook error"),
      }),
    stop: async () => {
      await polling?.stop();
      polling = null;
      await Promise.allSettled([...chains.values()]);
    },
  };
};
